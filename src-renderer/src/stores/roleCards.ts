import type {
  ApiError,
  CardBulkAction,
  CardExportInput,
  CardFilter,
  CardFormat,
  CardImportInput,
  CardLanguage,
  CardSortKey,
  DuplicateGroup,
  ExportResult,
  GenderKey,
  ImportReport,
  Level,
  Result,
  RoleCardSummary,
  RoleCardView,
  Split,
  SplitResult,
  Trait,
} from '@contract';
import { cardJobKinds } from '@contract';
import { create } from 'zustand';
import { currentMessages } from '../i18n';
import { call, compact } from '../lib/call';
import { apiErrorText } from '../lib/error-text';
import { duplicateFlags, type DuplicateFlag } from '../lib/duplicate-flags';
import { exportAsking } from '../lib/export-target';
import { callWithProgress, cancelJob, type JobProgress } from '../lib/job-progress';
import { notifyError, notifySuccess } from '../lib/feedback';

// The pool of role cards: the filter and sort the counselor chose, the pages of the list
// loaded so far (the list is virtual: pages of PAGE_SIZE are read as they scroll into view),
// the selection, duplicate flags, tags, and the pool-wide actions (bulk, import, export, split).

export const PAGE_SIZE = 100;

// ── State ──────────────────────────────────────────────────────────────────────
export interface PoolFilter {
  query: string;
  split?: Split;
  language?: CardLanguage;
  gender?: GenderKey;
  ageMin?: number;
  ageMax?: number;
  tags: string[];
  traits: Partial<Record<Trait, Level[]>>;
  resistance: Level[];
  sameComplaint: boolean;
}

export const emptyFilter: PoolFilter = { query: '', tags: [], traits: {}, resistance: [], sameComplaint: false };

export interface SortChoice {
  sort: CardSortKey;
  order: 'asc' | 'desc';
}

interface LoadedPage {
  items: RoleCardSummary[];
  /** The dataVersion it was read at; older pages are shown until fresh ones arrive. */
  version: number;
}

export interface PoolCounts {
  all: number;
  pool: number;
  test: number;
}

export type Selection = { mode: 'ids'; ids: ReadonlySet<number> } | { mode: 'filter' };

export interface RoleCardsState {
  status: 'idle' | 'loading' | 'ready' | 'failed';
  filter: PoolFilter;
  sort: SortChoice;
  /** Cards matching the filter; null until the first page arrives. */
  total: number | null;
  /** Counts over the whole pool, whatever the filter. */
  counts: PoolCounts | null;
  pages: Record<number, LoadedPage>;
  /** Bumped by every change to the cards: loaded pages become stale and are read again. */
  dataVersion: number;
  /** Bumped when the filter or sort changes: older answers are dropped. */
  queryVersion: number;
  selection: Selection;
  /** The row the keyboard is on (index in the filtered list). */
  activeIndex: number;
  /** Where the list was scrolled to, so coming back from the editor lands in the same place. */
  scrollTop: number;
  tags: { tag: string; count: number }[];
  /**
   * Duplicate flags over the whole pool. Working them out takes main a second or more at
   * 10,000 cards, so an edited complaint only marks them stale; they are read again when
   * the list comes back into view.
   */
  duplicates: {
    status: 'idle' | 'loading' | 'ready';
    stale: boolean;
    groups: DuplicateGroup[];
    flags: Map<number, DuplicateFlag>;
    /** A large pool is searched as a job: how far it is, while it runs. */
    progress: JobProgress | null;
  };
  /** The job reading and checking a large import, while it runs. */
  importProgress: JobProgress | null;
}

const noSelection: Selection = { mode: 'ids', ids: new Set() };

export const useRoleCardsStore = create<RoleCardsState>()(() => ({
  status: 'idle',
  filter: emptyFilter,
  sort: { sort: 'id', order: 'desc' },
  total: null,
  counts: null,
  pages: {},
  dataVersion: 0,
  queryVersion: 0,
  selection: noSelection,
  activeIndex: 0,
  scrollTop: 0,
  tags: [],
  duplicates: { status: 'idle', stale: false, groups: [], flags: new Map(), progress: null },
  importProgress: null,
}));

const get = () => useRoleCardsStore.getState();
const set = useRoleCardsStore.setState;

/** The filter as the contract wants it: only what is set. */
export function toCardFilter(f: PoolFilter): CardFilter {
  const traits = Object.fromEntries(Object.entries(f.traits).filter(([, v]) => v && v.length > 0));
  return compact({
    query: f.query.trim() || undefined,
    split: f.split,
    language: f.language,
    gender: f.gender,
    ageMin: f.ageMin,
    ageMax: f.ageMax,
    tags: f.tags.length ? f.tags : undefined,
    traits: Object.keys(traits).length ? traits : undefined,
    resistance: f.resistance.length ? f.resistance : undefined,
    sameComplaint: f.sameComplaint || undefined,
  }) as CardFilter;
}

