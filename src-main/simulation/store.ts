import type { CardLanguage } from '../contract/role-card';
import type { AgentRole, EndReason, RejectionReason, RunEvent, RunKind, RunSnapshot, SessionStatus } from '../contract/simulation';
import { notFound } from '../common/errors';
import { now } from '../common/time';
import type { Db } from '../storage/database';
import { prepared } from '../storage/statements';
import { writeTransaction } from '../storage/transaction';
import type { Usage } from '../llm/usage';
import type { Turn } from './views';

// Persistence of runs, sessions, turns and calls. A turn is saved whole (message, the call
// that produced it, its usage, the session's and the run's totals) or not at all, in a
// synchronous transaction (better-sqlite3), so nothing awaits inside a transaction.
//
// Group commit: the writes of a running simulation (turns, refused attempts, errors, session
// starts and ends) are queued and committed together once per turn of the event loop, each
// in its own savepoint inside one transaction. Sessions whose calls finished at about the
// same time (32 concurrent calls of equal latency finish in bursts) then share one commit
// and one WAL append instead of paying one each. The promise a session awaits resolves only
// once its write is committed, and the session makes its next call after that, so every
// completed turn is still on disk before the next call for that session starts.
// A run executing here has a write guard (its job's lease, checked once per run per commit):
// when another process has taken the run over, this one's late writes are refused whole.
// Statements are prepared once (storage/statements.ts).

