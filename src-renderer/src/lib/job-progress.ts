import type { Result } from '@contract';
import { call } from './call';

/** How far the job behind a waiting request is, and its id to cancel it by. */
export interface JobProgress {
  jobId: number;
  done: number;
  total: number;
}

/**
 * Runs a request whose large inputs main works out as a job (the duplicate search, an import's
 * check), passing on that job's progress while it runs, then null. Main runs one job of a kind
 * at a time for this window's requests, so the kind names it.
 */
export async function callWithProgress<T>(kind: string, onProgress: (progress: JobProgress | null) => void, request: () => Promise<Result<T>>): Promise<Result<T>> {
  const off = window.api.jobs.onProgress((e) => {
    if (e.kind === kind && e.status === 'running') onProgress({ jobId: e.jobId, done: e.done, total: e.total });
  });
  try {
    return await call(request);
  } finally {
    off();
    onProgress(null);
  }
}

/** Asks main to stop a job; its waiting request then answers with the code 'cancelled'. */
export const cancelJob = (progress: JobProgress | null): Promise<unknown> =>
  progress ? call(() => window.api.jobs.cancel({ id: progress.jobId })) : Promise.resolve();

export const percent = (p: JobProgress): number => (p.total > 0 ? Math.min(100, Math.floor((100 * p.done) / p.total)) : 0);
