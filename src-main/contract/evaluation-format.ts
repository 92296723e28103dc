import type { MeanSdView, TTestView } from './evaluation';

// How an evaluation's numbers are written, the same in the window, the report and the CLI:
// fixed decimals, mean ± sd, a p-value by its size, a t-test as t(df) = t, p = p.
// NaN, ±∞ and null (a degenerate test, an sd of one value) are written as "–".

export const fixed = (v: number | null | undefined, digits: number): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));

export const meanSdText = (m: MeanSdView | null | undefined, digits = 2): string => (m ? `${fixed(m.mean, digits)} ± ${fixed(m.sd, digits)}` : '–');

/** Four significant digits: a p-value is read by its size, and 0.0014 would hide that it is 0.001372. */
export const pText = (p: number | null): string => (p === null || Number.isNaN(p) ? '–' : p === 0 ? '0' : p < 1e-4 ? p.toExponential(3) : p.toPrecision(4));

/** "Student t(4) = 7.925, p = 0.001372"; a Welch df with two decimals. */
export const testText = (name: string, t: TTestView): string =>
  `${name} t(${t.df === null ? '–' : Number.isInteger(t.df) ? t.df : t.df.toFixed(2)}) = ${fixed(t.t, 3)}, p = ${pText(t.p)}`;
