import type { JobStatus, JobView } from '../contract/job';
import { DomainError, notFound } from '../common/errors';
import { now } from '../common/time';
import type { AppEvents } from '../app/events';
import type { Db } from '../storage/database';
import { canMove, isFinal } from './status';

interface JobRow {
  id: number;
  kind: string;
  title: string;
  status: JobStatus;
  params: string;
  done: number;
  total: number;
  message: string | null;
  error: string | null;
  cancel_requested: number;
  remote_id: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

const toView = (r: JobRow): JobView => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  status: r.status,
  done: r.done,
  total: r.total,
  message: r.message,
  error: r.error,
  cancelRequested: r.cancel_requested === 1,
  remoteId: r.remote_id,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  updatedAt: r.updated_at,
});

/**
 * The durable jobs table. Every write is one short statement; every status change goes
 * through the status machine and is announced on `jobs:changed`, progress on `jobs:progress`.
 */
export class JobStore {
  constructor(
    private readonly db: Db,
    private readonly events: AppEvents,
  ) {}

  create(kind: string, title: string, params: unknown = {}, total = 0): JobView {
    const stamp = now();
    const info = this.db
      .prepare(
        `INSERT INTO jobs (kind, title, status, params, total, created_at, updated_at) VALUES (?, ?, 'queued', ?, ?, ?, ?)`,
      )
      .run(kind, title, JSON.stringify(params), total, stamp, stamp);
    const id = Number(info.lastInsertRowid);
    this.events.emit('jobs:changed', { jobId: id });
    return this.get(id);
  }

  get(id: number): JobView {
    return toView(this.row(id));
  }

  params<T>(id: number): T {
    return JSON.parse(this.row(id).params) as T;
  }

  list(filter: { kind?: string; status?: JobStatus; limit?: number } = {}): JobView[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM jobs WHERE (@kind IS NULL OR kind = @kind) AND (@status IS NULL OR status = @status)
         ORDER BY id DESC LIMIT @limit`,
      )
      .all({ kind: filter.kind ?? null, status: filter.status ?? null, limit: filter.limit ?? 200 }) as JobRow[];
    return rows.map(toView);
  }

  /** Moves a job along the status machine; an illegal move is a bug in the caller, so it throws. */
  transition(id: number, to: JobStatus, detail: { message?: string | null; error?: string | null } = {}): JobView {
    const from = this.row(id).status;
    if (from !== to && !canMove(from, to)) {
      throw new DomainError('conflict', `Job ${id} is ${from} and cannot become ${to}.`);
    }
    const stamp = now();
    this.db
      .prepare(
        `UPDATE jobs SET status = @to, updated_at = @stamp,
           message = CASE WHEN @hasMessage THEN @message ELSE message END,
           error = CASE WHEN @hasError THEN @error ELSE error END,
           owner_pid = CASE WHEN @to = 'running' THEN @pid ELSE owner_pid END,
           started_at = CASE WHEN @to = 'running' AND started_at IS NULL THEN @stamp ELSE started_at END,
           finished_at = CASE WHEN @final THEN @stamp ELSE NULL END,
           cancel_requested = CASE WHEN @resetCancel THEN 0 ELSE cancel_requested END
         WHERE id = @id`,
      )
      .run({
        id,
        to,
        stamp,
        pid: process.pid,
        final: isFinal(to) ? 1 : 0,
        // (Re)starting a job clears an old cancel request; a running job keeps a pending one.
        resetCancel: to === 'queued' || (to === 'running' && from !== 'running') ? 1 : 0,
        hasMessage: detail.message !== undefined ? 1 : 0,
        message: detail.message ?? null,
        hasError: detail.error !== undefined ? 1 : 0,
        error: detail.error ?? null,
      });
    const job = this.get(id);
    this.events.emit('jobs:changed', { jobId: id });
    this.emitProgress(job);
    return job;
  }

  progress(id: number, done: number, total: number, message?: string): void {
    this.db
      .prepare(
        `UPDATE jobs SET done = ?, total = ?, message = COALESCE(?, message), updated_at = ? WHERE id = ?`,
      )
      .run(done, total, message ?? null, now(), id);
    this.emitProgress(this.get(id));
  }

  setRemoteId(id: number, remoteId: string): void {
    this.db.prepare('UPDATE jobs SET remote_id = ?, updated_at = ? WHERE id = ?').run(remoteId, now(), id);
  }

  /**
   * Asks a job to stop. A job that is not running stops at once; a running one sees the
   * flag at its next checkpoint, so no step is cut in half.
   */
  requestCancel(id: number): JobView {
    const job = this.get(id);
    if (isFinal(job.status)) return job;
    if (job.status === 'running') {
      this.db.prepare('UPDATE jobs SET cancel_requested = 1, updated_at = ? WHERE id = ?').run(now(), id);
      this.events.emit('jobs:changed', { jobId: id });
      return this.get(id);
    }
    return this.transition(id, 'cancelled', { message: 'Cancelled before it ran' });
  }

  isCancelRequested(id: number): boolean {
    return this.row(id).cancel_requested === 1;
  }

  /**
   * Forgets the finished jobs of a kind whose history says nothing (the duplicate search that
   * runs after every change to the cards), older than job `latest`: only the latest is listed.
   * Called after creating the latest, so no id is ever given out twice.
   */
  removeFinishedBefore(latest: JobView): number {
    return this.db
      .prepare(`DELETE FROM jobs WHERE kind = ? AND id < ? AND status IN ('done', 'failed', 'cancelled')`)
      .run(latest.kind, latest.id).changes;
  }

  /**
   * A job marked running whose process is gone was interrupted by a crash, a kill or a
   * restart. One that was cancelling becomes cancelled; any other becomes paused rather than
   * restarting by itself, because resuming may spend money on paid endpoints and the user
   * should decide. A job of a kind in `unresumable` (one whose answer only its waiting request
   * wanted, see JobRunner.result) cannot be resumed and becomes cancelled. Jobs of live
   * processes (the app while the CLI runs, or the reverse) are left alone. Returns the ids touched.
   */
  recover(isAlive: (pid: number) => boolean = processIsAlive, unresumable: ReadonlySet<string> = new Set()): number[] {
    const running = this.db.prepare(`SELECT id, kind, cancel_requested, owner_pid FROM jobs WHERE status = 'running'`).all() as {
      id: number;
      kind: string;
      cancel_requested: number;
      owner_pid: number | null;
    }[];
    const stuck = running.filter((j) => j.owner_pid === null || !isAlive(j.owner_pid));
    for (const job of stuck) {
      if (job.cancel_requested) this.transition(job.id, 'cancelled', { message: 'Cancelled (the app stopped while cancelling)' });
      else if (unresumable.has(job.kind)) this.transition(job.id, 'cancelled', { message: 'Interrupted when the app stopped; run it again' });
      else this.transition(job.id, 'paused', { message: 'Interrupted when the app stopped; resume to continue' });
    }
    return stuck.map((j) => j.id);
  }

  private emitProgress(job: JobView): void {
    this.events.emit('jobs:progress', {
      jobId: job.id,
      kind: job.kind,
      status: job.status,
      done: job.done,
      total: job.total,
      message: job.message,
    });
  }

  private row(id: number): JobRow {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    if (!row) throw notFound('job', id);
    return row;
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
