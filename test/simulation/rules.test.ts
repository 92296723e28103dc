import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findResourcesDir, defaultTerminationPhrases, parsePhraseList } from '../../src-main/simulation/resources';
import { DEFAULT_REFINEMENT, graphemeLength, refine } from '../../src-main/simulation/refinement';
import { terminationMatcher } from '../../src-main/simulation/termination';
import { agentView, clientSystemPrompt, nextSpeaker } from '../../src-main/simulation/views';
import { paperFixtures, repoRoot } from './support';

const resources = findResourcesDir();
const rules = DEFAULT_REFINEMENT;

describe('resources', () => {
  it('are found from the source tree', () => {
    expect(resources).toBe(join(repoRoot, 'resources'));
  });
});

describe('termination (paper Table 2)', () => {
  const table2zh = ['再见', '加油', '保重', '欢迎回来', '一切顺利', '祝你好运', '期待听到', '期待你', '下一次', '下次见'];
  const table2en = ['Good bye', 'Keep it up', 'Take care', 'Welcome back', 'All the best', 'Good luck', 'Looking forward to hearing', 'Looking forward to see you', 'Next time', 'See you next time'];

  it('ship Table 2 plus 期待再次 for Chinese, and the English column for English', () => {
    const zh = defaultTerminationPhrases(resources, 'zh');
    expect(zh).toEqual([...table2zh, '期待再次']);
    const en = defaultTerminationPhrases(resources, 'en');
    for (const p of table2en) expect(en).toContain(p);
  });

  for (const language of ['zh', 'en'] as const) {
    const phrases = defaultTerminationPhrases(resources, language);
    it.each(phrases)(`${language}: a reply holding "%s" ends the session`, (phrase) => {
      const g = terminationMatcher(phrases);
      expect(g.match(language === 'zh' ? `好的，今天就聊到这里，${phrase}！` : `Alright, that is all for today. ${phrase.toLowerCase()}!`)).not.toBeNull();
    });
  }

  it('does not end on an ordinary reply, and names the phrase it found', () => {
    const g = terminationMatcher(defaultTerminationPhrases(resources, 'zh'));
    expect(g.match('能具体说说那天发生了什么吗？')).toBeNull();
    expect(g.match('不客气，随时欢迎你来。加油！')).toBe('加油');
    expect(terminationMatcher(['Take care']).match('TAKE CARE of yourself')).toBe('Take care');
  });

  it('reads a list file: one phrase a line, comments and blanks skipped, duplicates once', () => {
    expect(parsePhraseList('# c\n再见\n\n 加油 \n再见\r\n')).toEqual(['再见', '加油']);
  });
});

