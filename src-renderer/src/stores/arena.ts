import type { ArenaDetail, ArenaPlan, ArenaRatings, ArenaStartRequest, ArenaSummary, BattleDetail, BattlePage, CounselorAddInput, CounselorPreset, CounselorView, RatingSource } from '@contract';
import { create } from 'zustand';
import { currentMessages } from '../i18n';
import { call, compact } from '../lib/call';
import { notifyError, notifySuccess } from '../lib/feedback';

// The Arena section: counselors, arena runs, the run being watched (its detail, its battles
// newest first, its ratings for one source). Changes made anywhere (a run here, the CLI on the
// same database) arrive as 'arena:changed' and 'jobs:changed' and re-read what is shown,
// throttled: an arena can judge several battles a second.

export const BATTLES_PER_PAGE = 20;
/** Bootstrap rounds and seed of the window's ratings: the CLI's defaults, so both agree. */
export const RATINGS_BOOTSTRAP = 1000;
export const RATINGS_SEED = 42;
const THROTTLE_MS = 400;
/** Ratings are recomputed at most this often while battles arrive. */
const RATINGS_EVERY_MS = 2000;

export interface ArenaState {
  status: 'idle' | 'loading' | 'ready' | 'failed';
  counselors: CounselorView[];
  presets: CounselorPreset[];
  runs: ArenaSummary[];
  selectedId: number | null;
  detail: ArenaDetail | null;
  battles: BattlePage | null;
  battleOpen: BattleDetail | null;
  source: RatingSource;
  ratings: ArenaRatings | null;
  ratingsLoading: boolean;
  busy: boolean;
}

export const useArenaStore = create<ArenaState>()(() => ({
  status: 'idle',
  counselors: [],
  presets: [],
  runs: [],
  selectedId: null,
  detail: null,
  battles: null,
  battleOpen: null,
  source: 'all',
  ratings: null,
  ratingsLoading: false,
  busy: false,
}));

const set = useArenaStore.setState;
const get = useArenaStore.getState;
const live = (status: string | undefined) => status === 'running' || status === 'queued';

let refreshTimer: ReturnType<typeof setTimeout> | null = null;
let ratingsTimer: ReturnType<typeof setTimeout> | null = null;
let ratingsAt = 0;

