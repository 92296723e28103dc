// Chance-corrected agreement, for any set of categories (the arena's A / B / tie / both bad,
// or a textbook's yes / no). κ is undefined (NaN; null in JSON) when chance agreement is
// already 1, that is when every rating falls in one category.

export interface CohensKappa {
  /** Items both raters rated. */
  n: number;
  /** Observed agreement p_o: the share of items given the same category. */
  observed: number;
  /** Chance agreement p_e = Σ_k (row share of k)(column share of k). */
  expected: number;
  /** (p_o − p_e) / (1 − p_e) (Cohen 1960). */
  kappa: number;
}

/** Cross-tabulates pairs: [i][j] = pairs rated categories[i] by the first rater and categories[j] by the second. */
export function confusionMatrix<C extends string>(pairs: readonly (readonly [C, C])[], categories: readonly C[]): number[][] {
  const index = new Map(categories.map((c, i) => [c, i]));
  const table = categories.map(() => new Array<number>(categories.length).fill(0));
  for (const [x, y] of pairs) {
    const i = index.get(x);
    const j = index.get(y);
    if (i === undefined || j === undefined) throw new RangeError(`'${i === undefined ? x : y}' is not one of the categories ${categories.join(', ')}`);
    table[i]![j]!++;
  }
  return table;
}

/** Cohen's κ of two raters from their confusion matrix (rows the first rater, columns the second). */
export function cohensKappaOf(table: readonly (readonly number[])[]): CohensKappa {
  const n = table.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  if (n === 0) return { n: 0, observed: Number.NaN, expected: Number.NaN, kappa: Number.NaN };
  let observed = 0;
  let expected = 0;
  for (let k = 0; k < table.length; k++) {
    observed += table[k]![k]! / n;
    const row = table[k]!.reduce((a, b) => a + b, 0) / n;
    const column = table.reduce((s, r) => s + r[k]!, 0) / n;
    expected += row * column;
  }
  return { n, observed, expected, kappa: expected === 1 ? Number.NaN : (observed - expected) / (1 - expected) };
}

export interface FleissKappa {
  items: number;
  /** Raters per item (the same for every item). */
  raters: number;
  /** Mean agreement per item, P̄. */
  observed: number;
  /** Chance agreement P̄_e = Σ_j p_j². */
  expected: number;
  kappa: number;
}

/**
 * Fleiss' κ (Fleiss 1971) from counts[i][j]: how many raters put item i in category j. Every
 * item needs the same number of raters, at least two.
 */
export function fleissKappa(counts: readonly (readonly number[])[]): FleissKappa {
  const items = counts.length;
  const raters = items > 0 ? counts[0]!.reduce((a, b) => a + b, 0) : 0;
  counts.forEach((row, i) => {
    const n = row.reduce((a, b) => a + b, 0);
    if (n !== raters) throw new RangeError(`Fleiss' kappa needs the same number of raters for every item: item ${i + 1} has ${n}, item 1 has ${raters}.`);
  });
  if (items === 0 || raters < 2) return { items, raters, observed: Number.NaN, expected: Number.NaN, kappa: Number.NaN };
  const categories = counts[0]!.length;
  let observed = 0;
  for (const row of counts) observed += (row.reduce((s, c) => s + c * c, 0) - raters) / (raters * (raters - 1)) / items;
  let expected = 0;
  for (let j = 0; j < categories; j++) {
    const p = counts.reduce((s, row) => s + row[j]!, 0) / (items * raters);
    expected += p * p;
  }
  return { items, raters, observed, expected, kappa: expected === 1 ? Number.NaN : (observed - expected) / (1 - expected) };
}
