import { describe as group, expect, it } from 'vitest';
import { describe, meanSd } from '../../src-main/evaluation/describe';
import { incompleteBeta, logGamma, tTwoTailedP } from '../../src-main/evaluation/t-distribution';
import { tTests } from '../../src-main/evaluation/t-test';

/** |actual − expected| ≤ 1e-9 · |expected|. */
function close(actual: number, expected: number, relative = 1e-9): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(relative * Math.abs(expected));
}

group('two-tailed p of the t distribution', () => {
  it('equals the closed forms for df = 1 (Cauchy) and df = 2', () => {
    // Written without cancellation: 1 − (2/π)atan t = (2/π)atan(1/t); 1 − t/s = 2/(s(s + t)), s = √(2 + t²).
    for (const t of [0.001, 0.5, 1, 3, 12.7, 1e4]) {
      close(tTwoTailedP(t, 1), (2 / Math.PI) * Math.atan(1 / t));
      const s = Math.sqrt(2 + t * t);
      close(tTwoTailedP(-t, 2), 2 / (s * (s + t)));
    }
  });

  // Reference: mpmath 1.3.0 at 50 digits, betainc(df/2, 1/2, 0, df/(df+t²), regularized=True),
  // printed to 20 significant digits (scipy 1.17.1's 2*t.sf agrees to ~1e-14).
  // The digits as printed, more than a double holds: the comparison's tolerance is far wider.
  /* eslint-disable no-loss-of-precision */
  const references: [t: number, df: number, p: number][] = [
    [1.0, 1, 0.5],
    [0.5, 1, 0.70483276469913345165],
    [3.0, 2, 0.09546596626670913206],
    [2.2, 3, 0.11517195197647071288],
    [0.001, 3, 0.999264894969460938],
    [1e-8, 5, 0.99999999240786620355],
    [12.9, 3, 0.0010055074982012524302],
    [7.0, 30, 8.8699586672206431698e-8],
    [1.96, 1000, 0.050273184955748718435],
    [2.5, 1998, 0.01249893229658661819],
    [0.01, 1998, 0.9920222857121998641],
    [20.0, 1998, 2.9171813346685094461e-81],
    [6.5, 200, 6.2672344103117449341e-10],
    [4.0, 12.5, 0.0016290629206468456213],
    [3.3, 1.2, 0.15314803541064855189],
    [100000.0, 2, 9.9999999985000000002e-11],
  ];
  /* eslint-enable no-loss-of-precision */
  it.each(references)('t = %s, df = %s → p = %s (mpmath)', (t, df, p) => {
    close(tTwoTailedP(t, df), p);
    close(tTwoTailedP(-t, df), p);
  });

  it('is 1 at t = 0, 0 at infinite t, and refuses df ≤ 0', () => {
    expect(tTwoTailedP(0, 7)).toBe(1);
    expect(tTwoTailedP(Number.POSITIVE_INFINITY, 7)).toBe(0);
    expect(Number.isNaN(tTwoTailedP(Number.NaN, 7))).toBe(true);
    expect(() => tTwoTailedP(1, 0)).toThrow(/positive/);
  });

  it('has a lnΓ and an incomplete beta that meet known values', () => {
    close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14);
    close(logGamma(10), Math.log(362880), 1e-14);
    close(logGamma(171), 706.5730622457874, 1e-14); // ln(170!)
    close(incompleteBeta(2, 3, 0.4), 0.5248, 1e-13); // I_0.4(2,3) = Σ_{j=2..4} C(4,j) 0.4^j 0.6^(4−j)
    expect(incompleteBeta(2, 3, 0)).toBe(0);
    expect(incompleteBeta(2, 3, 1)).toBe(1);
  });
});

group('independent-samples t-tests against scipy', () => {
  const large = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
  // Reference: scipy 1.17.1, stats.ttest_ind(a, b) (Student) and ttest_ind(a, b, equal_var=False) (Welch).
  const cases: { name: string; a: number[]; b: number[]; student: [number, number, number]; welch: [number, number, number] }[] = [
    { name: 'three each', a: [1, 2, 3], b: [4, 5, 7], student: [-3.1622776601683795, 4, 0.03410942316740962], welch: [-3.1622776601683795, 3.4482758620689653, 0.041914517471454034] },
    { name: 'two each (df 2, Welch df 1.16)', a: [0.1, 0.3], b: [0.2, 0.9], student: [-0.9615239476408233, 2, 0.4377464697682507], welch: [-0.9615239476408233, 1.1621845262722386, 0.4938577134888544] },
    { name: 'unequal sizes and variances', a: [1, 1.1, 0.9, 1.05], b: [3, 8, -2, 10, 6], student: [-1.6762861295565652, 7, 0.13758665477074922], welch: [-1.9005723752300372, 4.003314164322437, 0.13009387049516677] },
    { name: 'alike (p near 1)', a: [0.41, 0.38, 0.45, 0.4, 0.36], b: [0.4, 0.39, 0.44, 0.41, 0.37], student: [-0.104828483672189, 8, 0.9190925265547195], welch: [-0.104828483672189, 7.47973354408942, 0.919268055834788] },
    { name: 'far apart (p near 1e-13)', a: [0.52, 0.55, 0.5, 0.53, 0.51, 0.54, 0.52, 0.56], b: [0.3, 0.28, 0.31, 0.29, 0.27, 0.3, 0.32, 0.28], student: [25.18689117734634, 14, 4.627661127667613e-13], welch: [25.18689117734634, 13.538567177843893, 9.122038773411171e-13] },
    {
      name: '1,000 each (df 1998)',
      a: large(1000, (i) => ((i * 7919) % 1000) / 1000),
      b: large(1000, (i) => ((i * 104729) % 997) / 997 + 0.02),
      student: [-1.4409219337039711, 1998, 0.14976343010828885],
      welch: [-1.440921933703971, 1997.9899784882778, 0.14976343089413183],
    },
  ];
  it.each(cases)('$name', ({ a, b, student, welch }) => {
    const r = tTests(a, b);
    close(r.student.t, student[0]);
    close(r.student.df, student[1]);
    close(r.student.p, student[2]);
    close(r.welch.t, welch[0]);
    close(r.welch.df, welch[1]);
    close(r.welch.p, welch[2]);
  });

  it('needs two values per group; zero variances give ±∞ with p 0, or NaN for equal means', () => {
    expect(() => tTests([1], [2, 3])).toThrow(/at least two values in each group \(got 1 and 2\)/);
    const apart = tTests([1, 1], [2, 2]);
    expect(apart.student).toEqual({ t: Number.NEGATIVE_INFINITY, df: 2, p: 0 });
    expect(Number.isNaN(tTests([1, 1], [1, 1]).student.p)).toBe(true);
  });
});

group('mean and sd', () => {
  it('uses the sample sd (n − 1), undefined below two values', () => {
    expect(meanSd([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ mean: 5, sd: Math.sqrt(32 / 7) });
    expect(describe([3])).toEqual({ n: 1, mean: 3, sd: null, variance: null });
    expect(describe([]).n).toBe(0);
  });
});
