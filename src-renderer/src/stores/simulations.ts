import type { RunDetail, RunStartInput, RunSummary, TemplateDefaults } from '@contract';
import { create } from 'zustand';
import { currentMessages } from '../i18n';
import { call } from '../lib/call';
import { notifyError, notifySuccess } from '../lib/feedback';
import { liveSessionsActions } from './liveSessions';

// Simulation runs: the list, the run being watched (its detail and dashboard) and the
// defaults the "New run" form starts from. Progress events re-read what changed, throttled,
// since a run of 32 sessions can report many times a second.

// ── State ──────────────────────────────────────────────────────────────────────
export interface SimulationsState {
  status: 'idle' | 'loading' | 'ready' | 'failed';
  runs: RunSummary[];
  selectedId: number | null;
  detail: RunDetail | null;
  defaults: Partial<Record<'zh' | 'en', TemplateDefaults>>;
  /** A pause/resume/retry/cancel request in flight, by run. */
  busy: Record<number, boolean>;
}

export const useSimulationsStore = create<SimulationsState>()(() => ({
  status: 'idle',
  runs: [],
  selectedId: null,
  detail: null,
  defaults: {},
  busy: {},
}));

const THROTTLE_MS = 400;
const STALE_CHECK_MS = 5000;
let refreshTimer: ReturnType<typeof setTimeout> | null = null;
let detailTimer: ReturnType<typeof setTimeout> | null = null;

// ── Actions ────────────────────────────────────────────────────────────────────
export const simulationsActions = {
  async refresh(): Promise<void> {
    if (useSimulationsStore.getState().status === 'idle') useSimulationsStore.setState({ status: 'loading' });
    const result = await call(() => window.api.simulation.runs({}));
    if (result.ok) useSimulationsStore.setState({ status: 'ready', runs: result.value.filter((r) => r.kind === 'simulation') });
    else {
      useSimulationsStore.setState({ status: 'failed' });
      notifyError(currentMessages().sim.errors.load, result.error);
    }
  },

  async loadDefaults(language: 'zh' | 'en'): Promise<TemplateDefaults | null> {
    const known = useSimulationsStore.getState().defaults[language];
    if (known) return known;
    const result = await call(() => window.api.simulation.defaults({ language }));
    if (!result.ok) {
      notifyError(currentMessages().sim.errors.defaults, result.error);
      return null;
    }
    useSimulationsStore.setState((s) => ({ defaults: { ...s.defaults, [language]: result.value } }));
    return result.value;
  },

  async select(id: number | null): Promise<void> {
    useSimulationsStore.setState({ selectedId: id, detail: id === null ? null : useSimulationsStore.getState().detail });
    if (id !== null) await simulationsActions.loadDetail();
  },

  async loadDetail(): Promise<void> {
    const id = useSimulationsStore.getState().selectedId;
    if (id === null) return;
    const result = await call(() => window.api.simulation.run({ id }));
    if (useSimulationsStore.getState().selectedId !== id) return;
    if (result.ok) useSimulationsStore.setState({ detail: result.value });
  },

  async start(input: RunStartInput) {
    const result = await call(() => window.api.simulation.start(input));
    if (result.ok) {
      notifySuccess(currentMessages().sim.started(result.value.title));
      await simulationsActions.refresh();
      await simulationsActions.select(result.value.id);
    }
    return result;
  },

  async control(id: number, verb: 'pause' | 'resume' | 'retry' | 'cancel'): Promise<void> {
    useSimulationsStore.setState((s) => ({ busy: { ...s.busy, [id]: true } }));
    const result = await call(() => window.api.simulation[verb]({ id }));
    useSimulationsStore.setState((s) => ({ busy: { ...s.busy, [id]: false } }));
    if (!result.ok) notifyError(currentMessages().sim.errors[verb], result.error);
    await simulationsActions.refresh();
    await simulationsActions.loadDetail();
  },

  async remove(id: number): Promise<void> {
    const result = await call(() => window.api.simulation.remove({ id }));
    if (!result.ok) notifyError(currentMessages().sim.errors.remove, result.error);
    if (useSimulationsStore.getState().selectedId === id) useSimulationsStore.setState({ selectedId: null, detail: null });
    await simulationsActions.refresh();
  },

  /** Re-reads the list and the watched run soon, at most every THROTTLE_MS. */
  scheduleRefresh(): void {
    refreshTimer ??= setTimeout(() => {
      refreshTimer = null;
      void simulationsActions.refresh();
    }, THROTTLE_MS);
    detailTimer ??= setTimeout(() => {
      detailTimer = null;
      void simulationsActions.loadDetail();
    }, THROTTLE_MS);
  },

  /** Runs changed elsewhere (the CLI, a run in main): re-read, once the list was ever shown. */
  changedElsewhere(): void {
    if (useSimulationsStore.getState().status !== 'idle') simulationsActions.scheduleRefresh();
  },

  /** Progress and session events from main; returns the unsubscribe function. */
  subscribe(): () => void {
    const offs = [
      window.api.jobs.onProgress((e) => {
        const run = useSimulationsStore.getState().runs.find((r) => r.jobId === e.jobId);
        if (run && (e.status === 'paused' || e.status === 'failed' || e.status === 'cancelled')) liveSessionsActions.dropPartials(run.id);
        if (e.kind === 'simulation' || run) simulationsActions.scheduleRefresh();
      }),
      window.api.jobs.onChanged(() => simulationsActions.scheduleRefresh()),
      window.api.simulation.onSession(() => simulationsActions.scheduleRefresh()),
    ];
    // The dashboard's clock (elapsed, ETA, calls per minute) moves even when nothing ends.
    const tick = setInterval(() => {
      const d = useSimulationsStore.getState().detail;
      if (d && (d.status === 'running' || d.status === 'queued')) void simulationsActions.loadDetail();
    }, 2000);
    // Runs started, paused or ended by another process (the CLI on the same database) arrive
    // as change events (stores/changes.ts). A process that dies writes nothing, though: only a
    // read notices its stale lease and marks its run paused. So while the list shows a live
    // run, it is read again now and then; with none live there is nothing to notice.
    const elsewhere = setInterval(() => {
      if (useSimulationsStore.getState().runs.some((r) => isLiveStatus(r.status))) simulationsActions.scheduleRefresh();
    }, STALE_CHECK_MS);
    return () => {
      for (const off of offs) off();
      clearInterval(tick);
      clearInterval(elsewhere);
    };
  },
};

// ── Selectors ──────────────────────────────────────────────────────────────────
export const selectRuns = (s: SimulationsState) => s.runs;
export const selectRunsStatus = (s: SimulationsState) => s.status;
export const selectSelectedRunId = (s: SimulationsState) => s.selectedId;
export const selectRunDetail = (s: SimulationsState) => s.detail;
export const selectBusy = (s: SimulationsState) => s.busy;
export const isLiveStatus = (status: RunSummary['status']) => status === 'running' || status === 'queued';
