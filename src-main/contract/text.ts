// Text rules every process shares: how characters are counted (a Chinese character or an
// emoji counts one, as a person counts them) and which characters a stored text may hold.

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** User-perceived characters (extended grapheme clusters). */
export function graphemeLength(text: string): number {
  // ASCII and CJK text without combining marks or emoji: one code point each, much faster.
  // The class lists UTF-16 code units on purpose (combining marks, joiners, surrogate halves):
  // any one of them sends the text to the segmenter, so nothing it joins is miscounted.
  // eslint-disable-next-line no-misleading-character-class
  if (!/[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u0900-\u0fff\u1100-\u11ff\u1ab0-\u1aff\u1dc0-\u1dff\u200c\u200d\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f\ud800-\udfff]/.test(text)) {
    return text.length;
  }
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

// C0 and C1 control characters other than tab, LF and CR. A NUL or an escape byte in a card
// or a dialogue would be written out raw by every export and read back by nothing, so none is
// stored. Nor is a lone surrogate (half of a UTF-16 pair, a JSON `\ud800`): it is no
// character at all, and SQLite would silently store U+FFFD in its place.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff]/u;

/** "U+0000 at character 5", or undefined when the text holds no forbidden character. */
export function controlCharacterIn(text: string): string | undefined {
  const m = control.exec(text);
  if (!m) return undefined;
  const code = m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return `U+${code} at character ${graphemeLength(text.slice(0, m.index)) + 1}`;
}

/** Line endings as LF, no spaces at the ends of lines, none around the whole text. */
export function tidyText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u3000]+$/gmu, '')
    .trim();
}
