import type { JobStatus, JobView } from '../contract/job';
import { DomainError, keyedError, notFound } from '../common/errors';
import { now } from '../common/time';
import type { AppEvents } from '../app/events';
import type { Db } from '../storage/database';
import { prepared } from '../storage/statements';
import { unlessBusy, writeTransaction } from '../storage/transaction';
import { DEFAULT_LEASE, describeOwner, isStale, newOwner, probeProcess, type LeaseOwner, type LeaseRow, type LeaseTiming, type ProcessProbe } from './lease';
import { canMove, hasEnded } from './status';

interface JobRow extends LeaseRow {
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
  pause_requested: number;
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
  pauseRequested: r.pause_requested === 1,
  owner:
    r.status === 'running'
      ? { pid: r.owner_pid, host: r.owner_host, heartbeatAt: r.heartbeat_at === null ? null : new Date(r.heartbeat_at).toISOString() }
      : null,
  remoteId: r.remote_id,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  updatedAt: r.updated_at,
});

export interface JobStoreOptions {
  lease?: LeaseTiming;
  /** This store's identity as a lease owner; a new random one by default. */
  owner?: LeaseOwner;
  probe?: ProcessProbe;
  /**
   * Kinds nobody can resume (their answer went to a request that no longer waits, as the
   * duplicate search's): interrupted, they become cancelled rather than paused.
   */
  unresumable?: ReadonlySet<string>;
}

/** What the owner of a running job looks up at each checkpoint, in one read. */
export interface JobSignals {
  /** This store still holds the job's lease. */
  owned: boolean;
  cancel: boolean;
  pause: boolean;
}

/**
 * The durable jobs table. Every write is one short statement; every status change goes
 * through the status machine and is announced on `jobs:changed`, progress on `jobs:progress`.
 *
 * A running job belongs to the holder of its lease (see lease.ts): only the holder renews,
 * reports progress or ends it, and starting a job is an atomic claim, so two processes can
 * never run one job. A running job whose lease is stale is settled (paused, or cancelled if
 * it was being cancelled) by whichever process reads it next.
 */
export class JobStore {
  readonly lease: LeaseTiming;
  readonly owner: LeaseOwner;
  private readonly probe: ProcessProbe;
  private readonly unresumable: ReadonlySet<string>;

  constructor(
    private readonly db: Db,
    private readonly events: AppEvents,
    options: JobStoreOptions = {},
  ) {
    this.lease = options.lease ?? DEFAULT_LEASE;
    this.owner = options.owner ?? newOwner();
    this.probe = options.probe ?? probeProcess;
    this.unresumable = options.unresumable ?? new Set();
  }

  create(kind: string, title: string, params: unknown = {}, total = 0): JobView {
    const stamp = now();
    const info = prepared(
      this.db,
      `INSERT INTO jobs (kind, title, status, params, total, created_at, updated_at) VALUES (?, ?, 'queued', ?, ?, ?, ?)`,
    ).run(kind, title, JSON.stringify(params), total, stamp, stamp);
    const id = Number(info.lastInsertRowid);
    this.events.emit('jobs:changed', { jobId: id });
    return this.get(id);
  }

  get(id: number): JobView {
    return toView(this.settle(this.row(id)));
  }

  /** The job as stored, a stale lease included (a claim then records that it took the job over). */
  peek(id: number): JobView {
    return toView(this.row(id));
  }

  params<T>(id: number): T {
    return JSON.parse(this.row(id).params) as T;
  }

  list(filter: { kind?: string; status?: JobStatus; limit?: number } = {}): JobView[] {
    const rows = prepared(
      this.db,
      `SELECT * FROM jobs WHERE (@kind IS NULL OR kind = @kind) AND (@status IS NULL OR status = @status)
       ORDER BY id DESC LIMIT @limit`,
    ).all({ kind: filter.kind ?? null, status: filter.status ?? null, limit: filter.limit ?? 200 }) as JobRow[];
    return rows.map((r) => toView(this.settle(r))).filter((j) => !filter.status || j.status === filter.status);
  }

