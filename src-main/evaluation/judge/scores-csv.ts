import { writeCsvRows } from '../../role-cards/formats/csv-text';
import type { TopicsResult } from './topics';
import type { WaiResult } from './wai';

// Per-session scores of the judged measures as CSV. Numbers in full (shortest round-trip
// form); a missing value is an empty cell, never a number.

const cell = (v: number | null) => (v === null ? '' : String(v));

/** One row per session and round: the listed topics and the outside names, `|`-separated. */
export function topicsScoresCsv(datasets: { label: string; result: TopicsResult }[]): string {
  const rows = [['dataset', 'session_id', 'run_id', 'external_id', 'round', 'topics', 'outside', 'missing']];
  for (const { label, result } of datasets) {
    for (const s of result.sessions) {
      s.rounds.forEach((r, i) => {
        rows.push([label, String(s.sessionId), String(s.runId), s.externalId ?? '', String(i + 1), r ? r.topics.join(' | ') : '', r ? r.outside.join(' | ') : '', r ? '0' : '1']);
      });
    }
  }
  return writeCsvRows(rows);
}

/** One row per session: the factors, each item's mean over rounds (reversed for 4 and 10), and its missing answers. */
export function waiScoresCsv(datasets: { label: string; result: WaiResult }[]): string {
  const items = Array.from({ length: 12 }, (_, i) => `item_${i + 1}`);
  const rows = [['dataset', 'session_id', 'run_id', 'external_id', 'goal', 'task', 'bond', ...items, 'missing']];
  for (const { label, result } of datasets) {
    for (const s of result.sessions) {
      const byItem = new Map(s.items.map((it) => [it.item, it]));
      const missing = s.items.reduce((n, it) => n + it.scores.filter((v) => v === null).length, 0);
      rows.push([
        label, String(s.sessionId), String(s.runId), s.externalId ?? '', cell(s.goal), cell(s.task), cell(s.bond),
        ...items.map((_, i) => cell(byItem.get(i + 1)?.mean ?? null)), String(missing),
      ]);
    }
  }
  return writeCsvRows(rows);
}
