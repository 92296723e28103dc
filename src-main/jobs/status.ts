import type { JobStatus } from '../contract/job';

/** Which moves the status machine allows. done, failed and cancelled are final. */
const allowed: Record<JobStatus, readonly JobStatus[]> = {
  queued: ['running', 'cancelled', 'paused'],
  running: ['paused', 'done', 'failed', 'cancelled'],
  paused: ['queued', 'running', 'cancelled'],
  done: [],
  failed: ['queued'], // a failed job may be retried from where it stopped
  cancelled: [],
};

export const canMove = (from: JobStatus, to: JobStatus): boolean => allowed[from].includes(to);
export const isFinal = (status: JobStatus): boolean => allowed[status].length === 0;