  /**
   * Takes the job for this store's owner, atomically (BEGIN IMMEDIATE: one writer at a time
   * decides): a job in one of `from`, or a running one whose lease is stale, becomes running
   * under this owner with a fresh heartbeat and cleared cancel and pause flags. A job another
   * live owner holds is refused with a message naming it. Returns the job before and after.
   */
  claim(id: number, from: readonly JobStatus[], label = `Job ${id}`): { previous: JobView; job: JobView } {
    const previous = writeTransaction(this.db, () => {
        const row = this.row(id);
        const at = Date.now();
        if (row.status === 'running') {
          if (row.owner_token === this.owner.token) throw new DomainError('conflict', `${label} is already running here.`);
          if (!isStale(row, at, this.lease, this.owner, this.probe)) {
            throw keyedError('conflict', 'jobRunningElsewhere', { id }, `${label} is running in ${describeOwner(row, at)}; pause it there, or wait.`);
          }
        } else if (!from.includes(row.status) || !canMove(row.status, 'running')) {
          throw new DomainError('conflict', `${label} is ${row.status}; it cannot be started.`);
        }
        const stamp = new Date(at).toISOString();
        prepared(
          this.db,
          `UPDATE jobs SET status = 'running', owner_token = @token, owner_pid = @pid, owner_host = @host, heartbeat_at = @at,
             cancel_requested = 0, pause_requested = 0, error = NULL, finished_at = NULL,
             started_at = COALESCE(started_at, @stamp), updated_at = @stamp
           WHERE id = @id`,
        ).run({ id, ...this.owner, at, stamp });
        return row;
      });
    const job = this.get(id);
    this.announce(job);
    return { previous: toView(previous), job };
  }

  /** Renews this owner's lease; false when the job is no longer this owner's (taken over, settled). */
  heartbeat(id: number): boolean {
    // A beat that finds the database busy is skipped, not awaited: the lease is good for
    // many more beats (staleMs), and waiting would freeze the thread that answers the window.
    const changes = unlessBusy(this.db, () =>
      prepared(this.db, `UPDATE jobs SET heartbeat_at = ? WHERE id = ? AND owner_token = ? AND status = 'running'`).run(Date.now(), id, this.owner.token).changes,
    );
    return changes !== 0;
  }

  signals(id: number): JobSignals {
    // The owner of a running simulation reads this at every checkpoint and every group commit.
    const row = prepared(this.db, 'SELECT status, owner_token, cancel_requested, pause_requested FROM jobs WHERE id = ?').get(id) as
      | Pick<JobRow, 'status' | 'owner_token' | 'cancel_requested' | 'pause_requested'>
      | undefined;
    return {
      owned: row?.status === 'running' && row.owner_token === this.owner.token,
      cancel: row?.cancel_requested === 1,
      pause: row?.pause_requested === 1,
    };
  }

  /**
   * Ends this owner's run of a job (paused, done, failed, cancelled). Returns null, changing
   * nothing, when the lease is no longer this owner's: the job is someone else's now.
   */
  finish(id: number, to: Exclude<JobStatus, 'running' | 'queued'>, detail: { message?: string | null; error?: string | null } = {}): JobView | null {
    const stamp = now();
    const changed = prepared(
      this.db,
      `UPDATE jobs SET status = @to, updated_at = @stamp, owner_token = NULL, heartbeat_at = NULL,
         message = CASE WHEN @hasMessage THEN @message ELSE message END,
         error = CASE WHEN @hasError THEN @error ELSE error END,
         finished_at = CASE WHEN @ended THEN @stamp ELSE NULL END,
         cancel_requested = 0, pause_requested = 0
       WHERE id = @id AND status = 'running' AND owner_token = @token`,
    ).run({ id, to, stamp, token: this.owner.token, ended: hasEnded(to) ? 1 : 0, ...detailParams(detail) }).changes;
    if (changed === 0) return null;
    const job = this.get(id);
    this.announce(job);
    return job;
  }

  /**
   * Moves a job that nobody runs along the status machine (queued → paused, paused →
   * cancelled…). Starting and ending a run go through claim and finish; an illegal move is a
   * bug in the caller, so it throws.
   */
  transition(id: number, to: JobStatus, detail: { message?: string | null; error?: string | null } = {}): JobView {
    const from = this.get(id).status;
    if (from === to) return this.get(id);
    if (from === 'running' || to === 'running' || !canMove(from, to)) {
      throw new DomainError('conflict', `Job ${id} is ${from} and cannot become ${to}.`);
    }
    const stamp = now();
    const changed = prepared(
      this.db,
      `UPDATE jobs SET status = @to, updated_at = @stamp,
         message = CASE WHEN @hasMessage THEN @message ELSE message END,
         error = CASE WHEN @hasError THEN @error ELSE error END,
         finished_at = CASE WHEN @ended THEN @stamp ELSE NULL END,
         cancel_requested = 0, pause_requested = 0
       WHERE id = @id AND status = @from`,
    ).run({ id, to, from, stamp, ended: hasEnded(to) ? 1 : 0, ...detailParams(detail) }).changes;
    // Another process moved it between the read and the write (claimed it, say).
    if (changed === 0) throw new DomainError('conflict', `Job ${id} changed meanwhile (it is now ${this.get(id).status}); try again.`);
    const job = this.get(id);
    this.announce(job);
    return job;
  }

  progress(id: number, done: number, total: number, message?: string): void {
    // A count is skipped while another connection commits (see unlessBusy): the next count,
    // or the job's end, writes a newer one.
    const written = unlessBusy(this.db, () =>
      prepared(this.db, `UPDATE jobs SET done = ?, total = ?, message = COALESCE(?, message), updated_at = ? WHERE id = ? AND owner_token = ?`)
        .run(done, total, message ?? null, now(), id, this.owner.token),
    );
    if (written) this.emitProgress(this.get(id));
  }

