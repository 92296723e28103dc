import type { CardLanguage } from '../contract/role-card';
import { DomainError } from '../common/errors';
import { now } from '../common/time';
import type { Usage } from '../llm/usage';
import type { Db } from '../storage/database';
import { prepared } from '../storage/statements';
import { writeTransaction } from '../storage/transaction';
import type { Turn } from '../simulation/views';
import type { ArenaEndReason, ArenaSnapshot, RatedBattle, Side, Winner } from './types';

// Persistence of arena runs (tables: storage/migrations/012_arena.ts). Every completed call
// is saved in its own short transaction before the next call that depends on it starts, so
// a run stopped anywhere (pause, cancel, kill -9) resumes without repeating a completed
// call. While a run executes here its writes are gated by the job's lease (`guard`): once
// another process has taken the run over, this one's late writes are refused whole.

export interface ArenaRow {
  id: number;
  job_id: number | null;
  title: string;
  language: CardLanguage;
  config: string;
  app_version: string;
  session_count: number;
  calls: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost: number;
  created_at: string;
}

export interface NewArenaSession {
  cardId: number;
  cardText: string;
  a: string;
  b: string;
}

export interface ArenaSessionRow {
  id: number;
  arena_id: number;
  seq: number;
  card_id: number | null;
  card_text: string;
  counselor_a: string;
  counselor_b: string;
  status: 'pending' | 'running' | 'ended';
  end_reason: ArenaEndReason | null;
  error: string | null;
  turns: number;
}

export interface CallRow {
  turn: number;
  role: 'client' | 'counselor' | 'judge';
  side: Side | '';
  pass: 1 | 2;
  attempt: number;
  content: string;
  accepted: 0 | 1;
  rejection: string | null;
  choice: 'A' | 'B' | null;
  latency_ms: number;
  cost: number;
}

export interface NewCall {
  arenaId: number;
  sessionId: number;
  turn: number;
  role: CallRow['role'];
  side: CallRow['side'];
  pass: 1 | 2;
  attempt: number;
  content: string;
  rejection: string | null;
  choice: 'A' | 'B' | null;
  model: string | null;
  usage: Usage;
  cost: number;
  latencyMs: number;
}

export interface NewBattle {
  arenaId: number;
  sessionId: number;
  turn: number;
  modelA: string;
  modelB: string;
  replyA: string;
  replyB: string;
  aPosition: 'A' | 'B';
  winner: Winner | null;
  chosen: 'model_a' | 'model_b' | null;
  judge: string;
  promptVersion: string;
  judgeOutput: string | null;
  judgeOutputSwapped: string | null;
  swapConsistent: boolean | null;
  failure: string | null;
  latencyMs: number;
  cost: number;
  /** 'llm' for the supervisor; 'human' for a counselor's pick (live.ts), `annotator` naming them. */
  source: 'llm' | 'human';
  annotator: string;
}

export interface SessionEnd {
  reason: ArenaEndReason;
  phrase?: string | null;
  error?: string | null;
}

export class ArenaStore {
  private readonly guards = new Map<number, () => void>();

  constructor(readonly db: Db) {}

  /** While an arena executes here, `check` (throwing when it is no longer ours) gates its writes; null removes it. */
  guard(arenaId: number, check: (() => void) | null): void {
    if (check) this.guards.set(arenaId, check);
    else this.guards.delete(arenaId);
  }

  private write<T>(arenaId: number, work: () => T): T {
    return writeTransaction(this.db, () => {
      this.guards.get(arenaId)?.();
      return work();
    });
  }

