import type { DialogueDetail, DialogueExportFormat, DialogueFilter, DialogueImportInput, DialogueSummary } from '@contract';
import { create } from 'zustand';
import { currentMessages } from '../i18n';
import { call, compact } from '../lib/call';
import { exportAsking } from '../lib/export-target';
import { notifyError, notifySuccess } from '../lib/feedback';

// The dialogue browser: a filter, the total it matches and the rows loaded so far. Rows are
// read a page at a time as the list scrolls (10,000+ sessions are never all in memory at
// once); changing the filter starts a new generation, so late pages of an old one are dropped.

export type DialogueSort = 'newest' | 'oldest' | 'turns' | 'cost';
export const PAGE_SIZE = 100;

// ── State ──────────────────────────────────────────────────────────────────────
export interface DialoguesState {
  filter: DialogueFilter;
  sort: DialogueSort;
  status: 'idle' | 'loading' | 'ready' | 'failed';
  total: number;
  /** Loaded rows by position. */
  rows: Record<number, DialogueSummary>;
  /** Bumped by a new filter or sort: the list starts over at the top. */
  generation: number;
  /** Bumped when the sessions changed elsewhere: loaded rows are read again in place. */
  dataVersion: number;
  selectedId: number | null;
  detail: DialogueDetail | null;
  tags: { tag: string; count: number }[];
  runs: { id: number; title: string }[];
}

export const useDialoguesStore = create<DialoguesState>()(() => ({
  filter: {},
  sort: 'newest',
  status: 'idle',
  total: 0,
  rows: {},
  generation: 0,
  dataVersion: 0,
  selectedId: null,
  detail: null,
  tags: [],
  runs: [],
}));

/** Pages asked for (or loaded) per generation, so a short page is never asked for again and again. */
const pending = new Set<string>();

async function loadPage(page: number): Promise<void> {
  const { filter, sort, generation, dataVersion } = useDialoguesStore.getState();
  const key = `${generation}:${dataVersion}:${page}`;
  if (pending.has(key)) return;
  pending.add(key);
  const result = await call(() => window.api.dialogues.list({ ...compact(filter), sort, offset: page * PAGE_SIZE, limit: PAGE_SIZE }));
  const now = useDialoguesStore.getState();
  if (now.generation !== generation || now.dataVersion !== dataVersion) return;
  if (!result.ok) {
    pending.delete(key); // a later scroll may try again
    useDialoguesStore.setState({ status: 'failed' });
    notifyError(currentMessages().dlg.errors.load, result.error);
    return;
  }
  useDialoguesStore.setState((s) => {
    const rows = { ...s.rows };
    const { offset, items, total } = result.value;
    // The page replaces what was at its positions; rows past the new end are gone.
    for (let i = offset; i < offset + PAGE_SIZE; i++) delete rows[i];
    items.forEach((item, i) => (rows[offset + i] = item));
    for (const pos of Object.keys(rows)) if (Number(pos) >= total) delete rows[Number(pos)];
    return { status: 'ready', total, rows };
  });
}

