import { describe, expect, it } from 'vitest';
import { ageRangeOf, levelLabels, levelOf, levelPhraseLength, levels, parseLevel, roleCardFieldsSchema } from '../../src-main/contract/role-card';
import { controlCharacterIn, graphemeLength } from '../../src-main/contract/text';
import { makeCard } from './support';

// What is derived from a card's values as written: levels, ages. A value that does not
// parse is free text (null), never an error.

describe('level words', () => {
  it('reads the canonical words in both languages and the keys themselves', () => {
    for (const level of levels) {
      expect(parseLevel(levelLabels.zh[level])).toBe(level);
      expect(parseLevel(levelLabels.en[level])).toBe(level);
      expect(parseLevel(level)).toBe(level);
      expect(parseLevel(levelLabels.en[level].toUpperCase())).toBe(level);
    }
  });

  it.each([
    ['中高', 'moderately_high'],
    ['中低', 'moderately_low'],
    ['中', 'moderate'],
    ['较高', 'moderately_high'],
    ['很高', 'high'],
    ['中等至低', 'moderately_low'],
    ['低至中等', 'moderately_low'],
    ['中等到较低', 'moderately_low'],
    ['中等或较低', 'moderately_low'],
    ['低偏中', 'moderately_low'],
    ['中低等', 'moderately_low'],
    ['中等或高', 'moderately_high'],
    ['moderate-high', 'moderately_high'],
    ['Low to moderate', 'moderately_low'],
    ['medium', 'moderate'],
  ])('maps the variant %s to %s', (word, level) => {
    expect(parseLevel(word)).toBe(level);
  });

  it('finds no level in words that are not levels', () => {
    for (const word of ['', '未知', 'extreme', '5', '中度焦虑']) expect(parseLevel(word)).toBeUndefined();
  });
});

describe('the level a value starts with', () => {
  it.each([
    ['中等', 'moderate', 2],
    ['中高（渴望探索新事物）', 'moderately_high', 2],
    ['中等到较低，面对不喜欢的任务会拖延', 'moderately_low', 5],
    ['中等或较低，很少主动', 'moderately_low', 5],
    ['可能中等偏高。表现为愿意尝试', 'moderately_high', 6],
    ['很可能高，她表现出了强烈的责任感', 'high', 4],
    ['- 中等（有主动寻求帮助的意愿）', 'moderate', 4],
    ['中等\n- 有一定程度的接受新观念的意愿', 'moderate', 2],
    ['Moderately low. The client has her own views.', 'moderately_low', 14],
    ['Probably high, she worries a lot', 'high', 13],
  ])('reads %j as %s (the level phrase is %i characters)', (value, level, length) => {
    expect(levelOf(value)).toBe(level);
    expect(levelPhraseLength(value)).toBe(length);
  });

  it.each(['未具体提及。但感情不稳定可能与低尽责性有关', '无法从现有信息中明确推断', '未知（信息缺失）', '暂不明确，但描述中显示她敏感', '中度焦虑', '高中', ''])(
    'keeps %j as free text',
    (value) => {
      expect(levelOf(value)).toBeNull();
      expect(levelPhraseLength(value)).toBe(0);
    },
  );
});

describe('the ages an age text names', () => {
  it.each([
    ['25', 25, 25],
    ['25岁', 25, 25],
    ['29周岁', 29, 29],
    ['22岁（大学刚毕业）', 22, 22],
    ['30多岁', 30, 39],
    ['30-35岁', 30, 35],
    ['25～30岁', 25, 30],
    ['三十多岁', 30, 39],
    ['二十五岁', 25, 25],
    ['二十出头', 20, 23],
    ['约25岁', 25, 25],
    ['mid-30s', 34, 36],
    ['25 years old', 25, 25],
  ])('reads %j as %i–%i', (text, min, max) => {
    expect(ageRangeOf(text)).toEqual({ min, max });
  });

  it.each(['暂未提及', '未知', '', '一直未提及', '0岁', '200岁', '2025年', '成年人'])('names no age in %j', (text) => {
    expect(ageRangeOf(text)).toBeNull();
  });
});

describe('control characters', () => {
  it('are found and named, tabs and line breaks are not', () => {
    expect(controlCharacterIn('a\tb\nc\r\n')).toBeUndefined();
    expect(controlCharacterIn('焦虑\u0000')).toBe('U+0000 at character 3');
    expect(controlCharacterIn('x\u001b[31m')).toBe('U+001B at character 2');
    expect(controlCharacterIn('x\u0085')).toBe('U+0085 at character 2');
    // Half of a UTF-16 pair is no character; a whole pair (an emoji) is one.
    expect(controlCharacterIn('心\ud800理')).toBe('U+D800 at character 2');
    expect(controlCharacterIn('心理😀')).toBeUndefined();
  });

  it('are refused in every text of a card, naming the field', () => {
    const bad = (change: Record<string, unknown>) => {
      const parsed = roleCardFieldsSchema.safeParse({ ...makeCard(), ...change });
      return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(bad({ gender: '女\u0000' })).toEqual(['gender: Gender contains a control character (U+0000 at character 2); remove it (only tabs and line breaks are allowed)']);
    expect(bad({ chiefComplaint: '我\u0007很焦虑' })[0]).toMatch(/^chiefComplaint: The chief complaint contains a control character \(U\+0007/);
    expect(bad({ bigFive: { ...makeCard().bigFive, openness: '高\u0000' } })[0]).toMatch(/^bigFive\.openness: Openness contains a control character/);
    expect(bad({ extras: [{ after: 'gender', label: '经济\u0000', value: '一般' }] })[0]).toMatch(/^extras\.0\.label: The label contains a control character/);
    expect(bad({ extras: [{ after: 'gender', label: '经济', value: '\u0001' }] })[0]).toMatch(/^extras\.0\.value: The value contains a control character/);
    expect(bad({ tags: ['a\u0000'] })[0]).toMatch(/^tags\.0: A tag may not contain control characters/);
    expect(bad({ source: 'x\u0000' })[0]).toMatch(/^source: Source contains a control character/);
    expect(bad({ gender: '女\tF' })).toEqual([]);
  });
});

describe('lengths', () => {
  it('count characters as a person does', () => {
    expect(graphemeLength('👨‍👩‍👧焦虑')).toBe(3);
    const limit = roleCardFieldsSchema.safeParse({ ...makeCard(), gender: '女'.repeat(101) });
    expect(limit.success).toBe(false);
    expect(roleCardFieldsSchema.safeParse({ ...makeCard(), gender: '👩'.repeat(100) }).success).toBe(true);
  });
});
