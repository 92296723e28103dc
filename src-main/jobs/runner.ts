import type { JobStatus, JobView } from '../contract/job';
import { keyedError } from '../common/errors';
import type { JobStore } from './store';

/** Thrown by `checkpoint()` when the job was asked to stop; the runner records it as cancelled. */
export class JobCancelled extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'JobCancelled';
  }
}

/** Thrown by `checkpoint()` when the job was asked to pause; the runner records it as paused. */
export class JobPaused extends Error {
  constructor() {
    super('Paused');
    this.name = 'JobPaused';
  }
}

/**
 * The job's lease is no longer this process's (it looked dead and another process took the
 * job over, or settled it): stop at once and write nothing more, the job is not ours.
 */
export class JobLost extends Error {
  constructor() {
    super('Another process took this job over');
    this.name = 'JobLost';
  }
}

export interface JobControl {
  readonly jobId: number;
  /** The job as it was just before this run claimed it (paused, failed, a stale running…). */
  readonly previous: JobView;
  /**
   * Aborts in-flight calls (pass it to fetch / the openai SDK) as soon as cancel is asked;
   * its reason is a JobLost when the lease was lost instead.
   */
  readonly signal: AbortSignal;
  progress(done: number, total: number, message?: string): void;
  /**
   * Call between steps: one read of the job's row. Throws JobCancelled if it should stop,
   * JobPaused if it should pause (asked here or from another process), JobLost if the lease
   * is gone.
   */
  checkpoint(): void;
  /** True once a pause was seen: start nothing new, let work in flight finish and save, then throw JobPaused. */
  isPauseRequested(): boolean;
  /** Throws JobLost unless this process still holds the job; cheap enough for every write batch. */
  assertOwned(): void;
  setRemoteId(remoteId: string): void;
}

export type JobWork = (control: JobControl) => Promise<string | void>;

/** What a request waiting for a job answers when the person cancelled the job. */
export const jobCancelled = (id: number) => keyedError('cancelled', 'jobCancelled', { id }, `Job ${id} was cancelled.`);

export interface RunOptions {
  /** Statuses the job may be started from (default: queued, paused, failed). A stale running job can always be taken over. */
  from?: readonly JobStatus[];
  /** How errors name the job ("Run 3"). */
  label?: string;
}

/**
 * Runs jobs in this process. The durable state lives in the store, so a job survives a
 * restart as 'paused'; the runner holds what cannot be persisted: the abort controllers and
 * heartbeat timers of the jobs running here.
 */
export class JobRunner {
  private readonly running = new Map<number, AbortController>();
  private readonly pausing = new Set<number>();

  constructor(private readonly store: JobStore) {}

  /**
   * Claims the job (atomically; throws at once, before any work, if another live process has
   * it) and runs `work` under a lease renewed every heartbeat until it ends.
   */
  run(jobId: number, work: JobWork, options: RunOptions = {}): Promise<JobView> {
    if (this.running.has(jobId)) return Promise.reject(new Error(`Job ${jobId} is already running in this process.`));
    const { previous } = this.store.claim(jobId, options.from ?? ['queued', 'paused', 'failed'], options.label);
    return this.execute(jobId, previous, work);
  }

  private async execute(jobId: number, previous: JobView, work: JobWork): Promise<JobView> {
    const abort = new AbortController();
    this.running.set(jobId, abort);
    this.pausing.delete(jobId);
    let lost = false;
    const lose = () => {
      if (lost) return;
      lost = true;
      abort.abort(new JobLost());
    };
    const beat = setInterval(() => {
      try {
        if (!this.store.heartbeat(jobId)) lose();
      } catch {
        // The database was busy or closing: the next beat tries again, well within the stale limit.
      }
    }, this.store.lease.heartbeatMs);
    beat.unref();

    const control: JobControl = {
      jobId,
      previous,
      signal: abort.signal,
      progress: (done, total, message) => this.store.progress(jobId, done, total, message),
      checkpoint: () => {
        if (lost) throw new JobLost();
        if (abort.signal.aborted) throw new JobCancelled();
        const signals = this.store.signals(jobId);
        if (!signals.owned) {
          lose();
          throw new JobLost();
        }
        if (signals.cancel) throw new JobCancelled();
        if (signals.pause) this.pausing.add(jobId);
        if (this.pausing.has(jobId)) throw new JobPaused();
      },
      isPauseRequested: () => this.pausing.has(jobId),
      assertOwned: () => {
        if (lost || !this.store.signals(jobId).owned) {
          lose();
          throw new JobLost();
        }
      },
      setRemoteId: (remoteId) => this.store.setRemoteId(jobId, remoteId),
    };
    // Whatever ends the work, the row is only written while this process still holds the job.
    const end = (to: 'done' | 'failed' | 'cancelled' | 'paused', detail: { message?: string | null; error?: string | null }) =>
      (lost ? null : this.store.finish(jobId, to, detail)) ?? this.store.get(jobId);
    try {
      const summary = await work(control);
      return end('done', { message: summary ?? null, error: null });
    } catch (error) {
      if (lost || error instanceof JobLost) return this.store.get(jobId);
      if (error instanceof JobCancelled || this.store.isCancelRequested(jobId)) return end('cancelled', { message: 'Cancelled' });
      if (error instanceof JobPaused) return end('paused', { message: 'Paused' });
      return end('failed', { error: error instanceof Error ? error.message : String(error) });
    } finally {
      clearInterval(beat);
      this.running.delete(jobId);
      this.pausing.delete(jobId);
    }
  }

  /**
   * Runs `work` as job `jobId` for a caller that waits for its value (a duplicate search, the
   * check of a large import): meanwhile the job shows running, with progress and a cancel, like
   * any job. Answers with the value; a failure rejects with the error as it was thrown (a
   * DomainError keeps its key and issues), a cancel with the keyed `jobCancelled`.
   */
  async result<T>(jobId: number, work: (control: JobControl) => Promise<T>, summary: (value: T) => string): Promise<T> {
    let outcome: { value: T } | { error: unknown } | undefined;
    const job = await this.run(jobId, async (control) => {
      try {
        const value = await work(control);
        outcome = { value };
        return summary(value);
      } catch (error) {
        outcome = { error };
        throw error;
      }
    });
    if (job.status === 'done' && outcome && 'value' in outcome) return outcome.value;
    if (job.status === 'cancelled') throw jobCancelled(jobId);
    throw outcome && 'error' in outcome ? outcome.error : new Error(job.error ?? `Job ${jobId} ended ${job.status}`);
  }

  cancel(jobId: number): JobView {
    const job = this.store.requestCancel(jobId);
    this.running.get(jobId)?.abort(new JobCancelled());
    return job;
  }

  /**
   * Asks a job to pause at its next checkpoint, wherever it runs (work in flight finishes
   * first); a queued job is paused at once.
   */
  pause(jobId: number): JobView {
    if (this.running.has(jobId)) this.pausing.add(jobId);
    return this.store.requestPause(jobId);
  }

  isPauseRequested(jobId: number): boolean {
    return this.pausing.has(jobId);
  }

  isRunning(jobId: number): boolean {
    return this.running.has(jobId);
  }
}
