import { graphemeLength } from '../contract/text';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The first `max` characters (grapheme clusters) of a text: an emoji or a combined letter is never cut in half. */
export function truncateGraphemes(text: string, max: number): { text: string; cut: boolean } {
  if (graphemeLength(text) <= max) return { text, cut: false };
  let n = 0;
  let end = 0;
  for (const { index, segment } of segmenter.segment(text)) {
    if (n === max) break;
    end = index + segment.length;
    n++;
  }
  return { text: text.slice(0, end), cut: true };
}
