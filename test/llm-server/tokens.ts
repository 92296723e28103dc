// Deterministic stand-ins for a tokenizer: good enough for usage accounting
// and chunking, and trivially predictable in assertions.

const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}';
const TOKEN = new RegExp(`[${CJK}]|[^\\s${CJK}]+`, 'gu');
const CJK_CHAR = new RegExp(`^[${CJK}]$`, 'u');

export function isCjkChar(char: string): boolean {
  return CJK_CHAR.test(char);
}

// Benchmarks send the same texts again and again (a session's history grows by one turn a
// call), and the Unicode-script regex is the server's costliest work per call: remember counts.
const counted = new Map<string, number>();
const REMEMBERED = 20_000;

/** One token per CJK character and per whitespace-separated run of anything else. */
export function countTokens(text: string): number {
  let n = counted.get(text);
  if (n === undefined) {
    n = text.match(TOKEN)?.length ?? 0;
    if (counted.size >= REMEMBERED) counted.clear();
    counted.set(text, n);
  }
  return n;
}

const CHUNK_SIZES = [1, 2, 3, 4];

/**
 * Splits into pieces of 1, 2, 3, 4, 1, ... code points, so streams have several
 * chunks of uneven size and never split a surrogate pair.
 */
export function splitIntoChunks(text: string): string[] {
  const chars = Array.from(text);
  const chunks: string[] = [];
  for (let i = 0, k = 0; i < chars.length; k++) {
    const size = CHUNK_SIZES[k % CHUNK_SIZES.length] ?? 1;
    chunks.push(chars.slice(i, i + size).join(''));
    i += size;
  }
  return chunks;
}
