import { csvCell } from '../role-cards/formats/csv-text';
import type { GroupScores } from './groups';
import type { OverlapSession } from './overlap';

// Per-session scores as CSV, for a statistics package or a paper's supplement. Numbers are
// written in full (JavaScript's shortest round-trip form), so the file reproduces the means,
// and as they are: a number is never a formula, and the spreadsheet formula guard would turn
// a negative cosine (-0.07) into the text '-0.07. Text cells (external ids) are guarded.
// Every card-based measure writes the same first columns; overlap adds its word counts.
// CRLF line ends, as Excel expects (like every CSV the app writes).

type Labelled<S> = { label: string; result: { sessions: S[] } }[];

const line = (cells: (string | number)[]) => cells.map((c) => (typeof c === 'number' ? String(c) : csvCell(c))).join(',');

function scoresCsv<S extends GroupScores>(datasets: Labelled<S>, extra: { header: string; value: (s: S) => number }[]): string {
  const lines = [line(['dataset', 'session_id', 'run_id', 'external_id', 'mapping', 'random', 'random_card_of', ...extra.map((e) => e.header)])];
  for (const { label, result } of datasets) {
    for (const s of result.sessions) {
      lines.push(line([label, s.sessionId, s.runId, s.externalId ?? '', s.mapping, s.random, s.randomCardOf, ...extra.map((e) => e.value(s))]));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

export const overlapScoresCsv = (datasets: Labelled<OverlapSession>): string =>
  scoresCsv(datasets, [
    { header: 'card_words', value: (s) => s.cardWords },
    { header: 'client_words', value: (s) => s.clientWords },
  ]);

export const semanticScoresCsv = (datasets: Labelled<GroupScores>): string => scoresCsv(datasets, []);
