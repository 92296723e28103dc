// The one seeded random generator: a role-card split, a run's card sample and the test data
// generators all draw from it, so the same seed gives the same result everywhere.

/** mulberry32: a small, well-mixed 32-bit PRNG; enough for shuffling, and easy to reimplement. */
export function randomFrom(seed: number): () => number {
  // Fold a seed of up to 53 bits into 32 (seeds below 2^32 are used as they are).
  let a = (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) >>> 0, 0x9e3779b1);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates with the seeded generator: a copy of `items` in a reproducible random order. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const random = randomFrom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** `n` of `items` drawn without replacement (a partial Fisher–Yates from the front), in draw order. */
export function seededSample<T>(items: readonly T[], n: number, seed: number): T[] {
  const pool = [...items];
  const random = randomFrom(seed);
  const take = Math.min(n, pool.length);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, take);
}
