import type { RefinementRules, RejectionReason } from '../contract/simulation';
import { graphemeLength } from '../contract/text';

// Response refinement σ (paper §3.5): a reply is accepted only if it is at most 200
// characters long and has neither line breaks nor enumerated items. Replies are trimmed
// first (a model's trailing newline is not a line break inside the reply).
//
// Length counts user-perceived characters (extended grapheme clusters): a Chinese character,
// a letter, a digit, a punctuation mark or an emoji such as 👍🏽 or 👨‍👩‍👧 is one. UTF-16 units
// would count an emoji two or more times; code points would count 👍🏽 twice.

export const DEFAULT_REFINEMENT: RefinementRules = {
  maxLength: 200,
  forbidNewlines: true,
  forbidEnumeration: true,
  maxAttempts: 3,
  applyToClient: false,
  counting: 'graphemes',
};

export type Verdict = { ok: true; text: string } | { ok: false; reason: RejectionReason; detail: string; text: string };

// Counting is the contract's, shared with the role cards' limits.
export { graphemeLength };

/** Line breaks of any kind: LF, CR, vertical tab, form feed, NEL, line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- VT and FF are line breaks to look for
const lineBreak = /[\n\r\u000b\u000c\u0085\u2028\u2029]/;

// Enumerated items. A marker counts where an item starts: at the start of the reply or after
// a space or punctuation, never inside a number ("15万", "1.5倍", "2024年" are not items).
// "1." and "a)" style markers also occur in ordinary sentences ("I turned 20. Then…"), so
// they count when the reply starts with one or when two consecutive ones appear in order
// (1 … 2, a … b); the unambiguous markers (①, (1), 一、, •) count on their own.
const before = String.raw`(?<=^|[\s:：;；,，。!！?？、)）])`;
const numbered = new RegExp(String.raw`${before}(\d{1,2})\s?[.．、)）](?!\d)`, 'gu');
const lettered = /(?<=^|[\s:：;；,，。!！?？])([a-hA-H])[)）]/gu;

function sequentialMarkers(text: string, pattern: RegExp, value: (m: string) => number): boolean {
  const found = [...text.matchAll(pattern)];
  if (found.some((m) => m.index === 0)) return true;
  const values = found.map((m) => value(m[1]!));
  return values.some((v, i) => values.slice(i + 1).includes(v + 1));
}

const enumerationPatterns: { test: (text: string) => boolean; label: string }[] = [
  { test: (t) => sequentialMarkers(t, numbered, Number), label: 'numbered items (1. 2. / 1、2、)' },
  { test: (t) => sequentialMarkers(t, lettered, (m) => m.toLowerCase().charCodeAt(0)), label: 'lettered items (a) b))' },
  // (1) （2） [3] 【4】
  { test: (t) => /[(（[【]\s?\d{1,2}\s?[)）\]】]/u.test(t), label: 'a numbered item in brackets ((1) / （2）)' },
  // ① ⑴ ⒈ ❶ ➀ ➊ ㉑ and friends
  { test: (t) => /[\u2460-\u249b\u24ea-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf]/u.test(t), label: 'a circled or parenthesised number (① / ⑴)' },
  // 一、 二、 (一) （二）
  { test: (t) => new RegExp(String.raw`${before}[一二三四五六七八九十]{1,2}[、．]`, 'u').test(t), label: 'a Chinese numbered item (一、)' },
  { test: (t) => /[(（][一二三四五六七八九十]{1,2}[)）]/u.test(t), label: 'a Chinese numbered item in brackets ((一))' },
  // 第一，… 第二，… / First, … second, … (only as a pair)
  { test: (t) => /第一[,，、:：][^]*第二[,，、:：]/u.test(t), label: 'items counted 第一… 第二…' },
  { test: (t) => /(?:^|[\s.!?;:])(?:firstly|first)\s?[,:][^]*(?:secondly|second)\s?[,:]/iu.test(t), label: 'items counted first… second…' },
  // Bullets anywhere; - * + as a bullet at the start or after a sentence.
  { test: (t) => /[\u2022\u25cf\u25aa\u25e6\u2023\u2219\u2605\u2606\u2713\u2714\u27a2\u27a4\u25ba\u25b6]/u.test(t), label: 'a bullet (•)' },
  { test: (t) => /(?:^|[:：。.!！?？;；]\s?)[-*+]\s/u.test(t), label: 'a dash or star bullet (- item)' },
];

export function findEnumeration(text: string): string | null {
  for (const { test, label } of enumerationPatterns) if (test(text)) return label;
  return null;
}

/** σ: accept the reply, or say which rule it broke first (empty, too long, newline, enumeration). */
export function refine(raw: string, rules: Pick<RefinementRules, 'maxLength' | 'forbidNewlines' | 'forbidEnumeration'>): Verdict {
  const text = raw.trim();
  if (text === '') return { ok: false, reason: 'empty', detail: 'The reply was empty', text };
  const length = graphemeLength(text);
  if (length > rules.maxLength) {
    return { ok: false, reason: 'too_long', detail: `${length} characters, more than ${rules.maxLength}`, text };
  }
  if (rules.forbidNewlines && lineBreak.test(text)) return { ok: false, reason: 'newline', detail: 'The reply has a line break', text };
  if (rules.forbidEnumeration) {
    const found = findEnumeration(text);
    if (found) return { ok: false, reason: 'enumeration', detail: `The reply lists items: ${found}`, text };
  }
  return { ok: true, text };
}

/** Without refinement (the client, by default) only an empty reply is refused. */
export function acceptAnything(raw: string): Verdict {
  const text = raw.trim();
  return text === '' ? { ok: false, reason: 'empty', detail: 'The reply was empty', text } : { ok: true, text };
}
