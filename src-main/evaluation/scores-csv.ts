import { writeCsvRows } from '../role-cards/formats/csv-text';
import type { OverlapResult } from './overlap';

// Per-session scores as CSV, for a statistics package or a paper's supplement. Numbers are
// written in full (JavaScript's shortest round-trip form), so the file reproduces the means.

export function overlapScoresCsv(datasets: { label: string; result: OverlapResult }[]): string {
  const rows = [['dataset', 'session_id', 'run_id', 'external_id', 'mapping', 'random', 'random_card_of', 'card_words', 'client_words']];
  for (const { label, result } of datasets) {
    for (const s of result.sessions) {
      rows.push([label, String(s.sessionId), String(s.runId), s.externalId ?? '', String(s.mapping), String(s.random), String(s.randomCardOf), String(s.cardWords), String(s.clientWords)]);
    }
  }
  return writeCsvRows(rows);
}