// ── Actions ────────────────────────────────────────────────────────────────────
export const dialoguesActions = {
  /** Starts over with the current filter (keeps the open dialogue). */
  async reload(): Promise<void> {
    pending.clear();
    useDialoguesStore.setState((s) => ({ generation: s.generation + 1, rows: {}, status: s.status === 'idle' ? 'loading' : s.status }));
    await loadPage(0);
  },

  /**
   * The sessions changed elsewhere (a run adding them, the CLI importing): the loaded pages
   * are read again in place, so the list keeps its scroll position and the open dialogue
   * stays open (and is read again while it is still running). The filters' tags and runs are
   * read again unless only a run's progress moved.
   */
  refreshInPlace(options: { facets: boolean }): void {
    const s = useDialoguesStore.getState();
    if (s.status === 'idle') return;
    pending.clear(); // answers of the older version are dropped when they arrive
    useDialoguesStore.setState({ dataVersion: s.dataVersion + 1 });
    const pages = new Set([0, ...Object.keys(s.rows).map((pos) => Math.floor(Number(pos) / PAGE_SIZE))]);
    for (const page of pages) void loadPage(page);
    if (options.facets) void dialoguesActions.loadFacets();
    if (s.selectedId !== null && s.detail?.status !== 'ended') void dialoguesActions.refreshOpen();
  },

  /** Reads the open dialogue again, keeping it on screen meanwhile. */
  async refreshOpen(): Promise<void> {
    const id = useDialoguesStore.getState().selectedId;
    if (id === null) return;
    const result = await call(() => window.api.dialogues.get({ id }));
    if (useDialoguesStore.getState().selectedId === id && result.ok) useDialoguesStore.setState({ detail: result.value });
  },

  async setFilter(patch: Partial<DialogueFilter>, sort?: DialogueSort): Promise<void> {
    useDialoguesStore.setState((s) => ({ filter: compact({ ...s.filter, ...patch }) as DialogueFilter, sort: sort ?? s.sort }));
    await dialoguesActions.reload();
  },

  /** Loads the pages covering positions [from, to). */
  ensureRange(from: number, to: number): void {
    const { total } = useDialoguesStore.getState();
    const last = Math.min(to, total) - 1;
    for (let page = Math.floor(Math.max(0, from) / PAGE_SIZE); page <= Math.floor(last / PAGE_SIZE); page++) void loadPage(page);
  },

  async loadFacets(): Promise<void> {
    const [tags, runs] = await Promise.all([call(() => window.api.dialogues.tags({})), call(() => window.api.simulation.runs({}))]);
    if (tags.ok) useDialoguesStore.setState({ tags: tags.value });
    if (runs.ok) useDialoguesStore.setState({ runs: runs.value.map((r) => ({ id: r.id, title: r.title })) });
  },

  async open(id: number | null): Promise<void> {
    useDialoguesStore.setState({ selectedId: id, detail: null });
    if (id === null) return;
    const result = await call(() => window.api.dialogues.get({ id }));
    if (useDialoguesStore.getState().selectedId !== id) return;
    if (result.ok) useDialoguesStore.setState({ detail: result.value });
    else notifyError(currentMessages().dlg.errors.open, result.error);
  },

  /** Applies a change to a loaded row and the open dialogue without re-reading the list. */
  patchLocal(id: number, patch: Partial<DialogueSummary>): void {
    useDialoguesStore.setState((s) => {
      const rows = { ...s.rows };
      for (const [pos, row] of Object.entries(rows)) if (row.id === id) rows[Number(pos)] = { ...row, ...patch };
      const detail = s.detail && s.detail.id === id ? { ...s.detail, ...patch } : s.detail;
      return { rows, detail };
    });
  },

  async star(id: number, starred: boolean): Promise<void> {
    const result = await call(() => window.api.dialogues.star({ ids: [id], starred }));
    if (result.ok) dialoguesActions.patchLocal(id, { starred });
    else notifyError(currentMessages().dlg.errors.star, result.error);
  },

  async tag(id: number, add: string[], remove: string[], next: string[]): Promise<void> {
    if (add.length + remove.length === 0) return;
    const result = await call(() => window.api.dialogues.tag(compact({ ids: [id], add: add.length ? add : undefined, remove: remove.length ? remove : undefined })));
    if (result.ok) {
      dialoguesActions.patchLocal(id, { tags: next });
      void dialoguesActions.loadFacets();
    } else notifyError(currentMessages().dlg.errors.tag, result.error);
  },

  async remove(id: number): Promise<void> {
    const result = await call(() => window.api.dialogues.remove({ ids: [id] }));
    if (!result.ok) {
      notifyError(currentMessages().dlg.errors.remove, result.error);
      return;
    }
    notifySuccess(currentMessages().dlg.removed);
    if (useDialoguesStore.getState().selectedId === id) useDialoguesStore.setState({ selectedId: null, detail: null });
    await dialoguesActions.reload();
  },

  /** Exports what the filter matches (or the given sessions) to a file the person picks. */
  async exportTo(format: DialogueExportFormat, ids?: number[]): Promise<void> {
    const m = currentMessages().dlg;
    const ext = format === 'sharegpt' ? 'json' : 'jsonl'; // sharegpt is one JSON array (LLaMA-Factory)
    const choice = await call(() =>
      window.api.files.choose({ mode: 'save-file', title: m.exportTitle, defaultName: `dialogues-${format}.${ext}`, filters: [{ name: format, extensions: [ext] }] }),
    );
    if (!choice.ok) return notifyError(m.errors.export, choice.error);
    if (!choice.value.path) return;
    const { filter } = useDialoguesStore.getState();
    const hasFilter = Object.keys(compact(filter)).length > 0;
    const path = choice.value.path;
    const input = { path, format, ids, filter: ids ? undefined : hasFilter ? filter : undefined };
    const result = await exportAsking((overwrite) => call(() => window.api.dialogues.export(compact({ ...input, overwrite: overwrite || undefined }))), path, 'file');
    if (!result) return; // the person kept the existing file
    if (result.ok) notifySuccess(m.exported(result.value.count, result.value.path));
    else notifyError(m.errors.export, result.error);
  },

  /** Imports the paper's released dialogues (a folder of N.json, one file, or JSONL). */
  async importFrom(mode: 'open-file' | 'open-folder'): Promise<void> {
    const path = await dialoguesActions.choosePath(mode, currentMessages().dlg.importTitle);
    if (path) await dialoguesActions.importDialogues({ path });
  },

  /** A path from the system's file dialog; null when the person cancelled (or it failed, said). */
  async choosePath(mode: 'open-file' | 'open-folder', title: string): Promise<string | null> {
    const choice = await call(() => window.api.files.choose({ mode, title }));
    if (!choice.ok) {
      notifyError(currentMessages().dlg.errors.import, choice.error);
      return null;
    }
    return choice.value.path ?? null;
  },

  /** Imports dialogues, with the cards their clients saw when `cards` is given; true when done. */
  async importDialogues(input: DialogueImportInput): Promise<boolean> {
    const m = currentMessages();
    const result = await call(() => window.api.dialogues.import(input));
    if (!result.ok) {
      notifyError(m.dlg.errors.import, result.error);
      return false;
    }
    const r = result.value;
    notifySuccess(input.cards ? m.dlgCards.imported(r.sessions, r.withCard, r.cardsImported) : m.dlg.imported(r.sessions, r.problems.length));
    await Promise.all([dialoguesActions.reload(), dialoguesActions.loadFacets()]);
    return true;
  },
};

// ── Selectors ──────────────────────────────────────────────────────────────────
export const selectDialogueFilter = (s: DialoguesState) => s.filter;
export const selectDialogueSort = (s: DialoguesState) => s.sort;
export const selectDialogueTotal = (s: DialoguesState) => s.total;
export const selectDialogueRows = (s: DialoguesState) => s.rows;
export const selectDialogueStatus = (s: DialoguesState) => s.status;
export const selectOpenDialogue = (s: DialoguesState) => s.detail;
export const selectOpenDialogueId = (s: DialoguesState) => s.selectedId;
export const selectDialogueTags = (s: DialoguesState) => s.tags;
export const selectDialogueRuns = (s: DialoguesState) => s.runs;
