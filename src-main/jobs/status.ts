import type { JobStatus } from '../contract/job';

/** Which moves the status machine allows. Only `cancelled` is final. */
const allowed: Record<JobStatus, readonly JobStatus[]> = {
  queued: ['running', 'cancelled', 'paused'],
  running: ['paused', 'done', 'failed', 'cancelled'],
  paused: ['queued', 'running', 'cancelled'],
  done: ['running'], // a done run's sessions that ended in error may be retried
  failed: ['queued', 'running', 'cancelled'], // resumed from where it stopped, or given up
  cancelled: [],
};

export const canMove = (from: JobStatus, to: JobStatus): boolean => allowed[from].includes(to);

/** The job stopped and will not start again by itself: it has a finish time. */
export const hasEnded = (status: JobStatus): boolean => status === 'done' || status === 'failed' || status === 'cancelled';
