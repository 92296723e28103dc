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
  remoteId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
}

export interface JobProgressEvent {
  jobId: number;
  kind: string;
  status: JobStatus;
  done: number;
  total: number;
  message: string | null;
}
