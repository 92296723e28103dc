import type { StoredScore } from '../contract/evaluation';
import { writeCsvRows } from '../role-cards/formats/csv-text';

// Per-session scores as CSV, for a statistics package or a paper's supplement. Numbers are
// written in full (JavaScript's shortest round-trip form), so the file reproduces the means.
// Columns: dataset, session_id, run_id, external_id, then the measure's own values in the
// order the measure stores them (camelCase keys become snake_case columns).

const column = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function scoresCsv(scores: readonly StoredScore[]): string {
  const keys: string[] = [];
  for (const s of scores) for (const k of Object.keys(s.values)) if (k !== 'runId' && !keys.includes(k)) keys.push(k);
  const cell = (v: number | string | null | undefined) => (v === null || v === undefined ? '' : String(v));
  const rows = [['dataset', 'session_id', 'run_id', 'external_id', ...keys.map(column)]];
  for (const s of scores) rows.push([s.dataset, String(s.sessionId), cell(s.values.runId), s.externalId ?? '', ...keys.map((k) => cell(s.values[k]))]);
  return writeCsvRows(rows);
}
