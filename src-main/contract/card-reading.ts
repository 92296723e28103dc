// What can be read out of a card's values as their authors wrote them: the level a Big Five
// trait or the resistance starts with, and the age (or age range) an age text names. A card
// stores the text; these readings are derived from it, for filtering, sorting and the chips
// the pool and the editor show. A value that does not start with a level word, or an age
// text that names no age, is free text: kept as written, with no derived value.

export const levels = ['low', 'moderately_low', 'moderate', 'moderately_high', 'high'] as const;
export type Level = (typeof levels)[number];

export const levelWords: Record<'zh' | 'en', Record<Level, string>> = {
  zh: { low: '低', moderately_low: '中等偏低', moderate: '中等', moderately_high: '中等偏高', high: '高' },
  en: { low: 'Low', moderately_low: 'Moderately low', moderate: 'Moderate', moderately_high: 'Moderately high', high: 'High' },
};

// The words people write for the five steps. The paper's released cards use many more than
// the five canonical ones ("中高", "中低", "中等至低", "中等到较低", "低偏中"…). A range or a
// choice between two steps ("低至中等", "中等或较低", "moderate to high") reads as the step
// between its ends.
const zhVariants: Record<Level, string[]> = {
  low: ['低', '很低', '极低', '非常低', '偏低下', '低下'],
  moderately_low: [
    '中等偏低', '中偏低', '中低', '中低等', '中等偏下', '中下', '中下等', '较低', '偏低', '略低', '稍低', '中等略低', '中等稍低',
    '中等至低', '中等到低', '中至低', '中到低', '低至中等', '低到中等', '低至中', '低到中', '低偏中', '低或中等', '中等或低',
    '中等或偏低', '中等或较低', '中等至较低', '中等到较低', '较低至中等', '较低到中等', '偏低至中等', '偏低到中等',
  ],
  moderate: ['中等', '中', '中度', '一般', '适中', '中等水平', '中等程度'],
  moderately_high: [
    '中等偏高', '中偏高', '中高', '中高等', '中等偏上', '中上', '中上等', '较高', '偏高', '略高', '稍高', '中等略高', '中等稍高',
    '中等至高', '中等到高', '中至高', '中到高', '高至中等', '高到中等', '高至中', '高到中', '高偏中', '高或中等', '中等或高',
    '中等或偏高', '中等或较高', '中等至较高', '中等到较高', '较高至中等', '较高到中等', '偏高至中等', '偏高到中等',
  ],
  high: ['高', '很高', '极高', '非常高'],
};

// English, compared after lower-casing and turning '-', '_' and runs of spaces into one space.
const enVariants: Record<Level, string[]> = {
  low: ['low', 'very low', 'extremely low'],
  moderately_low: [
    'moderately low', 'moderate low', 'moderate to low', 'low to moderate', 'low moderate', 'medium low',
    'low to medium', 'somewhat low', 'fairly low', 'rather low', 'slightly low', 'below average', 'lower middle',
    'moderate or low', 'low or moderate',
  ],
  moderate: ['moderate', 'medium', 'average', 'mid', 'middle', 'intermediate'],
  moderately_high: [
    'moderately high', 'moderate high', 'moderate to high', 'high to moderate', 'high moderate', 'medium high',
    'medium to high', 'somewhat high', 'fairly high', 'rather high', 'slightly high', 'above average', 'upper middle',
    'moderate or high', 'high or moderate',
  ],
  high: ['high', 'very high', 'extremely high'],
};

// A hedge before the level still names it: "可能中等偏高。表现为…", "Probably high".
const hedges = ['很可能', '可能', '也许', '或许', '大概', '推测为', '推测', '估计', '似乎', '应该是', 'probably', 'likely', 'possibly', 'perhaps', 'maybe', 'presumably', 'seemingly'];

const simplify = (s: string) => s.normalize('NFKC').toLowerCase().replace(/[\s_-]+/g, ' ');

/** Every accepted spelling, longest first so "中等偏低" wins over "中等" and "moderately low" over "moderate". */
const vocabulary: { word: string; level: Level }[] = [
  ...levels.map((level) => ({ word: level.replace('_', ' '), level })),
  ...levels.flatMap((level) => [...zhVariants[level], ...enVariants[level]].map((word) => ({ word: simplify(word), level }))),
].sort((a, b) => b.word.length - a.word.length);

const exact = new Map(vocabulary.map((v) => [v.word, v.level]));

export const acceptedLevelWords = `${levels.map((l) => levelWords.zh[l]).join(' / ')} or ${levels.map((l) => levelWords.en[l].toLowerCase()).join(' / ')}`;

/** A level word on its own ("中高", "Moderately high", "moderately_high"), or undefined. */
export function parseLevel(raw: string): Level | undefined {
  return exact.get(simplify(raw).trim());
}