/** How many filter conditions are on, besides the text search and the split tabs. */
export function activeFilterCount(f: PoolFilter): number {
  return (
    (f.language ? 1 : 0) +
    (f.gender ? 1 : 0) +
    (f.ageMin !== undefined || f.ageMax !== undefined ? 1 : 0) +
    f.tags.length +
    Object.values(f.traits).filter((v) => v && v.length).length +
    (f.resistance.length ? 1 : 0) +
    (f.sameComplaint ? 1 : 0)
  );
}

const inflight = new Set<string>();

async function loadPage(page: number): Promise<void> {
  const { filter, sort, queryVersion, dataVersion } = get();
  const key = `${queryVersion}:${dataVersion}:${page}`;
  if (inflight.has(key)) return;
  inflight.add(key);
  const result = await call(() =>
    window.api.cards.list({ ...toCardFilter(filter), sort: sort.sort, order: sort.order, offset: page * PAGE_SIZE, limit: PAGE_SIZE }),
  );
  inflight.delete(key);
  if (get().queryVersion !== queryVersion) return;
  if (!result.ok) {
    if (get().status !== 'ready') set({ status: 'failed' });
    notifyError(currentMessages().cards.errors.load, result.error);
    return;
  }
  set((s) => ({
    status: 'ready',
    total: result.value.total,
    pages: { ...s.pages, [page]: { items: result.value.items, version: dataVersion } },
  }));
}

async function loadCounts(): Promise<void> {
  const count = (split?: Split) => call(() => window.api.cards.list(compact({ split, limit: 1 })));
  const [all, pool, test] = await Promise.all([count(), count('pool'), count('test')]);
  if (all.ok && pool.ok && test.ok) set({ counts: { all: all.value.total, pool: pool.value.total, test: test.value.total } });
}

let duplicatesTimer: ReturnType<typeof setTimeout> | undefined;
/** Bumped by each duplicate search: the answer of one superseded by a newer one is dropped. */
let duplicatesSearch = 0;

