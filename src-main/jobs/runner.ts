import type { JobView } from '../contract/job';
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

export interface JobControl {
  readonly jobId: number;
  /** Aborts in-flight calls (pass it to fetch / the openai SDK) as soon as cancel is asked. */
  readonly signal: AbortSignal;
  progress(done: number, total: number, message?: string): void;
  /** Call between steps: throws JobCancelled if the job should stop, JobPaused if it should pause. */
  checkpoint(): void;
  /** True once pause() was asked: start nothing new, let work in flight finish and save, then throw JobPaused. */
  isPauseRequested(): boolean;
  setRemoteId(remoteId: string): void;
}

export type JobWork = (control: JobControl) => Promise<string | void>;

/** What a request waiting for a job answers when the person cancelled the job. */
export const jobCancelled = (id: number) => keyedError('cancelled', 'jobCancelled', { id }, `Job ${id} was cancelled.`);

/**
 * Runs jobs in this process and lets them be cancelled. The durable state lives in the
 * store, so a job survives a restart as 'paused' (see JobStore.recover); the runner only
 * holds what cannot be persisted: the abort controllers of jobs running right now.
 */
export class JobRunner {
  private readonly running = new Map<number, AbortController>();
  private readonly pausing = new Set<number>();

  constructor(private readonly store: JobStore) {}

  async run(jobId: number, work: JobWork): Promise<JobView> {
    const abort = new AbortController();
    this.running.set(jobId, abort);
    this.pausing.delete(jobId);
    this.store.transition(jobId, 'running', { error: null });
    const control: JobControl = {
      jobId,
      signal: abort.signal,
      progress: (done, total, message) => this.store.progress(jobId, done, total, message),
      checkpoint: () => {
        if (abort.signal.aborted || this.store.isCancelRequested(jobId)) throw new JobCancelled();
        if (this.pausing.has(jobId)) throw new JobPaused();
      },
      isPauseRequested: () => this.pausing.has(jobId),
      setRemoteId: (remoteId) => this.store.setRemoteId(jobId, remoteId),
    };
    try {
      const summary = await work(control);
      return this.store.transition(jobId, 'done', { message: summary ?? null });
    } catch (error) {
      if (error instanceof JobCancelled || this.store.isCancelRequested(jobId)) {
        return this.store.transition(jobId, 'cancelled', { message: 'Cancelled' });
      }
      if (error instanceof JobPaused) return this.store.transition(jobId, 'paused', { message: 'Paused' });
      return this.store.transition(jobId, 'failed', { error: error instanceof Error ? error.message : String(error) });
    } finally {
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
    this.running.get(jobId)?.abort();
    return job;
  }

  /**
   * Asks a job running in this process to pause at its next checkpoint (work in flight
   * finishes first); a queued job is paused at once. A job running in another process
   * cannot be paused from here.
   */
  pause(jobId: number): JobView {
    const job = this.store.get(jobId);
    if (this.running.has(jobId)) {
      this.pausing.add(jobId);
      this.store.progress(jobId, job.done, job.total, 'Pausing: finishing the calls in flight');
      return this.store.get(jobId);
    }
    if (job.status === 'queued') return this.store.transition(jobId, 'paused', { message: 'Paused' });
    if (job.status === 'running') {
      throw keyedError('conflict', 'jobRunningElsewhere', { id: jobId }, `Job ${jobId} is running in another process; pause it there (Ctrl-C in the terminal running it).`);
    }
    return job;
  }

  isPauseRequested(jobId: number): boolean {
    return this.pausing.has(jobId);
  }

  isRunning(jobId: number): boolean {
    return this.running.has(jobId);
  }
}
