import { describe, expect, it } from 'vitest';
import { levels, levelLabels } from '../../src-main/contract/role-card';
import { parseLevel, parseRating } from '../../src-main/role-cards/levels';

describe('level vocabulary', () => {
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
    ['偏低', 'moderately_low'],
    ['很高', 'high'],
    ['极低', 'low'],
    ['中等至低', 'moderately_low'],
    ['低至中等', 'moderately_low'],
    ['中等至高', 'moderately_high'],
    ['moderate-high', 'moderately_high'],
    ['Low to moderate', 'moderately_low'],
    ['medium', 'moderate'],
    ['very high', 'high'],
  ])('maps the variant %s to %s', (word, level) => {
    expect(parseLevel(word)).toBe(level);
  });

  it('refuses words that are not levels', () => {
    for (const word of ['', '未知', 'extreme', '5', '中度焦虑']) expect(parseLevel(word)).toBeUndefined();
  });
});

describe('ratings: a level and a free description', () => {
  it.each([
    ['中等', 'moderate', ''],
    ['中等。对新的事物有兴趣。', 'moderate', '对新的事物有兴趣。'],
    ['中高，愿意考虑辞职养病', 'moderately_high', '愿意考虑辞职养病'],
    ['中等偏低。来访者对新想法接受程度较低。', 'moderately_low', '来访者对新想法接受程度较低。'],
    ['中高（有较多想法和梦想）', 'moderately_high', '有较多想法和梦想'],
    ['低至中等。她能够清晰表达自己的困惑', 'moderately_low', '她能够清晰表达自己的困惑'],
    ['Moderately low. The client has her own views.', 'moderately_low', 'The client has her own views.'],
    ['High', 'high', ''],
    ['moderate - open to ideas', 'moderate', 'open to ideas'],
  ])('reads %s', (text, level, description) => {
    expect(parseRating(text)).toEqual({ level, description });
  });

  it('prefers the longest level word (中等偏低 is not 中等 + 偏低…)', () => {
    expect(parseRating('中等偏低')).toEqual({ level: 'moderately_low', description: '' });
    expect(parseRating('Moderately high.')).toEqual({ level: 'moderately_high', description: '' });
  });

  it('names an unknown level and lists the accepted words', () => {
    const result = parseRating('超级高。描述');
    expect(result).toHaveProperty('error');
    expect((result as { error: string }).error).toMatch(/Unknown level '超级高。描述'.*低 \/ 中等偏低 \/ 中等 \/ 中等偏高 \/ 高/);
    expect(parseRating('')).toHaveProperty('error');
    // A level word glued to more text is not a level.
    expect(parseRating('中度焦虑')).toHaveProperty('error');
  });
});
