import { describe, expect, it } from 'vitest';
import { judgePrompt, readChoice, supervisorTemplate } from '../../src-main/arena/supervisor';
import { findResourcesDir } from '../../src-main/simulation/resources';

// What real judges write (Qwen, GPT-4o, DeepSeek style answers to Prompts 1 and 2), and what
// the reading makes of it: a choice, or a failure with its reason, never a guess.

const chosen: [string, string, 'A' | 'B'][] = [
  ['the prompt\'s own format', '- 选择的依据：回复A使用了开放性问题，鼓励来访者表达。\n- 最后的选择：A', 'A'],
  ['English format, dash', '- Basis for selection: Response B reflects the client\'s feelings.\n- Final choice: B', 'B'],
  ['bold marker and 回复A', '**选择的依据**：两个回复都表达了共情，但回复B有评判色彩。\n\n**最后的选择**：回复A', 'A'],
  ['full-width letter and colon', '选择的依据：……\n最后的选择：Ｂ', 'B'],
  ['full stop after the letter', '- 选择的依据：回复B更具体。\n- 最后的选择：B。', 'B'],
  ['bold letter', '- Basis for Selection: ...\n- Final Choice: **A**', 'A'],
  ['brackets', '最后的选择：[B]', 'B'],
  ['"Response" before the letter', 'Final choice: Response A, because it asks an open question.', 'A'],
  ['"is" between', 'Having weighed empathy and clarity, the final choice is B.', 'B'],
  ['reasoning mentions both before the verdict', '回复A更共情，回复B更具体；综合来看A更好。\n最后的选择：A', 'A'],
  ['最终选择 spelling', '依据：……\n最终选择：B', 'B'],
  ['heading markup', '### 选择的依据\n回复B忽略了来访者的情绪。\n### 最后的选择\nA', 'A'],
  ['a bare letter', 'B', 'B'],
  ['a bare 回复A', '回复A', 'A'],
  ['the last verdict line counts, prose after it does not', '最后的选择：A\n\n（注：最终选择基于共情原则）', 'A'],
  ['a template echo before the real line', '你的输出格式为如下：最后的选择：X\n- 选择的依据：……\n- 最后的选择：B', 'B'],
  ['lowercase letter at the end', 'Final choice: b', 'B'],
];

const failed: [string, string, RegExp][] = [
  ['a third option', '- 选择的依据：两个都不够好。\n- 最后的选择：C', /chose "C", which is not one of A, B/],
  ['the placeholder', '- 最后的选择：X（其中X属于[A, B]）', /placeholder X/],
  ['both', '最后的选择：A或B都可以', /names both replies/],
  ['both, English', 'Final choice: A and B are equally good', /names both replies/],
  ['no verdict line', '回复A更好，因为它更共情。', /no final choice/],
  ['a refusal', "I'm sorry, but I can't help with that.", /no final choice/],
  ['empty', '', /no final choice/],
  ['a word starting with A', 'Final choice: Acceptable either way', /no final choice/],
];

describe('reading the supervisor\'s final choice', () => {
  it.each(chosen)('%s', (_name, output, label) => {
    expect(readChoice(output)).toEqual({ ok: true, choice: label });
  });
  it.each(failed)('fails: %s', (_name, output, reason) => {
    const reading = readChoice(output);
    expect(reading.ok).toBe(false);
    if (!reading.ok) expect(reading.reason).toMatch(reason);
  });
});

describe('the supervisor prompts', () => {
  const dir = findResourcesDir();
  it('ship Prompt 1 and 2 in zh and en with both slots, and fill them', () => {
    for (const version of [1, 2] as const) {
      for (const language of ['zh', 'en'] as const) {
        const template = supervisorTemplate(dir, version, language);
        expect(template).toContain('{dialogue_history}');
        expect(template).toContain('{shuffled_candidates}');
      }
    }
    expect(supervisorTemplate(dir, 1, 'zh')).toContain('自主性');
    expect(supervisorTemplate(dir, 2, 'en')).toContain('Active Listening');
    const filled = judgePrompt(supervisorTemplate(dir, 2, 'zh'), 'zh', [{ role: 'client', content: '你好' }, { role: 'counselor', content: '你好，请说。' }, { role: 'client', content: '我睡不着。' }], ['多久了？', '别担心。']);
    expect(filled).toContain('来访者：你好\n咨询师：你好，请说。\n来访者：我睡不着。');
    expect(filled).toContain('回复A：多久了？\n回复B：别担心。');
    expect(filled).not.toContain('{');
  });
});
