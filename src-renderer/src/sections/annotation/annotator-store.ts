import type { AnnotationItemWork, AnnotationPick, AnnotatorSessionView, SavedAnnotationWork } from '@contract';
import { create } from 'zustand';
import { currentMessages } from '../../i18n';
import { call, compact } from '../../lib/call';
import { apiErrorText } from '../../lib/error-text';
import { exportAsking } from '../../lib/export-target';
import { notifyError, notifySuccess } from '../../lib/feedback';

// The annotator's screen: the package open now, the picks, where they are, and an undo stack.
// A pick changes the state at once and moves on (the next item shows within a frame); its
// save to main follows in order on a queue, so a slow disk never holds the screen.

interface Undo {
  itemId: string;
  before: AnnotationItemWork | undefined;
  position: number;
}

export interface AnnotatorState {
  saved: SavedAnnotationWork[];
  session: AnnotatorSessionView | null;
  position: number;
  work: Record<string, AnnotationItemWork>;
  undo: Undo[];
  noteOpen: boolean;
  openError: string | null;
}

export const useAnnotatorStore = create<AnnotatorState>()(() => ({
  saved: [],
  session: null,
  position: 0,
  work: {},
  undo: [],
  noteOpen: false,
  openError: null,
}));

// ── Selectors ──────────────────────────────────────────────────────────────────
export const selectDone = (s: AnnotatorState): number => Object.values(s.work).filter((w) => w.pick !== null).length;
export const selectItem = (s: AnnotatorState) => s.session?.items[s.position] ?? null;
export const selectItemWork = (s: AnnotatorState): AnnotationItemWork | undefined => {
  const item = selectItem(s);
  return item ? s.work[item.itemId] : undefined;
};

// ── Actions ────────────────────────────────────────────────────────────────────
const set = useAnnotatorStore.setState;
const get = useAnnotatorStore.getState;

/** Saves go to main one after another, in the order they were made. */
let queue: Promise<unknown> = Promise.resolve();
function save(send: () => Promise<{ ok: boolean; error?: unknown }>): void {
  queue = queue.then(async () => {
    const result = await send();
    if (!result.ok) notifyError(currentMessages().ann.work.saveFailed, result.error as never);
  });
}

function begin(session: AnnotatorSessionView): void {
  set({ session, position: session.position, work: { ...session.work }, undo: [], noteOpen: false, openError: null });
}

const clamp = (position: number) => Math.min(Math.max(0, position), (get().session?.items.length ?? 1) - 1);

function change(itemId: string, next: AnnotationItemWork | undefined, position: number, remember: boolean): void {
  const s = get();
  if (!s.session) return;
  const key = s.session.key;
  const work = { ...s.work };
  const before = work[itemId];
  if (next && (next.pick !== null || next.note !== null)) work[itemId] = next;
  else delete work[itemId];
  const undo = remember ? [...s.undo, { itemId, before, position: s.position }].slice(-200) : s.undo;
  set({ work, position, undo });
  save(() => call(() => window.api.annotation.record({ key, itemId, pick: next?.pick ?? null, note: next?.note ?? null, position })));
}

export const annotatorActions = {
  async loadSaved(): Promise<void> {
    const result = await call(() => window.api.annotation.saved());
    if (result.ok) set({ saved: result.value });
  },

  async openPackage(annotator: string): Promise<void> {
    const m = currentMessages().ann.start;
    if (!annotator.trim()) {
      set({ openError: m.needName });
      return;
    }
    const choice = await call(() => window.api.files.choose({ mode: 'open-file', title: m.title, filters: [{ name: 'JSON', extensions: ['json'] }] }));
    if (!choice.ok) return void set({ openError: apiErrorText(choice.error, currentMessages()) });
    if (!choice.value.path) return;
    const path = choice.value.path;
    const result = await call(() => window.api.annotation.open({ path, annotator }));
    if (result.ok) begin(result.value);
    else set({ openError: apiErrorText(result.error, currentMessages()) });
  },

  async resume(key: string): Promise<void> {
    const result = await call(() => window.api.annotation.resume({ key }));
    if (result.ok) begin(result.value);
    else set({ openError: apiErrorText(result.error, currentMessages()) });
  },

  close(): void {
    set({ session: null });
    void annotatorActions.loadSaved();
  },

  /** 1 2 3 4: the pick for the item on screen, then the next item. */
  pick(pick: AnnotationPick): void {
    const s = get();
    const item = selectItem(s);
    if (!item) return;
    const before = s.work[item.itemId];
    change(item.itemId, { pick, note: before?.note ?? null, at: new Date().toISOString() }, clamp(s.position + 1), true);
  },

  /** Arrows and S (skip): move without choosing. */
  move(by: number): void {
    const s = get();
    if (!s.session) return;
    const position = clamp(s.position + by);
    if (position === s.position) return;
    const key = s.session.key;
    set({ position });
    save(() => call(() => window.api.annotation.move({ key, position })));
  },

  /** Z: takes back the last pick or note, and shows its item again. */
  undo(): void {
    const s = get();
    const last = s.undo.at(-1);
    if (!last) return;
    set({ undo: s.undo.slice(0, -1) });
    change(last.itemId, last.before, last.position, false);
  },

  setNoteOpen(noteOpen: boolean): void {
    set({ noteOpen });
  },

  saveNote(note: string): void {
    const s = get();
    const item = selectItem(s);
    if (!item) return;
    const before = s.work[item.itemId];
    change(item.itemId, { pick: before?.pick ?? null, note: note.trim() || null, at: before?.at ?? null }, s.position, true);
    set({ noteOpen: false });
  },

  async exportWork(): Promise<void> {
    const s = get();
    if (!s.session) return;
    const m = currentMessages().ann.work;
    const { key, annotator } = s.session;
    await queue;
    const choice = await call(() => window.api.files.choose({ mode: 'save-file', title: m.export, defaultName: `${annotator}.simpsy-work.json`, filters: [{ name: 'JSON', extensions: ['json'] }] }));
    if (!choice.ok) return notifyError(m.exportFailed, choice.error);
    const path = choice.value.path;
    if (!path) return;
    const result = await exportAsking((overwrite) => call(() => window.api.annotation.export(compact({ key, path, overwrite: overwrite || undefined }))), path, 'file');
    if (!result) return;
    if (result.ok) notifySuccess(m.exported(result.value.path, result.value.verdicts, result.value.revision));
    else notifyError(m.exportFailed, result.error);
  },
};
