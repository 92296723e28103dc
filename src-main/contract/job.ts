// Long work (simulation runs, evaluations, fine-tuning) is a durable job.
// Status machine: queued → running → (paused ⇄ running) → done | failed | cancelled.

export const jobStatuses = ['queued', 'running', 'paused', 'done', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof jobStatuses)[number];

export interface JobView {
  id: number;
  kind: string;
  title: string;
  status: JobStatus;
  done: number;
  total: number;
  message: string | null;
  error: string | null;
  cancelRequested: boolean;
  /** A pause was asked (from any process); the owner pauses at its next checkpoint. */
  pauseRequested: boolean;
  /** Who holds a running job's lease; null when no process runs it. The pid is for display only. */
  owner: JobOwner | null;
  remoteId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
}

export interface JobOwner {
  pid: number | null;
  host: string | null;
  /** When the owner last renewed its lease (ISO time); null for a lease older than leases. */
  heartbeatAt: string | null;
}

export interface JobProgressEvent {
  jobId: number;
  kind: string;
  status: JobStatus;
  done: number;
  total: number;
  message: string | null;
}
