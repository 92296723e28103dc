import type { ArenaSessionView, BattleDetail, BattlePage, BattleView, RatingSource } from '../contract/arena';
import { DomainError } from '../common/errors';
import type { Db } from '../storage/database';
import { prepared } from '../storage/statements';
import { sourceName, storedSource, type StoredSource } from './sources';
import type { ArenaStore } from './store';
import type { Winner } from './types';

// What the window reads of an arena: its sessions, its battles newest first (paged), and one
// battle with the history both counselors replied to.

interface BattleRow {
  id: number;
  session_id: number;
  seq: number;
  card_id: number | null;
  turn: number;
  model_a: string;
  model_b: string;
  reply_a: string;
  reply_b: string;
  a_position: 'A' | 'B';
  winner: Winner | null;
  judge: string;
  source: StoredSource;
  annotator: string;
  judge_output: string | null;
  judge_output_swapped: string | null;
  swap_consistent: 0 | 1 | null;
  failure: string | null;
  latency_ms: number;
  cost: number;
  created_at: string;
}

const battleView = (r: BattleRow): BattleView => ({
  id: r.id,
  sessionId: r.session_id,
  seq: r.seq,
  cardId: r.card_id,
  turn: r.turn,
  modelA: r.model_a,
  modelB: r.model_b,
  replyA: r.reply_a,
  replyB: r.reply_b,
  aPosition: r.a_position,
  winner: r.winner,
  judge: r.judge,
  source: sourceName(r.source),
  annotator: r.annotator,
  judgeOutput: r.judge_output,
  judgeOutputSwapped: r.judge_output_swapped,
  swapConsistent: r.swap_consistent === null ? null : r.swap_consistent === 1,
  failure: r.failure,
  latencyMs: r.latency_ms,
  cost: r.cost,
  createdAt: r.created_at,
});

const SELECT_BATTLE = `SELECT b.id, b.session_id, s.seq, s.card_id, b.turn, b.model_a, b.model_b, b.reply_a, b.reply_b, b.a_position, b.winner, b.judge,
  b.source, b.annotator, b.judge_output, b.judge_output_swapped, b.swap_consistent, b.failure, b.latency_ms, b.cost, b.created_at
  FROM battles b JOIN arena_sessions s ON s.id = b.session_id`;

export function sessionViews(store: ArenaStore, arenaId: number): ArenaSessionView[] {
  return store.sessions(arenaId).map((s) => ({ id: s.id, seq: s.seq, cardId: s.card_id, counselorA: s.counselor_a, counselorB: s.counselor_b, status: s.status, endReason: s.end_reason, turns: s.turns }));
}

/** An arena's battles of a source, newest first (failed judgments included: the live view shows them). */
export function battlePage(store: ArenaStore, arenaId: number, source: RatingSource = 'all', offset = 0, limit = 50): BattlePage {
  store.arena(arenaId);
  const stored = storedSource(source) ?? null;
  const { total } = prepared(store.db, `SELECT count(*) AS total FROM battles WHERE arena_id = ? AND (? IS NULL OR source = ?)`).get(arenaId, stored, stored) as { total: number };
  const rows = prepared(store.db, `${SELECT_BATTLE} WHERE b.arena_id = ? AND (? IS NULL OR b.source = ?) ORDER BY b.id DESC LIMIT ? OFFSET ?`).all(arenaId, stored, stored, limit, offset) as BattleRow[];
  return { total, offset, battles: rows.map(battleView) };
}

export function battleDetail(db: Db, store: ArenaStore, battleId: number): BattleDetail {
  const row = prepared(db, `${SELECT_BATTLE} WHERE b.id = ?`).get(battleId) as BattleRow | undefined;
  if (!row) throw new DomainError('not_found', `Battle ${battleId} was not found; it may have been removed with its arena.`);
  // The history is by reference: the session's messages before the turn's reply (position 2·turn − 1).
  const history = store.messages(row.session_id).slice(0, 2 * row.turn - 1);
  return { ...battleView(row), history: history.map((m) => ({ role: m.role, content: m.content, counselor: m.counselor })) };
}
