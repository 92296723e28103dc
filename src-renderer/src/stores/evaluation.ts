import type { EndpointView, EndReason, EvaluationDetail, EvaluationListItem, EvaluationMeasure, EvaluationPlan, JobView, MeasureInfo, RunSummary } from '@contract';
import { create } from 'zustand';
import { currentMessages } from '../i18n';
import { call, compact } from '../lib/call';
import { exportAsking } from '../lib/export-target';
import { confirmDanger, notifyError, notifySuccess } from '../lib/feedback';
import { callWithProgress, cancelJob, type JobProgress } from '../lib/job-progress';

// The Evaluation section: the measures main can compute, a dataset A (and optionally B) to
// run one on, the evaluations kept so far, and the one open now. A stored evaluation is
// reopened from the database as it was computed: nothing is recomputed to show it.

export interface DatasetDraft {
  runIds: number[];
  endReasons?: EndReason[];
  minTurns?: number;
  maxTurns?: number;
  tags?: string[];
}

/** The job kinds behind a run request (the ones computed on the worker pool). */
const jobKind: Partial<Record<EvaluationMeasure, string>> = { overlap: 'evaluation.overlap' };

// ── State ──────────────────────────────────────────────────────────────────────
export interface EvaluationState {
  status: 'idle' | 'loading' | 'ready';
  measures: MeasureInfo[];
  runs: RunSummary[];
  tags: string[];
  past: EvaluationListItem[];
  measure: EvaluationMeasure;
  a: DatasetDraft;
  b: DatasetDraft | null;
  seed: number;
  running: boolean;
  progress: JobProgress | null;
  open: EvaluationDetail | null;
  /** Semantic, topics, WAI: the endpoint that embeds or judges, and the judge's rounds. */
  endpoints: EndpointView[];
  endpointId: number | null;
  rounds: number;
  /** The plan shown before a model measure starts (nothing is called until Start). */
  plan: EvaluationPlan | null;
  /** The model measure's job this window follows, until its evaluation opens. */
  modelJob: ModelJob | null;
}

export interface ModelJob {
  id: number;
  status: JobView['status'];
  done: number;
  total: number;
  error: string | null;
}

const modelJobOf = (j: JobView): ModelJob => ({ id: j.id, status: j.status, done: j.done, total: j.total, error: j.error });

export const useEvaluationStore = create<EvaluationState>()(() => ({
  status: 'idle',
  measures: [],
  runs: [],
  tags: [],
  past: [],
  measure: 'overlap',
  a: { runIds: [] },
  b: null,
  seed: 1,
  running: false,
  progress: null,
  open: null,
  endpoints: [],
  endpointId: null,
  rounds: 3,
  plan: null,
  modelJob: null,
}));

const set = useEvaluationStore.setState;
const get = useEvaluationStore.getState;

const spec = (d: DatasetDraft) => compact({ ...d, endReasons: d.endReasons?.length ? d.endReasons : undefined, tags: d.tags?.length ? d.tags : undefined });