  setRemoteId(id: number, remoteId: string): void {
    prepared(this.db, 'UPDATE jobs SET remote_id = ?, updated_at = ? WHERE id = ?').run(remoteId, now(), id);
  }

  /**
   * Asks a job to stop. A job that is not running stops at once; a running one (in any
   * process) sees the flag at its next checkpoint, so no step is cut in half.
   */
  requestCancel(id: number): JobView {
    const job = this.get(id);
    if (job.status === 'done' || job.status === 'cancelled') return job;
    if (job.status === 'running') return this.flag(id, 'cancel_requested', null);
    return this.transition(id, 'cancelled', { message: 'Cancelled before it finished' });
  }

  /**
   * Asks a job to pause. A queued job pauses at once; a running one (in any process) stops
   * starting new work at its next checkpoint, lets work in flight finish, and pauses.
   */
  requestPause(id: number): JobView {
    const job = this.get(id);
    if (job.status === 'queued') return this.transition(id, 'paused', { message: 'Paused' });
    if (job.status !== 'running') return job;
    return this.flag(id, 'pause_requested', 'Pausing: finishing the calls in flight');
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
   * Settles every running job whose lease is stale: interrupted by a crash, a kill or a
   * restart. One that was cancelling, or of a kind nobody can resume, becomes cancelled; any
   * other becomes paused rather than restarting by itself, because resuming may spend money on
   * paid endpoints and the user should decide. Jobs of live owners (the app while the CLI runs, or the reverse) are left
   * alone. Returns the ids settled.
   */
  recover(): number[] {
    const running = prepared(this.db, `SELECT * FROM jobs WHERE status = 'running'`).all() as JobRow[];
    return running.filter((r) => this.settle(r).status !== 'running').map((r) => r.id);
  }

  /** Who holds a running job, in words ("process 4242 on lab-1 (since …, heartbeat 1 s ago)"). */
  describeOwner(id: number): string | null {
    const row = this.settle(this.row(id));
    return row.status === 'running' ? describeOwner(row, Date.now()) : null;
  }

  /** A running row whose lease is stale is paused (or cancelled); returns the row as it now is. */
  private settle(row: JobRow): JobRow {
    if (row.status !== 'running' || !isStale(row, Date.now(), this.lease, this.owner, this.probe)) return row;
    const cancelling = row.cancel_requested === 1;
    const unresumable = !cancelling && this.unresumable.has(row.kind);
    const stamp = now();
    const last = row.heartbeat_at === null ? '' : ` (its last heartbeat: ${new Date(row.heartbeat_at).toISOString().slice(0, 19).replace('T', ' ')})`;
    // Only if nothing changed since the read: the owner may have renewed, or another process settled or claimed it.
    const changed = prepared(
      this.db,
      `UPDATE jobs SET status = @to, message = @message, owner_token = NULL, heartbeat_at = NULL, pause_requested = 0,
         cancel_requested = 0, finished_at = CASE WHEN @to = 'cancelled' THEN @stamp ELSE NULL END, updated_at = @stamp
       WHERE id = @id AND status = 'running' AND owner_token IS @token AND heartbeat_at IS @heartbeat`,
    ).run({
      id: row.id,
      to: cancelling || unresumable ? 'cancelled' : 'paused',
      message: cancelling
        ? `Cancelled: its process stopped while cancelling${last}`
        : unresumable
          ? `Interrupted: its process stopped${last}; run it again`
          : `Interrupted: its process stopped${last}; resume to continue`,
      stamp,
      token: row.owner_token,
      heartbeat: row.heartbeat_at,
    }).changes;
    const fresh = this.row(row.id);
    if (changed === 1) this.announce(toView(fresh));
    return fresh;
  }

  private flag(id: number, column: 'cancel_requested' | 'pause_requested', message: string | null): JobView {
    prepared(this.db, `UPDATE jobs SET ${column} = 1, message = COALESCE(?, message), updated_at = ? WHERE id = ? AND status = 'running'`)
      .run(message, now(), id);
    const job = this.get(id);
    this.announce(job);
    return job;
  }

  private announce(job: JobView): void {
    this.events.emit('jobs:changed', { jobId: job.id });
    this.emitProgress(job);
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
    const row = prepared(this.db, 'SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    if (!row) throw notFound('job', id);
    return row;
  }
}

const detailParams = (detail: { message?: string | null; error?: string | null }) => ({
  hasMessage: detail.message !== undefined ? 1 : 0,
  message: detail.message ?? null,
  hasError: detail.error !== undefined ? 1 : 0,
  error: detail.error ?? null,
});
