import type { StoredScore } from '../contract/evaluation';
import { csvCell } from '../role-cards/formats/csv-text';

// Per-session scores as CSV, for a statistics package or a paper's supplement. Numbers are
// written in full (JavaScript's shortest round-trip form), so the file reproduces the means,
// and as they are: a number is never a formula, and the spreadsheet formula guard would turn
// a negative cosine (-0.07) into the text '-0.07. Text cells (external ids) are guarded.
// Columns: dataset, session_id, run_id, external_id, then the measure's own values in the
// order the measure stores them (camelCase keys become snake_case columns). CRLF line ends,
// as Excel expects (like every CSV the app writes).

const column = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const line = (cells: readonly unknown[]) =>
  cells.map((c) => (c === null || c === undefined ? '' : typeof c === 'number' ? String(c) : csvCell(String(c)))).join(',');

export function scoresCsv(scores: readonly StoredScore[]): string {
  const keys: string[] = [];
  for (const s of scores) for (const k of Object.keys(s.values)) if (k !== 'runId' && !keys.includes(k)) keys.push(k);
  const lines = [line(['dataset', 'session_id', 'run_id', 'external_id', ...keys.map(column)])];
  for (const s of scores) lines.push(line([s.dataset, s.sessionId, s.values.runId, s.externalId ?? '', ...keys.map((k) => s.values[k])]));
  return `${lines.join('\r\n')}\r\n`;
}
