// Mean and standard deviation as reported in every table of the evaluation.
// The sd is the sample standard deviation (divisor n − 1), the one the t-tests use, so a
// reported sd and its test agree; the paper's released scripts use numpy, whose np.std
// divides by n (the difference is 0.05 % at n = 1,000; docs/evaluation.md).

export interface MeanSd {
  mean: number;
  /** Sample sd (n − 1); null for fewer than two values. */
  sd: number | null;
}

export interface Describe extends MeanSd {
  n: number;
  /** Sample variance (n − 1); null for fewer than two values. */
  variance: number | null;
}

/** n, mean and sample variance in two passes (no cancellation from summing squares). */
export function describe(values: readonly number[]): Describe {
  const n = values.length;
  if (n === 0) return { n, mean: Number.NaN, sd: null, variance: null };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n < 2) return { n, mean, sd: null, variance: null };
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  const variance = squares / (n - 1);
  return { n, mean, sd: Math.sqrt(variance), variance };
}

export const meanSd = (values: readonly number[]): MeanSd => {
  const d = describe(values);
  return { mean: d.mean, sd: d.sd };
};
