import type { JobProgressEvent, JobView } from '@contract';
import { create } from 'zustand';
import { currentMessages } from '../i18n';
import { call } from '../lib/call';
import { notifyError } from '../lib/feedback';

// Background jobs (simulations, evaluations, fine-tuning). Main pushes progress events;
// the list is re-read when a job is added or changes state.

// ── State ──────────────────────────────────────────────────────────────────────
export interface JobsState {
  status: 'idle' | 'loading' | 'ready' | 'failed';
  items: JobView[];
}

export const useJobsStore = create<JobsState>()(() => ({ status: 'idle', items: [] }));

const RECENT_LIMIT = 50;

async function readJobs(): Promise<void> {
  const result = await call(() => window.api.jobs.list({ limit: RECENT_LIMIT }));
  if (result.ok) {
    useJobsStore.setState({ status: 'ready', items: result.value });
  } else {
    useJobsStore.setState({ status: 'failed' });
    notifyError(currentMessages().errors.loadJobs, result.error);
  }
}

// One read at a time: progress of a job not listed yet arrives every 50 ms, and each would
// ask again while the first answer is on its way. Asks meanwhile make one more read after it.
let reading: Promise<void> | null = null;
let readAgain = false;

// ── Actions ────────────────────────────────────────────────────────────────────
export const jobsActions = {
  refresh(): Promise<void> {
    if (reading) {
      readAgain = true;
      return reading;
    }
    reading = (async () => {
      do {
        readAgain = false;
        await readJobs();
      } while (readAgain);
    })().finally(() => {
      reading = null;
    });
    return reading;
  },

  async cancel(id: number): Promise<void> {
    const result = await call(() => window.api.jobs.cancel({ id }));
    if (!result.ok) notifyError(currentMessages().errors.cancelJob, result.error);
    await jobsActions.refresh();
  },

  /** Progress updates a job in place (they arrive often); other changes re-read the list. */
  applyProgress(event: JobProgressEvent): void {
    const known = useJobsStore.getState().items.some((j) => j.id === event.jobId);
    if (!known) {
      void jobsActions.refresh();
      return;
    }
    useJobsStore.setState((s) => ({
      items: s.items.map((j) =>
        j.id === event.jobId ? { ...j, status: event.status, done: event.done, total: event.total, message: event.message } : j,
      ),
    }));
  },

  /** Listens to main's job events; returns the unsubscribe function. */
  subscribe(): () => void {
    const offProgress = window.api.jobs.onProgress((event) => jobsActions.applyProgress(event));
    const offChanged = window.api.jobs.onChanged(() => void jobsActions.refresh());
    return () => {
      offProgress();
      offChanged();
    };
  },
};

// ── Selectors ──────────────────────────────────────────────────────────────────
const active = new Set<JobView['status']>(['queued', 'running', 'paused']);

export const selectJobs = (s: JobsState) => s.items;
export const selectActiveJobCount = (s: JobsState) => s.items.filter((j) => active.has(j.status)).length;
export const isActiveJob = (job: JobView) => active.has(job.status);