export const arenaActions = {
  async refresh(): Promise<void> {
    if (get().status === 'idle') set({ status: 'loading' });
    const [counselors, runs] = await Promise.all([call(() => window.api.counselors.list({})), call(() => window.api.arena.list({}))]);
    if (!counselors.ok || !runs.ok) {
      set({ status: 'failed' });
      return notifyError(currentMessages().arena.errors.load, (!counselors.ok ? counselors : (runs as Extract<typeof runs, { ok: false }>)).error);
    }
    set({ status: 'ready', counselors: counselors.value.counselors, presets: counselors.value.presets, runs: runs.value });
    const selected = get().selectedId;
    if (selected === null && runs.value.length > 0) await arenaActions.select((runs.value.find((r) => live(r.status)) ?? runs.value[0]!).id);
    else if (selected !== null) await arenaActions.loadRun();
  },

  async select(id: number): Promise<void> {
    set({ selectedId: id, detail: null, battles: null, ratings: null, battleOpen: null });
    await arenaActions.loadRun();
    await arenaActions.loadRatings();
  },

  /** The watched run's detail and the page of battles shown. */
  async loadRun(): Promise<void> {
    const id = get().selectedId;
    if (id === null) return;
    const offset = get().battles?.offset ?? 0;
    const [detail, battles] = await Promise.all([call(() => window.api.arena.show({ id })), call(() => window.api.arena.battles({ id, offset, limit: BATTLES_PER_PAGE }))]);
    if (get().selectedId !== id) return;
    if (detail.ok) set({ detail: detail.value });
    if (battles.ok) set({ battles: battles.value });
  },

  async pageBattles(offset: number): Promise<void> {
    const id = get().selectedId;
    if (id === null) return;
    const battles = await call(() => window.api.arena.battles({ id, offset, limit: BATTLES_PER_PAGE }));
    if (battles.ok && get().selectedId === id) set({ battles: battles.value });
  },

  async openBattle(id: number | null): Promise<void> {
    if (id === null) return set({ battleOpen: null });
    const result = await call(() => window.api.arena.battle({ id }));
    if (result.ok) set({ battleOpen: result.value });
    else notifyError(currentMessages().arena.errors.load, result.error);
  },

  async setSource(source: RatingSource): Promise<void> {
    set({ source });
    await arenaActions.loadRatings();
  },

  /** Elo and Bradley–Terry of the watched run's battles from the chosen source, computed in main's worker. */
  async loadRatings(): Promise<void> {
    const { selectedId: arenaId, source } = get();
    if (arenaId === null) return;
    ratingsAt = Date.now();
    set({ ratingsLoading: true });
    const result = await call(() => window.api.ratings.compute({ arenaId, source, bootstrap: RATINGS_BOOTSTRAP, seed: RATINGS_SEED }));
    if (get().selectedId !== arenaId || get().source !== source) return;
    set({ ratingsLoading: false });
    if (result.ok) set({ ratings: result.value });
    else notifyError(currentMessages().arena.errors.ratings, result.error);
  },

  async addCounselor(input: CounselorAddInput): Promise<boolean> {
    const result = await call(() => window.api.counselors.add(compact(input)));
    if (!result.ok) {
      notifyError(currentMessages().arena.errors.counselor, result.error);
      return false;
    }
    notifySuccess(currentMessages().arena.counselors.added(result.value.name));
    await arenaActions.refresh();
    return true;
  },

  async removeCounselor(name: string): Promise<void> {
    const result = await call(() => window.api.counselors.remove({ name }));
    if (!result.ok) notifyError(currentMessages().arena.errors.remove, result.error);
    await arenaActions.refresh();
  },

  async plan(input: ArenaStartRequest): Promise<ArenaPlan | null> {
    const result = await call(() => window.api.arena.plan(input));
    if (result.ok) return result.value;
    notifyError(currentMessages().arena.errors.plan, result.error);
    return null;
  },

  async start(input: ArenaStartRequest): Promise<boolean> {
    const result = await call(() => window.api.arena.start(input));
    if (!result.ok) {
      notifyError(currentMessages().arena.errors.start, result.error);
      return false;
    }
    notifySuccess(currentMessages().arena.runs.started(result.value.title));
    await arenaActions.refresh();
    await arenaActions.select(result.value.id);
    return true;
  },

  async control(verb: 'pause' | 'resume' | 'cancel', id: number): Promise<void> {
    set({ busy: true });
    const result = await call(() => window.api.arena[verb]({ id }));
    set({ busy: false });
    if (!result.ok) notifyError(currentMessages().arena.errors.control, result.error);
    await arenaActions.refresh();
  },

  /** Something changed somewhere: re-read the lists and the watched run, and, not too often, its ratings. */
  changed(): void {
    refreshTimer ??= setTimeout(() => {
      refreshTimer = null;
      void arenaActions.refresh();
      if (ratingsTimer === null) {
        ratingsTimer = setTimeout(
          () => {
            ratingsTimer = null;
            void arenaActions.loadRatings();
          },
          Math.max(0, RATINGS_EVERY_MS - (Date.now() - ratingsAt)),
        );
      }
    }, THROTTLE_MS);
  },

  subscribe(): () => void {
    const offs = [window.api.arena.onChanged(() => arenaActions.changed()), window.api.jobs.onChanged(() => arenaActions.changed())];
    return () => {
      for (const off of offs) off();
      if (refreshTimer) clearTimeout(refreshTimer);
      if (ratingsTimer) clearTimeout(ratingsTimer);
      refreshTimer = ratingsTimer = null;
    };
  },
};

// ── Selectors ──────────────────────────────────────────────────────────────────
export const selectCounselors = (s: ArenaState) => s.counselors;
export const selectPresets = (s: ArenaState) => s.presets;
export const selectArenaRuns = (s: ArenaState) => s.runs;
export const selectArenaStatus = (s: ArenaState) => s.status;
export const selectArenaDetail = (s: ArenaState) => s.detail;
export const selectBattlePage = (s: ArenaState) => s.battles;
export const selectOpenBattle = (s: ArenaState) => s.battleOpen;
export const selectRatingSource = (s: ArenaState) => s.source;
export const selectRatings = (s: ArenaState) => s.ratings;
export const selectRatingsLoading = (s: ArenaState) => s.ratingsLoading;
export const selectArenaBusy = (s: ArenaState) => s.busy;
export const isLiveArena = live;
