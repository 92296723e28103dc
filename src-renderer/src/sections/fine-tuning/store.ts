import type {
  FineTuneJobView,
  FineTuneOptions,
  FineTunePreview,
  FineTuneUploadEvent,
  RunSummary,
  SshProfileCreateInput,
  SshProfileView,
  SshTestReport,
  TrainerPointView,
} from '@contract';
import { create } from 'zustand';
import { currentMessages } from '../../i18n';
import { call, compact } from '../../lib/call';
import { notifyError, notifySuccess } from '../../lib/feedback';

// The Fine-tuning section: GPU servers (tested, with the host-key prompt), a job drafted
// from runs (previewed by main exactly as it will be sent), and the training jobs with the
// open one's logged steps and output. Secrets never come here: profiles are views.

/** The hyper-parameters the form shows; the rest keep the paper's defaults (main writes them). */
export const formKeys = ['learning_rate', 'num_train_epochs', 'per_device_train_batch_size', 'gradient_accumulation_steps', 'lr_scheduler_type', 'cutoff_len', 'val_size'] as const;
export type FormKey = (typeof formKeys)[number];
export const OTHER_MODEL = '__other';

export interface JobDraft {
  profileId: number | null;
  runIds: number[];
  /** A preset's name, or OTHER_MODEL with `modelPath` and `template`. */
  base: string;
  modelPath: string;
  template: string;
  gpus: number;
  mode: 'prefix' | 'session';
  hyper: Partial<Record<FormKey, string | number>>;
}

export type HostKeyPrompt = { profileId: number; fingerprint: string; previous: string | null };

export interface FineTuningState {
  status: 'idle' | 'loading' | 'ready';
  profiles: SshProfileView[];
  runs: RunSummary[];
  options: FineTuneOptions | null;
  jobs: FineTuneJobView[];
  testing: number | null;
  reports: Record<number, SshTestReport>;
  hostKey: HostKeyPrompt | null;
  draft: JobDraft;
  preview: FineTunePreview | null;
  previewing: boolean;
  submitting: boolean;
  upload: { sent: number; total: number; file: string } | null;
  openJobId: number | null;
  points: TrainerPointView[];
  log: string;
  /** The job whose model is being served (loading can take minutes) and since when, for the elapsed time. */
  serving: { jobId: number; since: number } | null;
  unserving: number | null;
}

export const useFineTuningStore = create<FineTuningState>()(() => ({
  status: 'idle',
  profiles: [],
  runs: [],
  options: null,
  jobs: [],
  testing: null,
  reports: {},
  hostKey: null,
  draft: { profileId: null, runIds: [], base: 'qwen2-7b-instruct', modelPath: '', template: '', gpus: 4, mode: 'prefix', hyper: {} },
  preview: null,
  previewing: false,
  submitting: false,
  upload: null,
  openJobId: null,
  points: [],
  log: '',
  serving: null,
  unserving: null,
}));

const set = useFineTuningStore.setState;
const get = useFineTuningStore.getState;
const t = () => currentMessages().ft;

/** The form's values that differ from the defaults, as `key=value` settings. */
function settingsOf(draft: JobDraft, options: FineTuneOptions | null): string[] {
  const defaults: Record<string, unknown> = { ...options?.defaults, cutoff_len: options?.cutoffLen };
  return Object.entries(draft.hyper)
    .filter(([key, value]) => value !== undefined && value !== '' && String(value) !== String(defaults[key]))
    .map(([key, value]) => `${key}=${value}`);
}

function jobInput(draft: JobDraft, options: FineTuneOptions | null) {
  const other = draft.base === OTHER_MODEL;
  return compact({
    runIds: draft.runIds,
    base: other ? draft.modelPath : draft.base,
    template: other && draft.template ? draft.template : undefined,
    gpus: draft.gpus,
    mode: draft.mode,
    settings: settingsOf(draft, options),
  });
}