  createArena(run: { title: string; snapshot: ArenaSnapshot; appVersion: string }, sessions: readonly NewArenaSession[]): number {
    return writeTransaction(this.db, () => {
      const stamp = now();
      const info = prepared(
        this.db,
        `INSERT INTO arena_runs (title, language, config, app_version, session_count, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(run.title, run.snapshot.language, JSON.stringify(run.snapshot), run.appVersion, sessions.length, stamp, stamp);
      const arenaId = Number(info.lastInsertRowid);
      const insert = prepared(
        this.db,
        `INSERT INTO arena_sessions (arena_id, seq, card_id, card_text, counselor_a, counselor_b, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      sessions.forEach((s, i) => insert.run(arenaId, i + 1, s.cardId, s.cardText, s.a, s.b, stamp, stamp));
      return arenaId;
    });
  }

  attachJob(arenaId: number, jobId: number): void {
    prepared(this.db, 'UPDATE arena_runs SET job_id = ?, updated_at = ? WHERE id = ?').run(jobId, now(), arenaId);
  }

  arena(arenaId: number): ArenaRow {
    const row = prepared(this.db, 'SELECT * FROM arena_runs WHERE id = ?').get(arenaId) as ArenaRow | undefined;
    if (!row) throw new DomainError('not_found', `Arena ${arenaId} was not found; list the arenas with: simpsy arena list`);
    return row;
  }

  arenas(): ArenaRow[] {
    return prepared(this.db, 'SELECT * FROM arena_runs ORDER BY id').all() as ArenaRow[];
  }

  snapshot(arenaId: number): ArenaSnapshot {
    return JSON.parse(this.arena(arenaId).config) as ArenaSnapshot;
  }

  unfinishedSessionIds(arenaId: number): number[] {
    return (prepared(this.db, `SELECT id FROM arena_sessions WHERE arena_id = ? AND status <> 'ended' ORDER BY seq`).all(arenaId) as { id: number }[]).map((r) => r.id);
  }

  session(sessionId: number): ArenaSessionRow {
    return prepared(this.db, 'SELECT * FROM arena_sessions WHERE id = ?').get(sessionId) as ArenaSessionRow;
  }

  sessions(arenaId: number): ArenaSessionRow[] {
    return prepared(this.db, 'SELECT * FROM arena_sessions WHERE arena_id = ? ORDER BY seq').all(arenaId) as ArenaSessionRow[];
  }

  messages(sessionId: number): (Turn & { counselor: string | null })[] {
    return prepared(this.db, 'SELECT role, content, counselor FROM arena_messages WHERE session_id = ? ORDER BY idx').all(sessionId) as (Turn & { counselor: string | null })[];
  }

  /** The calls already made for one turn (a resumed session continues after them). */
  callsOf(sessionId: number, turn: number): CallRow[] {
    return prepared(
      this.db,
      `SELECT turn, role, side, pass, attempt, content, accepted, rejection, choice, latency_ms, cost FROM arena_calls WHERE session_id = ? AND turn = ? ORDER BY id`,
    ).all(sessionId, turn) as CallRow[];
  }

  /** Marks the session running and saves the opener once; true when the opener was new. */
  startSession(arenaId: number, sessionId: number, opener: string): boolean {
    return this.write(arenaId, () => {
      prepared(this.db, `UPDATE arena_sessions SET status = 'running', updated_at = ? WHERE id = ? AND status = 'pending'`).run(now(), sessionId);
      return prepared(this.db, `INSERT OR IGNORE INTO arena_messages (session_id, idx, role, content, created_at) VALUES (?, 0, 'client', ?, ?)`).run(sessionId, opener, now()).changes === 1;
    });
  }

  saveCall(call: NewCall, message?: { idx: number; role: 'client' | 'counselor'; counselor: string | null; content: string }): void {
    this.write(call.arenaId, () => {
      this.insertCall(call);
      if (message) this.insertMessage(call.sessionId, message);
    });
  }

  /** The battle, the chosen reply entering the history and, when it ends the session, its end: all or nothing. */
  saveBattle(battle: NewBattle, message: { idx: number; counselor: string; content: string } | null, end: SessionEnd | null): void {
    this.write(battle.arenaId, () => {
      prepared(
        this.db,
        `INSERT INTO battles (arena_id, session_id, turn, model_a, model_b, reply_a, reply_b, a_position, winner, chosen, judge, prompt_version,
           judge_output, judge_output_swapped, swap_consistent, failure, latency_ms, cost, source, annotator, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        battle.arenaId,
        battle.sessionId,
        battle.turn,
        battle.modelA,
        battle.modelB,
        battle.replyA,
        battle.replyB,
        battle.aPosition,
        battle.winner,
        battle.chosen,
        battle.judge,
        battle.promptVersion,
        battle.judgeOutput,
        battle.judgeOutputSwapped,
        battle.swapConsistent === null ? null : battle.swapConsistent ? 1 : 0,
        battle.failure,
        Math.round(battle.latencyMs),
        battle.cost,
        battle.source,
        battle.annotator,
        now(),
      );
      if (message) {
        this.insertMessage(battle.sessionId, { ...message, role: 'counselor' });
        prepared(this.db, 'UPDATE arena_sessions SET turns = ?, updated_at = ? WHERE id = ?').run(battle.turn, now(), battle.sessionId);
      }
      if (end) this.endSessionNow(battle.sessionId, end);
    });
  }

  endSession(arenaId: number, sessionId: number, end: SessionEnd): void {
    this.write(arenaId, () => this.endSessionNow(sessionId, end));
  }

  /** Ends every unfinished session as cancelled; returns how many. */
  cancelUnfinished(arenaId: number): number {
    return writeTransaction(
      this.db,
      () =>
        prepared(this.db, `UPDATE arena_sessions SET status = 'ended', end_reason = 'cancelled', updated_at = ? WHERE arena_id = ? AND status <> 'ended'`).run(now(), arenaId)
          .changes,
    );
  }

  /** Sessions marked running by a process that stopped become pending again (they resume from their saved turns). */
  releaseRunning(arenaId: number): void {
    prepared(this.db, `UPDATE arena_sessions SET status = 'pending' WHERE arena_id = ? AND status = 'running'`).run(arenaId);
  }

  private insertCall(c: NewCall): void {
    prepared(
      this.db,
      `INSERT INTO arena_calls (arena_id, session_id, turn, role, side, pass, attempt, content, accepted, rejection, choice, model,
         prompt_tokens, completion_tokens, cost, latency_ms, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      c.arenaId,
      c.sessionId,
      c.turn,
      c.role,
      c.side,
      c.pass,
      c.attempt,
      c.content,
      c.rejection === null ? 1 : 0,
      c.rejection,
      c.choice,
      c.model,
      c.usage.promptTokens,
      c.usage.completionTokens,
      c.cost,
      Math.round(c.latencyMs),
      now(),
    );
    prepared(
      this.db,
      `UPDATE arena_runs SET calls = calls + 1, prompt_tokens = prompt_tokens + ?, completion_tokens = completion_tokens + ?, cost = cost + ?, updated_at = ? WHERE id = ?`,
    ).run(c.usage.promptTokens ?? 0, c.usage.completionTokens ?? 0, c.cost, now(), c.arenaId);
  }

  private insertMessage(sessionId: number, m: { idx: number; role: 'client' | 'counselor'; counselor: string | null; content: string }): void {
    prepared(this.db, 'INSERT INTO arena_messages (session_id, idx, role, counselor, content, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      sessionId,
      m.idx,
      m.role,
      m.counselor,
      m.content,
      now(),
    );
  }

  private endSessionNow(sessionId: number, end: SessionEnd): void {
    prepared(this.db, `UPDATE arena_sessions SET status = 'ended', end_reason = ?, end_phrase = ?, error = ?, updated_at = ? WHERE id = ?`).run(
      end.reason,
      end.phrase ?? null,
      end.error ?? null,
      now(),
      sessionId,
    );
  }
}

/**
 * For the ratings: an arena's judged battles (failed judgments left out) in chronological order,
 * the order online Elo reads them; a human battle's judge is its annotator.
 */
export function arenaBattles(db: Db, arenaId: number, source?: 'llm' | 'human'): RatedBattle[] {
  const rows = prepared(
    db,
    `SELECT model_a, model_b, winner, judge, annotator, source, created_at FROM battles
     WHERE arena_id = ? AND winner IS NOT NULL AND (? IS NULL OR source = ?) ORDER BY created_at, id`,
  ).all(arenaId, source ?? null, source ?? null) as { model_a: string; model_b: string; winner: Winner; judge: string; annotator: string; source: 'llm' | 'human'; created_at: string }[];
  return rows.map((r) => ({ modelA: r.model_a, modelB: r.model_b, winner: r.winner, judge: r.source === 'human' && r.annotator ? r.annotator : r.judge, source: r.source, at: r.created_at }));
}
