import { levelLabels, levels, type CardLanguage, type Level, type Rating } from '../contract/role-card';

// The five-step level scale (低 / 中等偏低 / 中等 / 中等偏高 / 高 ↔ low … high) and the words
// people actually write for it. The paper's released cards use more than the five canonical
// words ("中高", "中低", "中等至低", "低至中等"…), so every variant below maps onto the scale.
// Ranges ("低至中等", "moderate to high") map to the step between their ends. Anything else
// is refused with the list of accepted words, rather than guessed.

const zhVariants: Record<Level, string[]> = {
  low: ['低', '很低', '极低', '非常低', '偏低下', '低下'],
  moderately_low: [
    '中等偏低', '中偏低', '中低', '中等偏下', '中下', '较低', '偏低', '略低', '稍低', '中等略低', '中等稍低',
    '中等至低', '中等到低', '中至低', '中到低', '低至中等', '低到中等', '低至中', '低到中', '中等或偏低',
  ],
  moderate: ['中等', '中', '中度', '一般', '适中', '中等水平'],
  moderately_high: [
    '中等偏高', '中偏高', '中高', '中等偏上', '中上', '较高', '偏高', '略高', '稍高', '中等略高', '中等稍高',
    '中等至高', '中等到高', '中至高', '中到高', '高至中等', '高到中等', '高至中', '高到中', '中等或偏高',
  ],
  high: ['高', '很高', '极高', '非常高'],
};

// English, compared after lower-casing and turning '-', '_' and runs of spaces into one space.
const enVariants: Record<Level, string[]> = {
  low: ['low', 'very low', 'extremely low'],
  moderately_low: [
    'moderately low', 'moderate low', 'moderate to low', 'low to moderate', 'low moderate', 'medium low',
    'low to medium', 'somewhat low', 'fairly low', 'rather low', 'slightly low', 'below average', 'lower middle',
  ],
  moderate: ['moderate', 'medium', 'average', 'mid', 'middle', 'intermediate'],
  moderately_high: [
    'moderately high', 'moderate high', 'moderate to high', 'high to moderate', 'high moderate', 'medium high',
    'medium to high', 'somewhat high', 'fairly high', 'rather high', 'slightly high', 'above average', 'upper middle',
  ],
  high: ['high', 'very high', 'extremely high'],
};

const simplify = (s: string) => s.normalize('NFKC').trim().toLowerCase().replace(/[\s_-]+/g, ' ');

/** Every accepted spelling, longest first so "中等偏低" wins over "中等" and "moderately low" over "moderate". */
const vocabulary: { word: string; level: Level }[] = [
  ...levels.map((level) => ({ word: level.replace('_', ' '), level })),
  ...levels.flatMap((level) => [...zhVariants[level], ...enVariants[level]].map((word) => ({ word: simplify(word), level }))),
].sort((a, b) => b.word.length - a.word.length);

const exact = new Map(vocabulary.map((v) => [v.word, v.level]));

export const acceptedLevelWords = `${levels.map((l) => levelLabels.zh[l]).join(' / ')} or ${levels.map((l) => levelLabels.en[l].toLowerCase()).join(' / ')}`;

/** A level word on its own ("中高", "Moderately high", "moderately_high"), or undefined. */
export function parseLevel(raw: string): Level | undefined {
  return exact.get(simplify(raw));
}

export const levelLabel = (level: Level, language: CardLanguage): string => levelLabels[language][level];

// What may stand between the level and its description: 。，；：、 . , ; : a dash or a space,
// or an opening bracket when the description is in brackets, as in "中高（渴望探索…）".
const separator = /^[\s。．.，,；;：:、\-—–]+/u;
const bracketed = /^[（(]([\s\S]*)[）)]$/u;

/**
 * A level followed by an optional free description, as the paper writes a trait or the
 * resistance: "中等", "中等。来访者…", "中高，愿意…", "中等（虽然…）", "Moderate. The client…".
 * The description is kept verbatim apart from the separator.
 */
export function parseRating(raw: string): Rating | { error: string } {
  const value = raw.normalize('NFC').trim();
  if (value === '') return { error: `No level given; write one of ${acceptedLevelWords}, optionally followed by 。and a description` };
  const folded = simplify(value);
  for (const { word, level } of vocabulary) {
    if (!folded.startsWith(word)) continue;
    // Map the matched length in the folded text back to the original: folding only changes
    // case, width and runs of separators, so count the original characters that fold to it.
    const cut = originalLength(value, word.length);
    const rest = value.slice(cut);
    if (rest !== '' && !separator.test(rest) && !/^[（(]/u.test(rest)) continue;
    // Brackets right after the level hold the description ("中高（…）"); after a separator
    // they are part of the description itself ("中等。（注：…）").
    const inBrackets = bracketed.exec(rest.trim());
    const text = inBrackets && /^[（(]/u.test(rest) ? inBrackets[1]! : rest.replace(separator, '');
    return { level, description: text.trim() };
  }
  const shown = value.length > 20 ? `${value.slice(0, 20)}…` : value;
  return { error: `Unknown level '${shown}': start with one of ${acceptedLevelWords}` };
}

/** How many characters of `original` fold into the first `foldedLength` characters of simplify(original). */
function originalLength(original: string, foldedLength: number): number {
  for (let i = 1; i <= original.length; i++) {
    if (simplify(original.slice(0, i)).length >= foldedLength) return i;
  }
  return original.length;
}