// ── Actions ────────────────────────────────────────────────────────────────────
export const roleCardsActions = {
  /** First load: counts, the first page, tags and duplicate flags. */
  async load(): Promise<void> {
    if (get().status === 'idle') set({ status: 'loading' });
    await Promise.all([loadCounts(), loadPage(0), roleCardsActions.loadTags()]);
    roleCardsActions.scheduleDuplicates(0);
  },

  /** Reads the pages covering rows first…last that are missing or stale. */
  ensureRange(first: number, last: number): void {
    const { pages, dataVersion, total } = get();
    const max = total === null ? last : Math.min(last, Math.max(0, total - 1));
    for (let p = Math.floor(Math.max(0, first) / PAGE_SIZE); p <= Math.floor(max / PAGE_SIZE); p++) {
      const loaded = pages[p];
      if (!loaded || loaded.version !== dataVersion) void loadPage(p);
    }
  },

  /** After any change to the cards: counts and visible pages are read again, without blanking the list. */
  changed(options: { duplicates?: boolean } = {}): void {
    set((s) => ({ dataVersion: s.dataVersion + 1 }));
    void loadCounts();
    void loadPage(0);
    void roleCardsActions.loadTags();
    if (options.duplicates !== false) roleCardsActions.scheduleDuplicates();
  },

  /**
   * The cards changed outside this window's own actions (the CLI, a second window), or an
   * own change came back as an event: counts and the visible pages are read again in place,
   * keeping the filter, selection and scroll position. Duplicate flags are worked out again
   * while the pool is in view; otherwise they wait, stale, until it is.
   */
  changedElsewhere(poolInView: boolean): void {
    if (get().status === 'idle') return;
    if (!poolInView) set((s) => ({ duplicates: { ...s.duplicates, stale: true } }));
    roleCardsActions.changed({ duplicates: poolInView });
  },

  /** One card saved in the editor: its row changes in place (the list is re-read quietly). */
  cardSaved(view: RoleCardView, complaintChanged: boolean): void {
    set((s) => {
      const pages: Record<number, LoadedPage> = {};
      for (const [p, page] of Object.entries(s.pages)) {
        pages[Number(p)] = {
          ...page,
          items: page.items.map((item) =>
            item.id === view.id
              ? {
                  ...item,
                  split: view.split,
                  language: view.language,
                  gender: view.gender,
                  age: view.age,
                  education: view.education,
                  occupation: view.occupation,
                  maritalStatus: view.maritalStatus,
                  complaintPreview: [...view.chiefComplaint].slice(0, 160).join(''),
                  complaintLength: [...view.chiefComplaint].length,
                  tags: view.tags,
                  updatedAt: view.updatedAt,
                }
              : item,
          ),
        };
      }
      return { pages, duplicates: complaintChanged ? { ...s.duplicates, stale: true } : s.duplicates };
    });
    roleCardsActions.changed({ duplicates: false });
  },

  /** The list is in view again: stale duplicate flags are read again. */
  refreshStaleDuplicates(): void {
    if (get().duplicates.stale) roleCardsActions.scheduleDuplicates(300);
  },

  setFilter(patch: Partial<PoolFilter>): void {
    set((s) => ({
      filter: { ...s.filter, ...patch },
      pages: {},
      total: null,
      queryVersion: s.queryVersion + 1,
      selection: s.selection.mode === 'filter' ? noSelection : s.selection,
      activeIndex: 0,
      scrollTop: 0,
    }));
    // A text search is best read by relevance; leaving it goes back to the usual order.
    const { filter, sort } = get();
    if (patch.query !== undefined) {
      if (filter.query.trim() && sort.sort !== 'relevance') set({ sort: { sort: 'relevance', order: 'asc' } });
      if (!filter.query.trim() && sort.sort === 'relevance') set({ sort: { sort: 'id', order: 'desc' } });
    }
    void loadPage(0);
  },

  clearFilters(): void {
    roleCardsActions.setFilter({ ...emptyFilter, split: get().filter.split });
  },

  setSort(sort: SortChoice): void {
    set((s) => ({ sort, pages: {}, total: null, queryVersion: s.queryVersion + 1, activeIndex: 0, scrollTop: 0 }));
    void loadPage(0);
  },

  setActive(index: number): void {
    set({ activeIndex: index });
  },

  rememberScroll(top: number): void {
    useRoleCardsStore.setState({ scrollTop: top });
  },

  // ── Selection ──
  toggle(id: number): void {
    set((s) => {
      const ids = new Set(s.selection.mode === 'ids' ? s.selection.ids : []);
      if (ids.has(id)) ids.delete(id);
      else ids.add(id);
      return { selection: { mode: 'ids', ids } };
    });
  },

  /** Shift-click: every loaded row between the two indices takes the clicked row's new state. */
  selectRange(from: number, to: number, on: boolean): void {
    set((s) => {
      const ids = new Set(s.selection.mode === 'ids' ? s.selection.ids : []);
      for (let i = Math.min(from, to); i <= Math.max(from, to); i++) {
        const item = rowAt(s, i);
        if (!item) continue;
        if (on) ids.add(item.id);
        else ids.delete(item.id);
      }
      return { selection: { mode: 'ids', ids } };
    });
  },

  selectAllMatching(): void {
    set({ selection: { mode: 'filter' } });
  },

  clearSelection(): void {
    set({ selection: noSelection });
  },

  async bulk(action: CardBulkAction): Promise<boolean> {
    const { selection, filter } = get();
    const target = selection.mode === 'filter' ? { filter: toCardFilter(filter) } : { ids: [...selection.ids] };
    if (selection.mode === 'ids' && selection.ids.size === 0) return false;
    const result = await call(() => window.api.cards.bulk({ ...target, action }));
    const t = currentMessages().cards;
    if (!result.ok) {
      notifyError(t.errors.bulk, result.error);
      return false;
    }
    notifySuccess(t.bulk.done(result.value.affected));
    if (action.kind === 'delete') set({ selection: noSelection });
    roleCardsActions.changed({ duplicates: action.kind === 'delete' });
    return true;
  },

  async remove(id: number): Promise<boolean> {
    const result = await call(() => window.api.cards.remove({ id }));
    if (!result.ok) {
      notifyError(currentMessages().cards.errors.remove, result.error);
      return false;
    }
    set((s) => {
      if (s.selection.mode !== 'ids' || !s.selection.ids.has(id)) return {};
      const ids = new Set(s.selection.ids);
      ids.delete(id);
      return { selection: { mode: 'ids', ids } };
    });
    notifySuccess(currentMessages().cards.editor.deleted(id));
    roleCardsActions.changed();
    return true;
  },

  async loadTags(): Promise<void> {
    const result = await call(() => window.api.cards.tags());
    if (result.ok) set({ tags: result.value });
  },

  /** Duplicate flags are worked out in the background, a moment after the cards change. */
  scheduleDuplicates(delayMs = 1500): void {
    clearTimeout(duplicatesTimer);
    duplicatesTimer = setTimeout(() => void roleCardsActions.loadDuplicates(), delayMs);
  },

  async loadDuplicates(threshold = 0.7): Promise<void> {
    // A newer search (another threshold, a change to the cards) replaces one still running.
    const search = ++duplicatesSearch;
    void cancelJob(get().duplicates.progress);
    set((s) => ({ duplicates: { ...s.duplicates, status: 'loading' } }));
    const result = await callWithProgress(
      cardJobKinds.duplicates,
      (progress) => search === duplicatesSearch && set((s) => ({ duplicates: { ...s.duplicates, progress } })),
      () => window.api.cards.duplicates({ threshold }),
    );
    if (search !== duplicatesSearch) return;
    if (!result.ok) {
      // Stopped or failed: the flags of the last search stay.
      set((s) => ({ duplicates: { ...s.duplicates, status: s.duplicates.groups.length > 0 ? 'ready' : 'idle' } }));
      return;
    }
    set({ duplicates: { status: 'ready', stale: false, groups: result.value, flags: duplicateFlags(result.value), progress: null } });
  },

  /** Stops the duplicate search running as a job. */
  async stopDuplicates(): Promise<void> {
    await cancelJob(get().duplicates.progress);
  },

  // ── Import, export, split ──
  /** A large input is read and checked as a job, whose progress shows as `importProgress`; a stop answers with code 'cancelled'. */
  async importCards(input: CardImportInput): Promise<Result<ImportReport>> {
    const kind = input.dryRun ? cardJobKinds.check : cardJobKinds.import;
    const result = await callWithProgress(kind, (importProgress) => set({ importProgress }), () => window.api.cards.import(compact({ ...input })));
    if (result.ok && !result.value.dryRun && result.value.imported > 0) {
      notifySuccess(currentMessages().cards.importer.imported(result.value.imported));
      roleCardsActions.changed();
    }
    return result;
  },

  /** Stops the check (or the reading before an import) of a large input; nothing is written. */
  async stopImport(): Promise<void> {
    await cancelJob(get().importProgress);
  },

  /** Null when the target exists and the person chose to keep it. */
  async exportCards(input: CardExportInput): Promise<Result<ExportResult> | null> {
    return exportAsking(
      (overwrite) => call(() => window.api.cards.export(compact({ ...input, overwrite: overwrite || undefined }))),
      input.path,
      input.format === 'paper' ? 'folder' : 'file',
    );
  },

  async split(test: number, seed: number, dryRun: boolean): Promise<Result<SplitResult>> {
    const result = await call(() => window.api.cards.split({ test, seed, dryRun }));
    if (result.ok && !dryRun) {
      notifySuccess(currentMessages().cards.split.applied(result.value.test, result.value.pool));
      roleCardsActions.changed({ duplicates: false });
    }
    return result;
  },

  /** The system file dialog; null when cancelled. Errors are reported here. */
  async choosePath(mode: 'open-file' | 'open-folder' | 'save-file', options: { defaultName?: string; format?: CardFormat | 'auto' } = {}): Promise<string | null> {
    const t = currentMessages().cards;
    const extensions: Record<string, string[]> = { json: ['json'], jsonl: ['jsonl'], csv: ['csv'], auto: ['json', 'jsonl', 'csv', 'txt'] };
    const ext = options.format && options.format !== 'paper' ? extensions[options.format] : undefined;
    const result = await call(() =>
      window.api.files.choose(
        compact({
          mode,
          title: mode === 'save-file' ? t.exporter.dialogTitle : t.importer.dialogTitle,
          defaultName: options.defaultName,
          filters: ext ? [{ name: t.importer.fileFilter, extensions: ext }] : undefined,
        }),
      ),
    );
    if (!result.ok) {
      notifyError(t.errors.fileDialog, result.error);
      return null;
    }
    return result.value.path;
  },
};

/** A failure shown inside a dialog: each field's problem, or the error in the UI language. */
export function errorText(error: ApiError): string {
  if (error.issues?.length) return error.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('\n');
  return apiErrorText(error, currentMessages());
}

// ── Selectors ──────────────────────────────────────────────────────────────────
export function rowAt(s: RoleCardsState, index: number): RoleCardSummary | undefined {
  return s.pages[Math.floor(index / PAGE_SIZE)]?.items[index % PAGE_SIZE];
}

export const selectSelectedCount = (s: RoleCardsState): number =>
  s.selection.mode === 'filter' ? (s.total ?? 0) : s.selection.ids.size;

export const isSelected = (s: RoleCardsState, id: number): boolean =>
  s.selection.mode === 'filter' || s.selection.ids.has(id);

export const selectIsFiltered = (s: RoleCardsState): boolean =>
  s.filter.query.trim() !== '' || s.filter.split !== undefined || activeFilterCount(s.filter) > 0;

/** The pool has no cards at all (not merely none matching the filter). */
export const selectPoolEmpty = (s: RoleCardsState): boolean => s.counts?.all === 0;
