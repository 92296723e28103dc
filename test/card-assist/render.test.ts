import { afterEach, describe, expect, it } from 'vitest';
import type { CardRender } from '../../src-main/contract';
import { draftCardText } from '../../src-main/card-assist/render';
import { cardText } from '../../src-main/role-cards/card-text';
import { clientTemplate } from '../../src-main/simulation/resources';
import { harness, makeCard, type Harness } from './support';

// cards:render: the card as the client agent receives it, and the whole client prompt.

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const { split: _s, tags: _t, source: _src, ...content } = makeCard();

describe('cards:render', () => {
  it('renders a saved card exactly as the simulation does, inside the client template', async () => {
    h = await harness();
    const card = h.ctx.cards.get(h.cardId);
    const render = await h.call<CardRender>('cards:render', { id: h.cardId });
    expect(render.language).toBe('zh');
    expect(render.cardText).toBe(cardText(card, 'zh'));
    expect(render.cardText).toContain('大五人格：\n - 开放性：中等偏低。对新想法的接受程度较低。');
    const template = clientTemplate(h.ctx.resourcesDir, 'zh');
    expect(render.systemPrompt).toBe(template.replace('{role_card}', render.cardText));
    expect(render.systemPrompt).toMatch(/^现在你是一位来心理咨询的来访者。\n以下是你的个人信息：\n性别：女\n年龄：20岁\n/);
  });

  it('says a removed card is not found', async () => {
    h = await harness();
    expect(await h.fail('cards:render', { id: 9999 })).toMatchObject({ code: 'not_found' });
  });

  it('renders a complete draft exactly like the saved card', async () => {
    h = await harness();
    const saved = await h.call<CardRender>('cards:render', { id: h.cardId });
    const draft = await h.call<CardRender>('cards:render', { draft: { ...content, language: 'zh' } });
    expect(draft).toEqual(saved);
  });

  it('leaves out what an incomplete draft does not have yet, blank fields included, as a saved card leaves out empty ones', async () => {
    h = await harness();
    const render = await h.call<CardRender>('cards:render', {
      draft: {
        language: 'zh',
        gender: '男',
        age: '35岁',
        education: '  ',
        occupation: '',
        bigFive: { neuroticism: '高。容易紧张。', openness: '中等' },
        chiefComplaint: '最近总是失眠。',
      },
    });
    expect(render.cardText).toBe(
      ['性别：男', '年龄：35岁', '大五人格：', ' - 开放性：中等', ' - 神经质：高。容易紧张。', '来访者的主诉问题：最近总是失眠。'].join('\n'),
    );
    expect(render.systemPrompt).toContain(`以下是你的个人信息：\n${render.cardText}\n\n来访者的对话要求：`);
  });

  it('renders an English draft with English labels, and an empty draft as nothing', async () => {
    h = await harness();
    const en = await h.call<CardRender>('cards:render', {
      draft: { language: 'en', age: '20', resistance: 'Moderately high. Doubts counseling.', familyRelationships: 'Close to her father.\nDistant from her mother.' },
    });
    expect(en.cardText).toBe('Age: 20\nFamily relationships: Close to her father.\n  Distant from her mother.\nResistance to psychological counseling: Moderately high. Doubts counseling.');
    expect(en.systemPrompt).toContain(`The following are your personal details:\n${en.cardText}\n`);
    const empty = await h.call<CardRender>('cards:render', { draft: { language: 'zh' } });
    expect(empty.cardText).toBe('');
  });

  it('shows extra fields in their place and keeps free text as written', async () => {
    h = await harness();
    const render = await h.call<CardRender>('cards:render', {
      draft: {
        language: 'zh',
        age: '30多岁',
        familyRelationships: '- 母亲：控制欲强\n- 父亲：常年在外',
        extras: [{ after: 'familyRelationships', label: '经济状况', value: '房贷压力大' }],
        bigFive: { openness: '未具体提及。但可能偏低' },
      },
    });
    expect(render.cardText).toBe(['年龄：30多岁', '家庭关系：', '  - 母亲：控制欲强', '  - 父亲：常年在外', '经济状况：房贷压力大', '大五人格：', ' - 开放性：未具体提及。但可能偏低'].join('\n'));
  });

  it('the partial renderer, given everything, agrees with the card text', () => {
    for (const language of ['zh', 'en'] as const) {
      const card = { ...content, familyRelationships: '第一行\n第二行' };
      // Force the partial path by leaving the check to the renderer's own layout.
      const { chiefComplaint, ...rest } = card;
      const partial = draftCardText({ ...rest, language });
      expect(`${partial}\n${language === 'zh' ? '来访者的主诉问题：' : 'Chief complaint: '}${chiefComplaint}`).toBe(cardText(card, language));
    }
  });

  it('reports a bad draft field beside the field', async () => {
    h = await harness();
    const error = await h.fail('cards:render', { draft: { language: 'zh', age: '岁'.repeat(101) } });
    expect(error).toMatchObject({ code: 'validation', issues: [{ path: 'draft.age', message: 'Age is too long (at most 100 characters)' }] });
    expect(await h.fail('cards:render', { draft: { language: 'zh', gender: '女\u0000' } })).toMatchObject({ issues: [{ path: 'draft.gender', message: expect.stringMatching(/control character/) }] });
    expect(error).toMatchObject({ code: 'validation', issues: [{ path: 'draft.age' }] });
  });

  it('uses the client template override', async () => {
    h = await harness();
    await h.call('prompts:set', { kind: 'client', language: 'zh', template: '扮演这位来访者：\n{role_card}\n只说一句话。' });
    const render = await h.call<CardRender>('cards:render', { id: h.cardId });
    expect(render.systemPrompt).toBe(`扮演这位来访者：\n${render.cardText}\n只说一句话。`);
  });
});
