import type { Db } from '../storage/database';
import { prepared } from '../storage/statements';
import { writeFileSafely, type WriteOptions } from '../common/safe-write';
import type { ChatMessage } from '../simulation/views';
import type { ArenaStore } from './store';
import type { Winner } from './types';
import { sourceName } from './sources';

// Battles out of the database: for the ratings (`arenaBattles`), as Chatbot Arena publishes
// its battles (JSONL, `model_a`, `model_b`, `winner`, `conversation_a/b`…, plus our fields),
// and as preference pairs for DPO (`prompt` messages, `chosen`, `rejected`). Failed
// judgments have no verdict and are left out of all three.

interface BattleRow {
  id: number;
  arena_id: number;
  session_id: number;
  turn: number;
  model_a: string;
  model_b: string;
  reply_a: string;
  reply_b: string;
  a_position: 'A' | 'B';
  winner: Winner;
  judge: string;
  prompt_version: string;
  judge_output: string | null;
  judge_output_swapped: string | null;
  swap_consistent: number | null;
  latency_ms: number;
  cost: number;
  source: 'llm' | 'human';
  annotator: string;
  created_at: string;
  card_id: number | null;
  language: 'zh' | 'en';
}

function judgedRows(db: Db, arenaId: number): BattleRow[] {
  return prepared(
    db,
    `SELECT b.*, s.card_id, r.language FROM battles b JOIN arena_sessions s ON s.id = b.session_id JOIN arena_runs r ON r.id = b.arena_id
     WHERE b.arena_id = ? AND b.winner IS NOT NULL ORDER BY b.created_at, b.id`,
  ).all(arenaId) as BattleRow[];
}

/** The history a battle was fought over: the session's messages before the turn's reply, as the counselor saw them. */
function historyOf(store: ArenaStore, cache: Map<number, ChatMessage[]>, row: BattleRow): ChatMessage[] {
  let all = cache.get(row.session_id);
  if (!all) {
    all = store.messages(row.session_id).map((m) => ({ role: m.role === 'client' ? ('user' as const) : ('assistant' as const), content: m.content }));
    cache.clear();
    cache.set(row.session_id, all);
  }
  return all.slice(0, 2 * row.turn - 1);
}

export type BattleFormat = 'arena' | 'dpo';

/** The lines of the export: one JSON object per battle (arena) or per decided battle (dpo: ties carry no preference). */
export function battleLines(store: ArenaStore, arenaId: number, format: BattleFormat): string[] {
  store.arena(arenaId);
  const cache = new Map<number, ChatMessage[]>();
  const lines: string[] = [];
  for (const row of judgedRows(store.db, arenaId)) {
    const history = historyOf(store, cache, row);
    if (format === 'dpo') {
      if (row.winner !== 'model_a' && row.winner !== 'model_b') continue;
      const [chosen, rejected] = row.winner === 'model_a' ? [row.reply_a, row.reply_b] : [row.reply_b, row.reply_a];
      lines.push(
        JSON.stringify({
          prompt: history,
          chosen: [{ role: 'assistant', content: chosen }],
          rejected: [{ role: 'assistant', content: rejected }],
          chosen_model: row.winner === 'model_a' ? row.model_a : row.model_b,
          rejected_model: row.winner === 'model_a' ? row.model_b : row.model_a,
          battle_id: row.id,
        }),
      );
      continue;
    }
    lines.push(
      JSON.stringify({
        question_id: `${row.arena_id}-${row.session_id}-${row.turn}`,
        model_a: row.model_a,
        model_b: row.model_b,
        winner: row.winner,
        judge: row.source === 'human' && row.annotator ? row.annotator : row.judge,
        turn: row.turn,
        anony: true,
        language: row.language === 'zh' ? 'Chinese' : 'English',
        tstamp: Date.parse(row.created_at) / 1000,
        conversation_a: [...history, { role: 'assistant', content: row.reply_a }],
        conversation_b: [...history, { role: 'assistant', content: row.reply_b }],
        // Ours.
        battle_id: row.id,
        arena_id: row.arena_id,
        session_id: row.session_id,
        card_id: row.card_id,
        source: sourceName(row.source),
        a_position: row.a_position,
        prompt_version: row.prompt_version,
        judge_output: row.judge_output,
        judge_output_swapped: row.judge_output_swapped,
        swap_consistent: row.swap_consistent === null ? null : row.swap_consistent === 1,
        latency_ms: row.latency_ms,
        cost: row.cost,
      }),
    );
  }
  return lines;
}

export function exportBattles(store: ArenaStore, arenaId: number, file: string, format: BattleFormat, options: WriteOptions): number {
  const lines = battleLines(store, arenaId, format);
  writeFileSafely(file, lines.map((l) => `${l}\n`).join(''), options);
  return lines.length;
}