// ── Actions ────────────────────────────────────────────────────────────────────
export const evaluationActions = {
  async load(): Promise<void> {
    if (get().status === 'idle') set({ status: 'loading' });
    const [measures, runs, tags, past, endpoints] = await Promise.all([
      call(() => window.api.evaluation.measures({})),
      call(() => window.api.simulation.runs({})),
      call(() => window.api.dialogues.tags({})),
      call(() => window.api.evaluation.list({})),
      call(() => window.api.endpoints.list()),
    ]);
    if (!past.ok) notifyError(currentMessages().ev.errors.load, past.error);
    set((s) => ({
      status: 'ready',
      measures: measures.ok ? measures.value : s.measures,
      runs: runs.ok ? runs.value : s.runs,
      tags: tags.ok ? tags.value.map((t) => t.tag) : s.tags,
      past: past.ok ? past.value : s.past,
      endpoints: endpoints.ok ? endpoints.value : s.endpoints,
      endpointId: s.endpointId ?? (endpoints.ok ? (endpoints.value[0]?.id ?? null) : null),
      // The newest run is the likeliest to evaluate.
      a: s.a.runIds.length === 0 && runs.ok && runs.value[0] ? { runIds: [runs.value[0].id] } : s.a,
    }));
  },

  setMeasure(measure: EvaluationMeasure): void {
    set({ measure });
  },
  setDataset(key: 'a' | 'b', patch: Partial<DatasetDraft> | null): void {
    if (key === 'b' && patch === null) return set({ b: null });
    set((s) => ({ [key]: { ...(s[key] ?? { runIds: [] }), ...patch } }));
  },
  setSeed(seed: number): void {
    set({ seed });
  },

  /** Runs the chosen measure; the result is kept by main and opened here. */
  async run(): Promise<void> {
    const { measure, a, b, seed, measures } = get();
    const seeded = measures.find((m) => m.measure === measure)?.seeded ?? false;
    set({ running: true, progress: null });
    const input = compact({ measure, a: spec(a), b: b && b.runIds.length > 0 ? spec(b) : undefined, seed: seeded ? seed : undefined });
    const request = () => window.api.evaluation.run(input);
    const kind = jobKind[measure];
    const result = kind ? await callWithProgress(kind, (progress) => set({ progress }), request) : await call(request);
    set({ running: false, progress: null });
    if (!result.ok) {
      if (result.error.code !== 'cancelled') notifyError(currentMessages().ev.errors.run, result.error);
      return;
    }
    set((s) => ({ open: result.value, past: [listItem(result.value), ...s.past.filter((p) => p.id !== result.value.id)] }));
  },

  async cancel(): Promise<void> {
    await cancelJob(get().progress);
  },

  setEndpoint(endpointId: number): void {
    set({ endpointId });
  },
  setRounds(rounds: number): void {
    set({ rounds });
  },

  /** Asks main what the model measure will call and cost; shown before anything is sent. */
  async planModel(): Promise<void> {
    const input = modelInput();
    if (!input) return;
    const result = await call(() => window.api.evaluation.plan(input));
    if (result.ok) set({ plan: result.value });
    else notifyError(currentMessages().ev.errors.run, result.error);
  },
  closePlan(): void {
    set({ plan: null });
  },

  /** Starts the planned job; it runs in main, this window follows its events. */
  async startModel(): Promise<void> {
    const input = modelInput();
    if (!input) return;
    const result = await call(() => window.api.evaluation.start(input));
    set({ plan: null });
    if (!result.ok) return notifyError(currentMessages().ev.errors.run, result.error);
    set({ modelJob: modelJobOf(result.value) });
    await evaluationActions.followModelJob();
  },

  async pauseModel(): Promise<void> {
    const job = get().modelJob;
    if (!job) return;
    const result = await call(() => window.api.evaluation.pause({ jobId: job.id }));
    if (!result.ok) notifyError(currentMessages().ev.errors.run, result.error);
    else set({ modelJob: modelJobOf(result.value) });
  },
  async resumeModel(): Promise<void> {
    const job = get().modelJob;
    if (!job) return;
    const result = await call(() => window.api.evaluation.resume({ jobId: job.id }));
    if (!result.ok) notifyError(currentMessages().ev.errors.run, result.error);
    else set({ modelJob: modelJobOf(result.value) });
  },
  async cancelModel(): Promise<void> {
    const job = get().modelJob;
    if (!job) return;
    await call(() => window.api.jobs.cancel({ id: job.id }));
    await evaluationActions.followModelJob();
  },

  /** Re-reads the followed job; when done, opens the evaluation it kept; when cancelled, lets it go. */
  async followModelJob(): Promise<void> {
    const job = get().modelJob;
    if (!job) return;
    const result = await call(() => window.api.evaluation.ofJob({ jobId: job.id }));
    if (!result.ok) return;
    const { job: view, evaluationId } = result.value;
    if (view.status === 'done' && evaluationId !== null) {
      set({ modelJob: null });
      notifySuccess(currentMessages().ev.model.done);
      const past = await call(() => window.api.evaluation.list({}));
      if (past.ok) set({ past: past.value });
      return evaluationActions.open(evaluationId);
    }
    if (view.status === 'cancelled') return set({ modelJob: null });
    // Done a moment before its evaluation is written (the job ends, then the result is kept): look again shortly.
    if (view.status === 'done') setTimeout(() => void evaluationActions.followModelJob(), 250);
    if (get().modelJob?.id === view.id) set({ modelJob: modelJobOf(view) });
  },

  /** Follows the model job's progress and state changes; returns the unsubscribe function. */
  subscribeJobs(): () => void {
    const offProgress = window.api.jobs.onProgress((e) => {
      const job = get().modelJob;
      if (job && e.jobId === job.id) set({ modelJob: { ...job, status: e.status, done: e.done, total: e.total } });
    });
    const offChanged = window.api.jobs.onChanged(() => void evaluationActions.followModelJob());
    return () => {
      offProgress();
      offChanged();
    };
  },

  async open(id: number): Promise<void> {
    const result = await call(() => window.api.evaluation.get({ id }));
    if (result.ok) set({ open: result.value });
    else notifyError(currentMessages().ev.errors.open, result.error);
  },

  close(): void {
    set({ open: null });
  },

  async remove(id: number): Promise<void> {
    const m = currentMessages().ev;
    if (!(await confirmDanger({ title: m.removeConfirm, content: '', okText: m.remove, cancelText: m.cancel }))) return;
    const result = await call(() => window.api.evaluation.remove({ id }));
    if (!result.ok) return notifyError(m.errors.remove, result.error);
    notifySuccess(m.removed);
    set((s) => ({ past: s.past.filter((p) => p.id !== id), open: s.open?.id === id ? null : s.open }));
  },

  /** The report (HTML) and, beside it, the per-session scores (CSV). */
  async exportReport(language: 'zh' | 'en'): Promise<void> {
    const open = get().open;
    if (!open) return;
    const m = currentMessages().ev;
    const choice = await call(() =>
      window.api.files.choose({ mode: 'save-file', title: m.reportTitle, defaultName: `evaluation-${open.id}-${open.measure}.html`, filters: [{ name: 'HTML', extensions: ['html'] }] }),
    );
    if (!choice.ok) return notifyError(m.errors.report, choice.error);
    const path = choice.value.path;
    if (!path) return;
    const csvPath = path.replace(/\.html?$/i, '') + '.csv';
    const result = await exportAsking((overwrite) => call(() => window.api.evaluation.report(compact({ id: open.id, path, csvPath, language, overwrite: overwrite || undefined }))), path, 'file');
    if (!result) return;
    if (result.ok) notifySuccess(m.reported(result.value.path));
    else notifyError(m.errors.report, result.error);
  },

  /** One chart as SVG (vector, for papers) or PNG, to a file the person picks. */
  async saveChart(name: string, format: 'svg' | 'png', content: () => Promise<string>): Promise<void> {
    const m = currentMessages().ev;
    const choice = await call(() => window.api.files.choose({ mode: 'save-file', title: format === 'svg' ? m.exportSvg : m.exportPng, defaultName: `${name}.${format}`, filters: [{ name: format.toUpperCase(), extensions: [format] }] }));
    if (!choice.ok) return notifyError(m.errors.chart, choice.error);
    const path = choice.value.path;
    if (!path) return;
    const data = await content();
    const result = await exportAsking((overwrite) => call(() => window.api.evaluation.saveChart(compact({ path, format, content: data, overwrite: overwrite || undefined }))), path, 'file');
    if (!result) return;
    if (result.ok) notifySuccess(m.chartSaved(result.value.path));
    else notifyError(m.errors.chart, result.error);
  },
};