async function readJobs(): Promise<void> {
  const jobs = await call(() => window.api.finetune.jobs({}));
  if (jobs.ok) set({ jobs: jobs.value });
}

async function readOpenJob(): Promise<void> {
  const id = get().openJobId;
  if (id === null) return;
  const points = await call(() => window.api.finetune.points({ id }));
  if (points.ok && get().openJobId === id) set({ points: points.value });
}

let submission = 0;

export const fineTuningActions = {
  async load(): Promise<void> {
    if (get().status === 'idle') set({ status: 'loading' });
    const [profiles, runs, options, jobs] = await Promise.all([
      call(() => window.api.ssh.list({})),
      call(() => window.api.simulation.runs({})),
      call(() => window.api.finetune.options({})),
      call(() => window.api.finetune.jobs({})),
    ]);
    if (!options.ok) notifyError(t().errors.load, options.error);
    set((s) => ({
      status: 'ready',
      profiles: profiles.ok ? profiles.value : s.profiles,
      runs: runs.ok ? runs.value.filter((r) => r.completed > 0) : s.runs,
      options: options.ok ? options.value : s.options,
      jobs: jobs.ok ? jobs.value : s.jobs,
      draft: {
        ...s.draft,
        profileId: s.draft.profileId ?? (profiles.ok ? (profiles.value[0]?.id ?? null) : null),
        gpus: s.options ? s.draft.gpus : options.ok ? options.value.gpus : s.draft.gpus,
      },
    }));
  },

  async addProfile(input: SshProfileCreateInput): Promise<boolean> {
    const result = await call(() => window.api.ssh.add(input));
    if (!result.ok) {
      notifyError(t().errors.add, result.error);
      return false;
    }
    set((s) => ({ profiles: [...s.profiles, result.value], draft: { ...s.draft, profileId: s.draft.profileId ?? result.value.id } }));
    return true;
  },

  async removeProfile(id: number): Promise<void> {
    const result = await call(() => window.api.ssh.remove({ id }));
    if (!result.ok) return notifyError(t().errors.remove, result.error);
    set((s) => ({ profiles: s.profiles.filter((p) => p.id !== id), draft: { ...s.draft, profileId: s.draft.profileId === id ? null : s.draft.profileId } }));
  },

  /** Tests a server; an unknown or changed host key opens the prompt instead of a report. */
  async test(id: number, acceptHostKey?: string): Promise<void> {
    set({ testing: id, hostKey: null });
    const result = await call(() => window.api.ssh.test(compact({ id, acceptHostKey })));
    set({ testing: null });
    if (!result.ok) return notifyError(t().errors.test, result.error);
    const outcome = result.value;
    if (outcome.kind === 'hostKey') {
      set({ hostKey: { profileId: id, fingerprint: outcome.fingerprint, previous: outcome.previous } });
      return;
    }
    set((s) => ({ reports: { ...s.reports, [id]: outcome.report } }));
    const profiles = await call(() => window.api.ssh.list({}));
    if (profiles.ok) set({ profiles: profiles.value });
  },

  dismissHostKey(): void {
    set({ hostKey: null });
  },

  setDraft(change: Partial<JobDraft>): void {
    set((s) => ({ draft: { ...s.draft, ...change }, preview: null }));
  },

  setHyper(key: FormKey, value: string | number | null): void {
    set((s) => ({ draft: { ...s.draft, hyper: { ...s.draft.hyper, [key]: value ?? undefined } }, preview: null }));
  },

  async previewJob(): Promise<FineTunePreview | null> {
    const { draft, options } = get();
    set({ previewing: true });
    const result = await call(() => window.api.finetune.preview(jobInput(draft, options)));
    set({ previewing: false });
    if (!result.ok) {
      notifyError(t().errors.preview, result.error);
      return null;
    }
    set({ preview: result.value });
    return result.value;
  },

  async submit(): Promise<void> {
    const { draft, options } = get();
    if (draft.profileId === null) return;
    const id = `submit-${Date.now()}-${++submission}`;
    set({ submitting: true, upload: null });
    const off = window.api.finetune.onUpload((e: FineTuneUploadEvent) => {
      if (e.submission === id) set({ upload: { sent: e.sent, total: e.total, file: e.file } });
    });
    const result = await call(() => window.api.finetune.submit({ profileId: draft.profileId!, job: jobInput(draft, options), submission: id }));
    off();
    set({ submitting: false });
    if (!result.ok) return notifyError(t().errors.submit, result.error);
    notifySuccess(t().form.submitted(result.value.jobId));
    await readJobs();
    await fineTuningActions.openJob(result.value.jobId);
  },

  async openJob(id: number | null): Promise<void> {
    set({ openJobId: id, points: [], log: '' });
    if (id === null) return;
    await readOpenJob();
    await fineTuningActions.readLog();
  },

  async readLog(): Promise<void> {
    const id = get().openJobId;
    if (id === null) return;
    const log = await call(() => window.api.finetune.log({ id }));
    if (get().openJobId !== id) return;
    if (log.ok) set({ log: log.value.text });
    else set({ log: log.error.message });
  },

  async cancel(id: number): Promise<void> {
    const result = await call(() => window.api.finetune.cancel({ id }));
    if (!result.ok) notifyError(t().errors.cancel, result.error);
    await readJobs();
  },

  async watch(id: number): Promise<void> {
    await call(() => window.api.finetune.watch({ id }));
    await readJobs();
  },

  async fetch(id: number): Promise<void> {
    const result = await call(() => window.api.finetune.fetch({ id }));
    if (!result.ok) return notifyError(t().errors.fetch, result.error);
    if (result.value.dir === null) return;
    if (result.value.fetched.length === 0) notifySuccess(t().job.nothingFetched);
    else notifySuccess(t().job.fetched(result.value.fetched.join(', '), result.value.dir));
  },

  /** Serves a finished job's model as a counselor; the job's view then carries it (`served`). */
  async serve(jobId: number, name: string | undefined, port: number | undefined): Promise<void> {
    set({ serving: { jobId, since: Date.now() } });
    const result = await call(() => window.api.finetune.serve(compact({ jobId, name, port })));
    set({ serving: null });
    if (!result.ok) notifyError(t().errors.serve, result.error);
    else notifySuccess(t().serve.ready(result.value.counselorName ?? result.value.endpointName));
    await readJobs();
  },

  async unserve(jobId: number): Promise<void> {
    set({ unserving: jobId });
    const result = await call(() => window.api.finetune.unserve({ jobId }));
    set({ unserving: null });
    if (!result.ok) notifyError(t().errors.unserve, result.error);
    await readJobs();
  },

  /** Job events re-read the list and the open job's steps; its output once it ended. */
  subscribe(): () => void {
    let ended = new Set<number>();
    const refresh = async () => {
      await readJobs();
      await readOpenJob();
      const open = get().jobs.find((j) => j.job.id === get().openJobId);
      if (open && ['done', 'failed', 'cancelled'].includes(open.job.status) && !ended.has(open.job.id)) {
        ended = new Set([...ended, open.job.id]);
        await fineTuningActions.readLog();
      }
    };
    const offProgress = window.api.jobs.onProgress((e) => {
      if (e.kind === 'finetune') void refresh();
    });
    const offChanged = window.api.jobs.onChanged(() => void refresh());
    // New runs (a simulation ended, the CLI imported dialogues) can be trained on.
    const offRuns = window.api.runs.onChanged((e) => {
      if (!e.onlyProgress) void fineTuningActions.load();
    });
    return () => {
      offProgress();
      offChanged();
      offRuns();
    };
  },
};

export const selectOpenJob = (s: FineTuningState) => s.jobs.find((j) => j.job.id === s.openJobId) ?? null;
