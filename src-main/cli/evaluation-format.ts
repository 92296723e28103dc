import type { MeanSdView, RoleStatisticsView, StatisticsView } from '../contract/evaluation';
import { pText, testLine } from '../evaluation/report';

// How `simpsy eval` writes numbers: fixed decimals, mean ± sd, p-values by their size, the
// Table 1 rows; shared by the commands that compute and those that show a stored evaluation.

export const fixed = (v: number | null | undefined, digits: number) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
export const meanSd = (m: MeanSdView, digits = 2) => `${fixed(m.mean, digits)} ± ${fixed(m.sd, digits)}`;
/** Four significant digits: a p-value is read by its size, and 0.0014 would hide that it is 0.001372. */
export const pValue = pText;
export const test = testLine;

export function statsRows(s: StatisticsView[]): string[][] {
  const role = (label: string, pick: (x: StatisticsView) => RoleStatisticsView) => [
    [`${label} utterances`, ...s.map((x) => String(pick(x).utterances))],
    [`${label} length, characters`, ...s.map((x) => meanSd(pick(x).chars, 1))],
    ...(s.some((x) => pick(x).words) ? [[`${label} length, words`, ...s.map((x) => (pick(x).words ? meanSd(pick(x).words!, 1) : '–'))]] : []),
  ];
  return [
    ['Sessions', ...s.map((x) => String(x.sessions))],
    ['Turns per session', ...s.map((x) => meanSd(x.turns))],
    ...role('Client', (x) => x.client),
    ...role('Counselor', (x) => x.counselor),
  ];
}

