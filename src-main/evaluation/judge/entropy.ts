// Shannon entropy of a distribution given as counts, in bits (log base 2):
//   H = −Σ pᵢ log₂ pᵢ,  pᵢ = cᵢ / Σc,  terms with cᵢ = 0 left out (0 · log 0 = 0).
// Equal to scipy.stats.entropy(counts, base=2). An empty distribution has no entropy (NaN).

export function entropyBits(counts: Iterable<number>): number {
  const values = [...counts].filter((c) => c > 0);
  const total = values.reduce((s, c) => s + c, 0);
  if (total === 0) return Number.NaN;
  let h = 0;
  for (const c of values) {
    const p = c / total;
    h -= p * Math.log2(p);
  }
  return h === 0 ? 0 : h; // −0 for a single topic
}