export interface RunRow {
  id: number;
  job_id: number | null;
  kind: RunKind;
  title: string;
  language: CardLanguage;
  config: string;
  app_version: string;
  session_count: number;
  calls: number;
  rejected: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cost: number;
  resumed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface NewSession {
  cardId: number | null;
  repetition: number;
  cardText: string | null;
  externalId?: string | null;
}

export interface CallRecord {
  attempt: number;
  retries: number;
  model: string | null;
  finishReason: string | null;
  usage: Usage;
  cost: number;
  latencyMs: number;
}

export interface SessionState {
  id: number;
  runId: number;
  status: SessionStatus;
  cardText: string | null;
  turns: Turn[];
  /** Refused attempts already made for the next turn (a crash may have come between them). */
  rejectedForNext: number;
}

export interface SessionEnd {
  reason: EndReason;
  phrase?: string | null;
  error?: string | null;
  errorKind?: string | null;
}

interface QueuedWrite {
  runId: number;
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class SimulationStore {
  private queued: QueuedWrite[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private readonly guards = new Map<number, () => void>();

  constructor(readonly db: Db) {}

  /** While a run executes here, `check` (throwing when the run is no longer ours) gates its writes; null removes it. */
  guard(runId: number, check: (() => void) | null): void {
    if (check) this.guards.set(runId, check);
    else this.guards.delete(runId);
  }

  /** Runs `work` in the next group commit; resolves with its result once committed. */
  private enqueue<T>(runId: number, work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queued.push({ runId, work, resolve: resolve as (value: unknown) => void, reject });
      this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Commits every queued write now (also called before reads that must see them). */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    const batch = this.queued;
    if (batch.length === 0) return;
    this.queued = [];
    const results: { ok: boolean; value: unknown }[] = [];
    const refused = new Map<number, unknown>();
    const check = (runId: number) => {
      if (!refused.has(runId)) {
        try {
          this.guards.get(runId)?.();
          refused.set(runId, null);
        } catch (error) {
          refused.set(runId, error);
        }
      }
      if (refused.get(runId)) throw refused.get(runId);
    };
    try {
      // IMMEDIATE (writeTransaction): the write lock first, so the lease read by the guard
      // cannot go stale before the writes.
      writeTransaction(this.db, () => {
        for (const item of batch) {
          // A savepoint each: one failing write (a constraint) does not undo the others.
          try {
            check(item.runId);
            results.push({ ok: true, value: writeTransaction(this.db, item.work) });
          } catch (error) {
            results.push({ ok: false, value: error });
          }
        }
      });
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => (results[i]!.ok ? item.resolve(results[i]!.value) : item.reject(results[i]!.value)));
  }

  // ---- runs

  createRun(run: { kind: RunKind; title: string; language: CardLanguage; config: RunSnapshot | Record<string, unknown>; appVersion: string; jobId: number | null }, sessions: NewSession[]): number {
    return writeTransaction(this.db, () => {
      const stamp = now();
      const info = prepared(
        this.db,
        `INSERT INTO sim_runs (job_id, kind, title, language, config, app_version, session_count, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(run.jobId, run.kind, run.title, run.language, JSON.stringify(run.config), run.appVersion, sessions.length, stamp, stamp);
      const runId = Number(info.lastInsertRowid);
      const insert = prepared(
        this.db,
        `INSERT INTO sim_sessions (run_id, seq, card_id, repetition, card_text, external_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      sessions.forEach((s, i) => insert.run(runId, i + 1, s.cardId, s.repetition, s.cardText, s.externalId ?? null, stamp, stamp));
      return runId;
    });
  }

  attachJob(runId: number, jobId: number): void {
    prepared(this.db, 'UPDATE sim_runs SET job_id = ?, updated_at = ? WHERE id = ?').run(jobId, now(), runId);
  }

  run(runId: number): RunRow {
    const row = prepared(this.db, 'SELECT * FROM sim_runs WHERE id = ?').get(runId) as RunRow | undefined;
    if (!row) throw notFound('run', runId);
    return row;
  }

  runs(): RunRow[] {
    return prepared(this.db, 'SELECT * FROM sim_runs ORDER BY id').all() as RunRow[];
  }

  snapshot(runId: number): RunSnapshot {
    return JSON.parse(this.run(runId).config) as RunSnapshot;
  }

  updateSnapshot(runId: number, snapshot: RunSnapshot): void {
    prepared(this.db, 'UPDATE sim_runs SET config = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(snapshot), now(), runId);
  }

  /** Appends to the run's history (see RunEvent). */
  addEvent(runId: number, event: DistributiveOmit<RunEvent, 'at'>): void {
    const { kind, ...detail } = event;
    prepared(this.db, 'INSERT INTO sim_run_events (run_id, kind, detail, created_at) VALUES (?, ?, ?, ?)').run(runId, kind, JSON.stringify(detail), now());
  }

  /** The run's history, oldest first. */
  events(runId: number): RunEvent[] {
    const rows = prepared(this.db, 'SELECT kind, detail, created_at FROM sim_run_events WHERE run_id = ? ORDER BY id').all(runId) as { kind: RunEvent['kind']; detail: string; created_at: string }[];
    return rows.map((r) => ({ at: r.created_at, kind: r.kind, ...(JSON.parse(r.detail) as object) }) as RunEvent);
  }

  removeRun(runId: number): void {
    if (prepared(this.db, 'DELETE FROM sim_runs WHERE id = ?').run(runId).changes === 0) throw notFound('run', runId);
  }

  /** Execution (re)starts: sessions a dead process left running are free again; pace counts from now. */
  beginExecution(runId: number): void {
    writeTransaction(this.db, () => {
      const stamp = now();
      prepared(this.db, `UPDATE sim_sessions SET status = 'pending', updated_at = ? WHERE run_id = ? AND status = 'running'`).run(stamp, runId);
      prepared(this.db, 'UPDATE sim_runs SET resumed_at = ?, updated_at = ? WHERE id = ?').run(stamp, stamp, runId);
    });
  }

  /** Execution stopped (paused, failed): sessions not ended are no longer running. */
  releaseRunning(runId: number): void {
    prepared(this.db, `UPDATE sim_sessions SET status = 'pending', updated_at = ? WHERE run_id = ? AND status = 'running'`).run(now(), runId);
  }

  unfinishedSessionIds(runId: number): number[] {
    return (prepared(this.db, `SELECT id FROM sim_sessions WHERE run_id = ? AND status != 'ended' ORDER BY seq`).all(runId) as { id: number }[]).map((r) => r.id);
  }

  /**
   * Sessions that ended in error become pending again, keeping their saved turns, so they
   * continue from the last one; their calls, usage and recorded errors stay counted.
   */
  reopenErrored(runId: number): number {
    return prepared(
      this.db,
      `UPDATE sim_sessions SET status = 'pending', end_reason = NULL, error = NULL, error_kind = NULL, finished_at = NULL, updated_at = ?
       WHERE run_id = ? AND end_reason = 'error'`,
    ).run(now(), runId).changes;
  }

  /** Ends every session of the run that has not ended, as cancelled. */
  cancelUnfinished(runId: number): number[] {
    return writeTransaction(this.db, () => {
      const ids = this.unfinishedSessionIds(runId);
      const stamp = now();
      prepared(
        this.db,
        `UPDATE sim_sessions SET status = 'ended', end_reason = 'cancelled', finished_at = ?, updated_at = ?
         WHERE run_id = ? AND status != 'ended'`,
      ).run(stamp, stamp, runId);
      return ids;
    });
  }

  // ---- sessions

  loadSession(sessionId: number): SessionState {
    const row = prepared(this.db, 'SELECT id, run_id, status, card_text FROM sim_sessions WHERE id = ?').get(sessionId) as
      | { id: number; run_id: number; status: SessionStatus; card_text: string | null }
      | undefined;
    if (!row) throw notFound('session', sessionId);
    const turns = prepared(this.db, 'SELECT role, content FROM sim_messages WHERE session_id = ? ORDER BY idx').all(sessionId) as Turn[];
    const rejected = prepared(this.db, 'SELECT count(*) AS n FROM sim_calls WHERE session_id = ? AND idx = ? AND accepted = 0').get(sessionId, turns.length) as { n: number };
    return { id: row.id, runId: row.run_id, status: row.status, cardText: row.card_text, turns, rejectedForNext: rejected.n };
  }

  /** Marks the session running and, for a new one, saves the client's opener as turn 0. */
  startSession(runId: number, sessionId: number, opener: string): Promise<boolean> {
    return this.enqueue(runId, () => {
      const stamp = now();
      prepared(this.db, `UPDATE sim_sessions SET status = 'running', started_at = COALESCE(started_at, ?), updated_at = ? WHERE id = ? AND status != 'ended'`).run(
        stamp,
        stamp,
        sessionId,
      );
      const has = prepared(this.db, 'SELECT 1 FROM sim_messages WHERE session_id = ? AND idx = 0').get(sessionId);
      if (has) return false;
      prepared(this.db, `INSERT INTO sim_messages (session_id, idx, role, content, call_id, created_at) VALUES (?, 0, 'client', ?, NULL, ?)`).run(sessionId, opener, stamp);
      prepared(this.db, 'UPDATE sim_sessions SET message_count = 1 WHERE id = ?').run(sessionId);
      return true;
    });
  }

  /**
   * A completed call, with the session's and the run's totals; `message` when its reply was
   * accepted as the turn at `idx` (the session's message count and, for the counselor, its turns).
   */
  private insertCall(
    runId: number,
    sessionId: number,
    idx: number,
    role: AgentRole,
    call: CallRecord,
    rejection: { reason: RejectionReason; detail: string; content: string } | null,
    stamp: string,
  ): number {
    const info = prepared(
      this.db,
      `INSERT INTO sim_calls (run_id, session_id, idx, role, attempt, retries, accepted, rejection, rejection_detail, content, model, finish_reason,
         prompt_tokens, completion_tokens, cached_tokens, cost, latency_ms, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      runId, sessionId, idx, role, call.attempt, call.retries, rejection ? 0 : 1, rejection?.reason ?? null, rejection?.detail ?? null, rejection?.content ?? null,
      call.model, call.finishReason, call.usage.promptTokens, call.usage.completionTokens, call.usage.cachedTokens, call.cost, Math.round(call.latencyMs), stamp,
    );
    const u = call.usage;
    // One update of the session row per call: an accepted reply also moves its message count and turns.
    const messages = rejection ? null : idx + 1;
    const turns = !rejection && role === 'counselor' ? 1 : 0;
    prepared(
      this.db,
      `UPDATE sim_sessions SET calls = calls + 1, prompt_tokens = prompt_tokens + ?, completion_tokens = completion_tokens + ?,
         cached_tokens = cached_tokens + ?, cost = cost + ?, message_count = COALESCE(?, message_count), turns = turns + ?, updated_at = ? WHERE id = ?`,
    ).run(u.promptTokens ?? 0, u.completionTokens ?? 0, u.cachedTokens ?? 0, call.cost, messages, turns, stamp, sessionId);
    prepared(
      this.db,
      `UPDATE sim_runs SET calls = calls + 1, rejected = rejected + ?, prompt_tokens = prompt_tokens + ?, completion_tokens = completion_tokens + ?,
         cached_tokens = cached_tokens + ?, cost = cost + ?, updated_at = ? WHERE id = ?`,
    ).run(rejection ? 1 : 0, u.promptTokens ?? 0, u.completionTokens ?? 0, u.cachedTokens ?? 0, call.cost, stamp, runId);
    return Number(info.lastInsertRowid);
  }

  private end(sessionId: number, end: SessionEnd, stamp: string): void {
    prepared(
      this.db,
      `UPDATE sim_sessions SET status = 'ended', end_reason = ?, end_phrase = ?, error = ?, error_kind = ?, finished_at = ?, updated_at = ? WHERE id = ?`,
    ).run(end.reason, end.phrase ?? null, end.error ?? null, end.errorKind ?? null, stamp, stamp, sessionId);
  }

  /** One accepted reply: the call, the message and, when it ends the session, the ending. */
  saveTurn(t: { runId: number; sessionId: number; idx: number; role: AgentRole; content: string; call: CallRecord; end: SessionEnd | null }): Promise<void> {
    return this.enqueue(t.runId, () => {
      const stamp = now();
      const callId = this.insertCall(t.runId, t.sessionId, t.idx, t.role, t.call, null, stamp);
      prepared(this.db, 'INSERT INTO sim_messages (session_id, idx, role, content, call_id, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
        t.sessionId, t.idx, t.role, t.content, callId, stamp,
      );
      if (t.end) this.end(t.sessionId, t.end, stamp);
    });
  }

  /** A reply refused by refinement, kept with its reason; `end` when it was the last attempt. */
  saveRejected(t: { runId: number; sessionId: number; idx: number; role: AgentRole; content: string; reason: RejectionReason; detail: string; call: CallRecord; end: SessionEnd | null }): Promise<void> {
    return this.enqueue(t.runId, () => {
      const stamp = now();
      this.insertCall(t.runId, t.sessionId, t.idx, t.role, t.call, { reason: t.reason, detail: t.detail, content: t.content }, stamp);
      if (t.end) this.end(t.sessionId, t.end, stamp);
    });
  }

  saveError(e: { runId: number; sessionId: number | null; idx: number | null; role: AgentRole | null; kind: string; status: number | null; message: string }): Promise<void> {
    return this.enqueue(e.runId, () => {
      const stamp = now();
      prepared(this.db, 'INSERT INTO sim_errors (run_id, session_id, idx, role, kind, status, message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        e.runId, e.sessionId, e.idx, e.role, e.kind, e.status, e.message, stamp,
      );
      prepared(this.db, 'UPDATE sim_runs SET errors = errors + 1, updated_at = ? WHERE id = ?').run(stamp, e.runId);
    });
  }

  endSession(runId: number, sessionId: number, end: SessionEnd): Promise<void> {
    return this.enqueue(runId, () => this.end(sessionId, end, now()));
  }

  // ---- figures

  sessionCounts(runId: number): { status: SessionStatus; end_reason: EndReason | null; n: number; turns: number }[] {
    return prepared(
      this.db,
      `SELECT status, end_reason, count(*) AS n, sum(turns) AS turns FROM sim_sessions WHERE run_id = ? GROUP BY status, end_reason`,
    ).all(runId) as { status: SessionStatus; end_reason: EndReason | null; n: number; turns: number }[];
  }

  endedSince(runId: number, since: string): number {
    return (prepared(this.db, `SELECT count(*) AS n FROM sim_sessions WHERE run_id = ? AND finished_at >= ?`).get(runId, since) as { n: number }).n;
  }

  callsSince(runId: number, since: string): number {
    return (prepared(this.db, 'SELECT count(*) AS n FROM sim_calls WHERE run_id = ? AND created_at >= ?').get(runId, since) as { n: number }).n;
  }

  /** Sessions that ended in error, and the commonest kind and message among them. */
  sessionErrors(runId: number): { sessions: number; commonest: { kind: string; message: string; sessions: number } | null } {
    const rows = prepared(
      this.db,
      `SELECT COALESCE(error_kind, 'error') AS kind, COALESCE(error, '') AS message, count(*) AS n FROM sim_sessions
       WHERE run_id = ? AND end_reason = 'error' GROUP BY 1, 2 ORDER BY n DESC, kind`,
    ).all(runId) as { kind: string; message: string; n: number }[];
    const sessions = rows.reduce((n, r) => n + r.n, 0);
    if (rows.length === 0) return { sessions, commonest: null };
    // The commonest kind, with its commonest message (messages of one kind differ in detail).
    const byKind = new Map<string, number>();
    for (const r of rows) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + r.n);
    const [kind, n] = [...byKind].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
    return { sessions, commonest: { kind, message: rows.find((r) => r.kind === kind)!.message, sessions: n } };
  }

  errorsByKind(runId: number): Record<string, number> {
    const rows = prepared(this.db, 'SELECT kind, count(*) AS n FROM sim_errors WHERE run_id = ? GROUP BY kind ORDER BY kind').all(runId) as { kind: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
