// Feature-hashed character n-grams: texts that share wording share buckets, so
// paraphrases score a higher cosine than unrelated texts, in Chinese as in English.

import { isCjkChar } from './tokens';

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function normalize(text: string): string[] {
  const cleaned = text.normalize('NFKC').toLowerCase().replace(/[\p{P}\p{S}\s]+/gu, ' ').trim();
  return Array.from(cleaned);
}

/** A unit-length vector of `dim` numbers, the same for the same text. */
export function embedText(text: string, dim: number): Float64Array {
  const vector = new Float64Array(dim);
  const chars = normalize(text);
  for (let n = 1; n <= 3; n++) {
    for (let i = 0; i + n <= chars.length; i++) {
      const gram = chars.slice(i, i + n).join('');
      // A single CJK character carries meaning; a single Latin letter is noise shared by everything.
      if (n === 1 && !isCjkChar(gram)) continue;
      const hash = fnv1a(`${n}:${gram}`);
      // The top bit picks the sign so that collisions cancel out instead of piling up.
      vector[hash % dim]! += hash & 0x80000000 ? -1 : 1;
    }
  }
  let norm = 0;
  for (const x of vector) norm += x * x;
  // Empty text (or full cancellation) still needs a unit vector.
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < dim; i++) vector[i]! /= norm;
  return vector;
}

/** The SDK asks for base64 by default: little-endian float32 bytes. */
export function toBase64Float32(vector: Float64Array): string {
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}