// What may follow the level: the end, a separator (。，；：、 . , ; : a dash, a space or a line
// break) or an opening bracket, as in "中高（渴望探索…）".
const after = /^(?:$|[\s。．.，,；;：:、\-—–（(])/u;

/**
 * Where a value's level phrase ends: the hedge and level word it starts with ("可能中等偏高"
 * in "可能中等偏高。表现为…"), as a count of characters of the value; 0 when it starts with none.
 */
export function levelPhraseLength(value: string): number {
  return readLevel(value)?.length ?? 0;
}

/** The level a value starts with (after an optional hedge), or null when it is free text. */
export function levelOf(value: string): Level | null {
  return readLevel(value)?.level ?? null;
}

// A list mark before the value ("- 中等（…）", a value written as a one-item list).
const listMark = /^\s*(?:[-–—•·*]\s+|[-–—•·](?=\S))/u;

function readLevel(value: string): { level: Level; length: number } | undefined {
  const text = value.replace(listMark, '').trimStart();
  const lead = value.length - text.length;
  // The level phrase is at the start: the longest hedge and word fit in 40 characters.
  const head = text.slice(0, 40);
  const folded = simplify(head);
  const hedge = hedges.find((h) => folded.startsWith(h) && (/\p{Script=Han}/u.test(h) || folded[h.length] === ' '));
  const from = hedge ? hedge.length + (/\p{Script=Han}/u.test(hedge) ? 0 : 1) : 0;
  const rest = folded.slice(from).replace(/^ /, '');
  const skipped = folded.length - from - rest.length;
  for (const { word, level } of vocabulary) {
    if (!rest.startsWith(word) || !after.test(rest.slice(word.length))) continue;
    const foldedLength = from + skipped + word.length;
    // Folding usually changes nothing (Chinese, lower-case English): lengths are then the same.
    return { level, length: lead + (folded === head ? foldedLength : originalLength(text, foldedLength)) };
  }
  return undefined;
}

/** How many characters of `original` fold into the first `foldedLength` characters of simplify(original). */
function originalLength(original: string, foldedLength: number): number {
  for (let i = 1; i <= original.length; i++) {
    if (simplify(original.slice(0, i)).length >= foldedLength) return i;
  }
  return original.length;
}

// ── Ages ─────────────────────────────────────────────────────────────────────────

export const AGE_MIN = 1;
export const AGE_MAX = 120;

/** The ages an age text names: one age (min = max) or a range. */
export interface AgeRange {
  min: number;
  max: number;
}

const ageHedge = /^(?:约|大约|大概|估计|推测为|推测|可能|应该是|about|around|approximately|approx\.?|roughly|circa|c\.|~)\s*/iu;
const years = String.raw`(?:岁|周岁|虚岁|years?(?:\s+old)?|yrs?\.?|y\.?o\.?)`;
// After the age: the end, or anything that cannot continue a number or a word ("22岁（大学刚毕业）").
const end = String.raw`(?=$|[^\p{L}\p{N}]|\p{Script=Han})`;
const agePatterns: [RegExp, (m: RegExpExecArray) => AgeRange][] = [
  // 30-35岁, 25～30, 30到35岁, 30 to 35
  [new RegExp(String.raw`^(\d{1,3})\s*${years}?\s*(?:-|–|—|~|到|至|to)\s*(\d{1,3})\s*${years}?${end}`, 'iu'), (m) => ({ min: +m[1]!, max: +m[2]! })],
  // 30多岁, 30来岁, 30几岁, 30余岁: the decade
  [/^(\d{1,2}0)\s*(?:多|来|几|余)\s*(?:岁|周岁)?/u, (m) => ({ min: +m[1]!, max: +m[1]! + 9 })],
  // 30岁出头, 二十出头
  [/^(\d{1,3})\s*(?:岁|周岁)?\s*出头/u, (m) => ({ min: +m[1]!, max: +m[1]! + 3 })],
  // early 30s, mid-30s, late 30s, 30s
  [/^(early|mid|late)?[\s-]*(\d{1,2}0)'?s\b/iu, (m) => decade(+m[2]!, m[1]?.toLowerCase())],
  // 25, 25岁, 29周岁, 22岁（大学刚毕业）, 25 years old
  [new RegExp(String.raw`^(\d{1,3})\s*${years}?${end}`, 'iu'), (m) => ({ min: +m[1]!, max: +m[1]! })],
];

function decade(start: number, part: string | undefined): AgeRange {
  if (part === 'early') return { min: start, max: start + 3 };
  if (part === 'mid') return { min: start + 4, max: start + 6 };
  if (part === 'late') return { min: start + 7, max: start + 9 };
  return { min: start, max: start + 9 };
}

/** The age or age range an age text names ("25岁", "30多岁", "30-35岁", "mid-30s"), or null ("暂未提及"). */
export function ageRangeOf(value: string): AgeRange | null {
  const text = chineseNumberToDigits(value.normalize('NFKC').trim().replace(ageHedge, ''));
  for (const [pattern, read] of agePatterns) {
    const m = pattern.exec(text);
    if (!m) continue;
    const range = read(m);
    return range.min >= AGE_MIN && range.max <= AGE_MAX && range.min <= range.max ? range : null;
  }
  return null;
}

const digits: Record<string, number> = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** "二十五岁" → "25岁", "三十多岁" → "30多岁", "十八" → "18": a leading number in Chinese numerals. */
function chineseNumberToDigits(text: string): string {
  // Only a numeral that is an age ("一般" or "一直未提及" are not).
  const m = /^(?:([一二两三四五六七八九])?十([一二三四五六七八九])?|一百(?:[零一]?([一二]?)十?([一二三四五六七八九])?)?|([一二两三四五六七八九]))(?=\s*(?:多|来|几|余)?\s*(?:岁|周岁|虚岁|出头)|$)/u.exec(text);
  if (!m || m[0] === '') return text;
  let n: number;
  if (m[0].startsWith('一百')) n = 100 + (m[3] ? digits[m[3]]! * 10 : /十/.test(m[0]) ? 10 : 0) + (m[4] ? digits[m[4]]! : 0);
  else if (m[5]) n = digits[m[5]]!;
  else n = (m[1] ? digits[m[1]]! : 1) * 10 + (m[2] ? digits[m[2]]! : 0);
  return `${n}${text.slice(m[0].length)}`;
}
