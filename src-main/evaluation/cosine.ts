// Cosine similarity of two embeddings (paper §4.1, Eq. 2), summed in double precision from
// the float32 values the server sent. `vectorFault` says what makes a vector unusable, so a
// bad answer is reported (and never cached) instead of becoming a number.

export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`Vectors of different lengths (${a.length} and ${b.length}) have no cosine`);
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    aa += x * x;
    bb += y * y;
  }
  if (aa === 0 || bb === 0) throw new RangeError('A zero vector has no cosine');
  return dot / Math.sqrt(aa * bb);
}

/** Why a vector cannot be used, or null: a length other than `dims`, NaN or ±∞, all zeros. */
export function vectorFault(v: Float32Array, dims: number): string | null {
  if (v.length !== dims) return `has ${v.length} numbers where the others have ${dims}`;
  let zero = true;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (!Number.isFinite(x)) return `holds ${Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity'} at position ${i}`;
    if (x !== 0) zero = false;
  }
  return zero ? 'is all zeros (a vector with no direction has no cosine)' : null;
}