describe('response refinement σ (§3.5)', () => {
  it('accepts a reply of exactly 200 Chinese characters and refuses 201', () => {
    expect(refine('好'.repeat(200), rules).ok).toBe(true);
    expect(refine('好'.repeat(201), rules)).toMatchObject({ ok: false, reason: 'too_long', detail: '201 characters, more than 200' });
  });

  it('counts graphemes, not UTF-16 units: emoji, surrogate pairs and combining marks count one', () => {
    expect(graphemeLength('👍🏽')).toBe(1);
    expect(graphemeLength('👨‍👩‍👧')).toBe(1);
    expect(graphemeLength('𠮷')).toBe(1); // outside the BMP: two UTF-16 units
    expect(graphemeLength('é')).toBe(1); // e + combining acute
    expect(graphemeLength('你好abc')).toBe(5);
    expect(refine('𠮷'.repeat(200), rules).ok).toBe(true); // 400 UTF-16 units
    expect(refine('😀'.repeat(201), rules)).toMatchObject({ ok: false, reason: 'too_long' });
  });

  it('uses a configured length', () => {
    expect(refine('一二三四五六', { ...rules, maxLength: 5 })).toMatchObject({ ok: false, reason: 'too_long' });
  });

  it.each([
    ['LF', '你好。\n最近怎么样？'],
    ['CRLF', '你好。\r\n最近怎么样？'],
    ['CR', '你好。\r最近怎么样？'],
    ['a line separator', '你好。\u2028最近怎么样？'],
    ['a paragraph separator', 'Hello.\u2029How are you?'],
  ])('refuses a line break (%s)', (_label, text) => {
    expect(refine(text, rules)).toMatchObject({ ok: false, reason: 'newline' });
  });

  it('trims the ends first: a trailing newline is not a line break inside the reply', () => {
    expect(refine('  你最近睡得怎么样？\n', rules)).toEqual({ ok: true, text: '你最近睡得怎么样？' });
  });

  it.each([
    ['1. 2.', '你可以试试：1. 早点睡 2. 多运动'],
    ['1、2、', '建议如下：1、规律作息，2、适当运动'],
    ['a reply starting with 1.', '1. 先试着记录一下你的情绪。'],
    ['(1)', '你可以(1)写日记'],
    ['（1）', '首先（1）记录情绪'],
    ['①', '①保持规律作息'],
    ['⑴', '可以⑴多休息'],
    ['一、', '有几点：一、规律作息'],
    ['（一）', '（一）多和家人沟通'],
    ['第一… 第二…', '第一，规律作息；第二，适当运动。'],
    ['a bullet', '有几个方法•深呼吸'],
    ['a dash bullet', '可以试试这些：- 深呼吸'],
    ['first/second', 'First, try to rest. Second, talk to a friend.'],
    ['a) b)', 'You could a) rest more or b) talk to someone.'],
    ['1) 2)', 'Try 1) resting 2) talking'],
  ])('refuses enumerated items: %s', (_label, text) => {
    expect(refine(text, rules)).toMatchObject({ ok: false, reason: 'enumeration' });
  });

  it.each([
    '他们说愿意给我们15万彩礼，但我们负责装修房子。',
    '这让你的压力增加了1.5倍吗？',
    '你提到2024年发生了很多事，能说说吗？',
    'I turned 20. Then everything changed. How did you feel?',
    '你说的第一次争吵是什么时候？',
    '统一、规范的作息会有帮助吗？',
    '玛丽·居里说过，生活中没有可怕的东西。',
    'That sounds hard - how did you cope?',
    'Plan A. Then plan B. Which one feels right?',
  ])('accepts an ordinary sentence with digits or dashes: %s', (text) => {
    expect(refine(text, rules)).toMatchObject({ ok: true });
  });

  it('refuses an empty reply', () => {
    expect(refine('   ', rules)).toMatchObject({ ok: false, reason: 'empty' });
  });

  it('accepts every counselor turn of the released session (dialogue/0.json)', () => {
    const dialogue = JSON.parse(readFileSync(join(paperFixtures, 'dialogue/0.json'), 'utf8')) as { role: string; content: string }[];
    const verdicts = dialogue.filter((m) => m.role === 'counselor').map((m) => refine(m.content, rules));
    expect(verdicts.filter((v) => !v.ok)).toEqual([]);
  });
});

describe('agent views (Algorithm 1)', () => {
  const turns = [
    { role: 'client' as const, content: '你好' },
    { role: 'counselor' as const, content: 'r1' },
    { role: 'client' as const, content: 'u2' },
  ];

  it('shows the counselor its own turns as assistant and the client as user', () => {
    expect(agentView('counselor', 'SYS', turns)).toEqual([
      { role: 'system', content: 'SYS' },
      { role: 'user', content: '你好' },
      { role: 'assistant', content: 'r1' },
      { role: 'user', content: 'u2' },
    ]);
  });

  it('shows the client the reverse', () => {
    expect(agentView('client', 'SYS', turns.slice(0, 2))).toEqual([
      { role: 'system', content: 'SYS' },
      { role: 'assistant', content: '你好' },
      { role: 'user', content: 'r1' },
    ]);
  });

  it('lets the client open and the two alternate', () => {
    expect(nextSpeaker([])).toBe('client');
    expect(nextSpeaker(turns.slice(0, 1))).toBe('counselor');
    expect(nextSpeaker(turns.slice(0, 2))).toBe('client');
  });

  it('puts the card where {role_card} is, leaving $ patterns alone', () => {
    expect(clientSystemPrompt('A\n{role_card}\nB', '性别：女 $& $1')).toBe('A\n性别：女 $& $1\nB');
  });
});
