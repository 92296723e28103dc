import type { JobView } from '../contract/job';
import type { JobStore } from './store';

/** Thrown by `checkpoint()` when the job was asked to stop; the runner records it as cancelled. */
export class JobCancelled extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'JobCancelled';
  }
}

export interface JobControl {
  readonly jobId: number;
  /** Aborts in-flight calls (pass it to fetch / the openai SDK) as soon as cancel is asked. */
  readonly signal: AbortSignal;
  progress(done: number, total: number, message?: string): void;
  /** Call between steps: throws JobCancelled if the job should stop. */
  checkpoint(): void;
  setRemoteId(remoteId: string): void;
}

export type JobWork = (control: JobControl) => Promise<string | void>;

/**
 * Runs jobs in this process and lets them be cancelled. The durable state lives in the
 * store, so a job survives a restart as 'paused' (see JobStore.recover); the runner only
 * holds what cannot be persisted: the abort controllers of jobs running right now.
 */
export class JobRunner {
  private readonly running = new Map<number, AbortController>();

  constructor(private readonly store: JobStore) {}

  async run(jobId: number, work: JobWork): Promise<JobView> {
    const abort = new AbortController();
    this.running.set(jobId, abort);
    this.store.transition(jobId, 'running', { error: null });
    const control: JobControl = {
      jobId,
      signal: abort.signal,
      progress: (done, total, message) => this.store.progress(jobId, done, total, message),
      checkpoint: () => {
        if (abort.signal.aborted || this.store.isCancelRequested(jobId)) throw new JobCancelled();
      },
      setRemoteId: (remoteId) => this.store.setRemoteId(jobId, remoteId),
    };
    try {
      const summary = await work(control);
      return this.store.transition(jobId, 'done', { message: summary ?? null });
    } catch (error) {
      if (error instanceof JobCancelled || this.store.isCancelRequested(jobId)) {
        return this.store.transition(jobId, 'cancelled', { message: 'Cancelled' });
      }
      return this.store.transition(jobId, 'failed', { error: error instanceof Error ? error.message : String(error) });
    } finally {
      this.running.delete(jobId);
    }
  }

  cancel(jobId: number): JobView {
    const job = this.store.requestCancel(jobId);
    this.running.get(jobId)?.abort();
    return job;
  }

  isRunning(jobId: number): boolean {
    return this.running.has(jobId);
  }
}