/** The model measure's request from the form; null when no endpoint is picked. */
function modelInput() {
  const { measure, a, b, seed, endpointId, rounds, measures } = get();
  const info = measures.find((m) => m.measure === measure);
  if (endpointId === null || (measure !== 'semantic' && measure !== 'topics' && measure !== 'wai')) return null;
  return compact({
    measure,
    a: spec(a),
    b: b && b.runIds.length > 0 ? spec(b) : undefined,
    endpointId,
    seed: info?.seeded ? seed : undefined,
    rounds: info?.endpoint === 'judge' ? rounds : undefined,
  });
}

const listItem = (d: EvaluationDetail): EvaluationListItem => ({
  id: d.id,
  measure: d.measure,
  title: d.title,
  language: d.language,
  sizes: d.sizes,
  appVersion: d.appVersion,
  createdAt: d.createdAt,
});

// ── Selectors ──────────────────────────────────────────────────────────────────
export const selectMeasures = (s: EvaluationState) => s.measures;
export const selectPastEvaluations = (s: EvaluationState) => s.past;
export const selectOpenEvaluation = (s: EvaluationState) => s.open;
export const selectEvaluationRunning = (s: EvaluationState) => s.running;
export const selectEvaluationProgress = (s: EvaluationState) => s.progress;
export const selectModelJob = (s: EvaluationState) => s.modelJob;
export const selectPlan = (s: EvaluationState) => s.plan;
