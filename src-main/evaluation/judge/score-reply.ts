// The score a WAI judge's reply gives: a single integer 1–7 in the forms real models write
// ("6", "Score: 6", "**6/7**", "我的评分是6分", "评分：六分", reasoning first and the score
// last). Anything else is not a score: no number, two different scores, a number out of
// range. The caller retries those and, in the end, records them as missing, never a number.
//
// Rules, in order (docs/evaluation.md, "WAI-O-S"):
//  1. NFKC (full-width ６ → 6), Markdown emphasis and code fences dropped, Chinese numerals
//     一…七 written as digits when they stand as a score (六分, 评分为六).
//  2. The scale itself is not a score: "1 to 7", "1-7分", "从1到7", "(1–7)", "满分7分" are removed.
//  3. Marked scores: a number after a score word (score, rating, give, 评分, 得分, 打分, 分数, 给)
//     or before 分 or "/7" / "out of 7", and an alternative offered beside it ("5 or 6").
//     One value among them (however often repeated) is the score; two different values are
//     ambiguous.
//  4. No marked score: the reply's standalone integers. Exactly one distinct value is the
//     score; none or several are no score.

export type ScoreReading =
  | { ok: true; score: number }
  | { ok: false; problem: 'no_score' | 'ambiguous' | 'out_of_range'; detail: string };

const CHINESE_DIGITS: Record<string, string> = { 一: '1', 二: '2', 两: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9', 十: '10', 零: '0' };

const SCORE_WORDS = String.raw`(?:score|rating|rated|rate|(?:would\s+)?(?:give|gave|assign)(?:\s+(?:it|this|this\s+session|the\s+session))?(?:\s+an?)?|评分|得分|打分|分数|分值|给出|给予|打|给)`;
/** "5 or 6", "5-6", "5到6分": a second value offered beside a score. */
const ALTERNATIVE = String.raw`(?:\s*(?:or|或者?|to|到|至|[-–~～])\s*(\d+(?:\.\d+)?)(?!\s*分钟))?`;
const MARKED = [
  // "Score: 6", "score is 6", "rating of 6", "评分：6", "我的评分是 6 分", "打6分"
  new RegExp(String.raw`${SCORE_WORDS}\s*(?:is|of|为|是|应为|应该是|:|：|=|-|—)?\s*(?:about|around|大约|约)?\s*[\[(（【"“']?\s*(\d+(?:\.\d+)?)(?:\s*分)?${ALTERNATIVE}`, 'giu'),
  // "6分", "6 / 7", "6 out of 7"
  /(?<![\d.])(\d+(?:\.\d+)?)\s*(?:分(?!钟|之)|\/\s*7(?!\d)|out\s+of\s+7)/giu,
];
const SCALE = [
  /(?:from\s+)?(?<![\d.])1\s*(?:-|–|—|~|～|到|至|to)\s*7(?!\d)\s*分?/giu,
  /[(（]\s*1\s*[-–—~～]\s*7\s*[)）]/gu,
  /满分\s*(?:为|是)?\s*7\s*分?|7\s*分制|(?:on\s+)?a\s+7-point\s+scale/giu,
];

function normalise(reply: string): string {
  let text = reply.normalize('NFKC');
  text = text.replace(/```[a-z]*\n?/gi, '\n').replace(/[*_`#]+/g, ' ');
  // 六分 / 评分为六 / 打六分: a Chinese numeral next to a score word.
  text = text.replace(/([一二两三四五六七八九十零])(?=\s*分(?!钟|之))/gu, (d) => CHINESE_DIGITS[d]!);
  text = text.replace(/((?:评分|得分|打分|分数)\s*(?:为|是|:|：)?\s*)([一二两三四五六七八九十])(?![一二两三四五六七八九十])/gu, (_, w: string, d: string) => w + CHINESE_DIGITS[d]!);
  for (const scale of SCALE) text = text.replace(scale, ' ');
  return text;
}

function distinct(values: string[]): number[] {
  return [...new Set(values.map(Number))];
}

function judge(values: number[], where: string): ScoreReading {
  if (values.length > 1) return { ok: false, problem: 'ambiguous', detail: `${where} ${values.join(' and ')}` };
  const score = values[0]!;
  if (!Number.isInteger(score) || score < 1 || score > 7) return { ok: false, problem: 'out_of_range', detail: `${score} is not an integer from 1 to 7` };
  return { ok: true, score };
}

export function readScore(reply: string): ScoreReading {
  const text = normalise(reply);
  const marked: string[] = [];
  for (const pattern of MARKED) {
    for (const m of text.matchAll(pattern)) marked.push(...m.slice(1).filter((v): v is string => v !== undefined));
  }
  if (marked.length > 0) return judge(distinct(marked), 'it gives the scores');
  const bare = [...text.matchAll(/(?<![\d.])\d+(?:\.\d+)?(?![\d.]*\d)/gu)].map((m) => m[0]);
  if (bare.length === 0) return { ok: false, problem: 'no_score', detail: 'the reply has no number' };
  return judge(distinct(bare), 'it has the numbers');
}
