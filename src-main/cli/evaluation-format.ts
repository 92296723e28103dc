import type { RoleStatisticsView, StatisticsView } from '../contract/evaluation';
import { meanSdText as meanSd } from '../contract/evaluation-format';

// How `simpsy eval` writes numbers: fixed decimals, mean ± sd, p-values by their size, the
// Table 1 rows; shared by the commands that compute and those that show a stored evaluation.

export { fixed, pText as pValue, testText as test } from '../contract/evaluation-format';

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

