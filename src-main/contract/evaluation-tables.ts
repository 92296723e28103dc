import type { TopicsSummary, TTestView, WaiFactorName, WaiSummary } from './evaluation';
import { fixed, meanSdText, testText, type TableText } from './evaluation-format';

// The result tables of the judged measures (topics, WAI) as rows of text, the same in the
// window, the report and `simpsy eval show`: one place decides what is shown and how.

export interface ResultTable {
  head: string[];
  rows: string[][];
  /** "Entropy, A vs B: Student t(4) = …; Welch t(3.91) = …". */
  tests: string[];
  notes: string[];
}

const both = (label: string, t: { student: TTestView; welch: TTestView }) => `${label}: ${testText('Student', t.student)}; ${testText('Welch', t.welch)}`;

const outsideText = (o: Record<string, number>) =>
  Object.entries(o)
    .sort((x, y) => y[1] - x[1])
    .map(([t, n]) => `${t} ${n}`)
    .join(', ') || '–';

export function topicsTable(s: TopicsSummary, names: string[], t: TableText): ResultTable {
  const groups = [s.a, ...(s.b ? [s.b] : [])];
  return {
    head: ['', ...names],
    rows: [
      [t.sessions, ...groups.map((g) => String(g.n))],
      [t.rounds, ...groups.map((g) => String(g.rounds.length))],
      [t.entropy, ...groups.map((g) => meanSdText(g.entropy, 3))],
      [t.roundEntropies, ...groups.map((g) => g.rounds.map((r) => fixed(r.entropy, 3)).join(', '))],
      [t.outside, ...groups.map((g) => outsideText(g.outside))],
      [t.missing, ...groups.map((g) => String(g.missing))],
    ],
    tests: s.between ? [both(t.between(t.entropyShort), s.between)] : [],
    notes: s.testsNote ? [s.testsNote] : [],
  };
}

const FACTORS: WaiFactorName[] = ['goal', 'task', 'bond'];

export function waiTable(s: WaiSummary, names: string[], t: TableText): ResultTable {
  const groups = [s.a, ...(s.b ? [s.b] : [])];
  return {
    head: ['', ...names],
    rows: [
      [t.sessions, ...groups.map((g) => String(g.n))],
      [t.rounds, ...groups.map((g) => String(g.rounds))],
      ...FACTORS.map((f) => [t.factorSessions(t[f]), ...groups.map((g) => `${meanSdText(g[f], 3)} (${g[f].n})`)]),
      [t.missing, ...groups.map((g) => String(g.missing))],
    ],
    tests: s.between ? FACTORS.map((f) => both(t.between(t[f]), s.between![f])) : [],
    notes: s.testsNote ? [s.testsNote] : [],
  };
}
