import { describe } from './describe';
import { tTwoTailedP } from './t-distribution';

// Two-tailed independent-samples t-tests, as scipy.stats.ttest_ind computes them:
//  - Student (equal_var=True, scipy's default): pooled variance, df = n₁ + n₂ − 2;
//  - Welch (equal_var=False): separate variances, Welch–Satterthwaite df.
// Both groups need at least two values. When both variances are zero the statistic is
// ±∞ with p = 0 (different means) or undefined, NaN (equal means), as in scipy; JSON shows
// those as null.

export interface TTest {
  t: number;
  df: number;
  p: number;
}

export interface TTests {
  student: TTest;
  welch: TTest;
}

function ratio(diff: number, se: number): number {
  if (se > 0) return diff / se;
  return diff === 0 ? Number.NaN : diff > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}

export function tTests(a: readonly number[], b: readonly number[]): TTests {
  const x = describe(a);
  const y = describe(b);
  if (x.variance === null || y.variance === null) {
    throw new RangeError(`A t-test needs at least two values in each group (got ${x.n} and ${y.n}).`);
  }
  const diff = x.mean - y.mean;

  const df = x.n + y.n - 2;
  const pooled = ((x.n - 1) * x.variance + (y.n - 1) * y.variance) / df;
  const tStudent = ratio(diff, Math.sqrt(pooled * (1 / x.n + 1 / y.n)));

  const vx = x.variance / x.n;
  const vy = y.variance / y.n;
  const welchDf = (vx + vy) ** 2 / ((vx * vx) / (x.n - 1) + (vy * vy) / (y.n - 1));
  const tWelch = ratio(diff, Math.sqrt(vx + vy));

  return {
    student: { t: tStudent, df, p: tTwoTailedP(tStudent, df) },
    welch: { t: tWelch, df: welchDf, p: Number.isNaN(welchDf) ? Number.NaN : tTwoTailedP(tWelch, welchDf) },
  };
}
