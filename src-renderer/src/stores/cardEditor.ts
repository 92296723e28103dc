import type { ApiError, CardLanguage, RoleCardView } from '@contract';
import { create } from 'zustand';
import { currentMessages } from '../i18n';
import { call } from '../lib/call';
import { apiErrorText } from '../lib/error-text';
import { notifyError, notifySuccess } from '../lib/feedback';
import {
  blankValues,
  changes,
  getValue,
  normalised,
  placeServerIssues,
  sameJson,
  validate,
  valuesOf,
  withExtraAdded,
  withExtraRemoved,
  withValue,
  type CardValues,
  type FieldPath,
} from './cardForm';
import { roleCardsActions } from './roleCards';

// The card open in the editor: the last saved version (`base`), the form's values (`draft`),
// undo/redo of form edits, and autosave. Autosave sends only the fields that changed, with
// the `updatedAt` it loaded, so a card saved elsewhere meanwhile is reported as a conflict
// instead of being overwritten. The values themselves and their rules live in cardForm.ts.

export type { CardValues, FieldPath } from './cardForm';

// ── State ──────────────────────────────────────────────────────────────────────
export type EditorTarget = { kind: 'new' } | { kind: 'card'; id: number };

export type SaveStatus =
  /** Nothing to save. */
  | 'clean'
  /** Edits waiting for the autosave pause. */
  | 'pending'
  | 'saving'
  | 'saved'
  /** Edits that cannot be saved until the marked fields are fixed. */
  | 'invalid'
  | 'conflict'
  | 'error';

export interface CardEditorState {
  target: EditorTarget | null;
  loading: boolean;
  base: RoleCardView | null;
  draft: CardValues;
  past: CardValues[];
  future: CardValues[];
  status: SaveStatus;
  saveError: string | null;
  /** Fields the counselor has edited: their problems show at once; others after a save attempt. */
  touched: Partial<Record<FieldPath, true>>;
  showAllErrors: boolean;
  serverErrors: Partial<Record<FieldPath, string>>;
  /** A model's draft is in the form: autosave waits until the counselor saves it (or undoes it). */
  held: boolean;
  /** Bumped after every save or revert, so panels showing saved state (history) read it again. */
  savedVersion: number;
}

export const useCardEditorStore = create<CardEditorState>()(() => ({
  target: null,
  loading: false,
  base: null,
  draft: blankValues('zh'),
  past: [],
  future: [],
  status: 'clean',
  saveError: null,
  touched: {},
  showAllErrors: false,
  serverErrors: {},
  held: false,
  savedVersion: 0,
}));

const get = () => useCardEditorStore.getState();
const set = useCardEditorStore.setState;

export const AUTOSAVE_DELAY_MS = 900;
const COALESCE_MS = 1200;
const UNDO_LIMIT = 300;

let autosaveTimer: ReturnType<typeof setTimeout> | undefined;
let lastEdit: { path: string; at: number } | null = null;
let saving: Promise<void> | null = null;

const isDirty = (s: CardEditorState) => (s.base ? !sameJson(normalised(s.draft), normalised(valuesOf(s.base))) : true);

function scheduleAutosave(): void {
  clearTimeout(autosaveTimer);
  const s = get();
  if (s.target?.kind !== 'card' || s.held) return;
  autosaveTimer = setTimeout(() => void cardEditorActions.save('auto'), AUTOSAVE_DELAY_MS);
}

/** After a change to the draft: the status the header shows, and the next autosave. */
function afterEdit(): void {
  const s = get();
  if (s.target?.kind !== 'card') return;
  if (s.status === 'conflict') return;
  if (!isDirty(s)) {
    clearTimeout(autosaveTimer);
    set({ status: s.status === 'saving' ? 'saving' : 'saved' });
    return;
  }
  if (s.status !== 'saving') set({ status: 'pending' });
  scheduleAutosave();
}

function reset(target: EditorTarget | null, base: RoleCardView | null, draft: CardValues): Partial<CardEditorState> {
  clearTimeout(autosaveTimer);
  lastEdit = null;
  return {
    target,
    base,
    draft,
    past: [],
    future: [],
    status: 'clean',
    saveError: null,
    touched: {},
    showAllErrors: false,
    serverErrors: {},
    held: false,
    loading: false,
  };
}

// ── Actions ────────────────────────────────────────────────────────────────────
export const cardEditorActions = {
  async open(id: number): Promise<void> {
    await cardEditorActions.flush();
    set({ target: { kind: 'card', id }, loading: true });
    const result = await call(() => window.api.cards.get({ id }));
    if (get().target?.kind !== 'card' || (get().target as { id: number }).id !== id) return;
    if (!result.ok) {
      set({ loading: false, target: null });
      notifyError(currentMessages().cards.errors.open, result.error);
      return;
    }
    set(reset({ kind: 'card', id }, result.value, valuesOf(result.value)));
  },

  async openNew(language: CardLanguage, preset?: Partial<CardValues>): Promise<void> {
    await cardEditorActions.flush();
    set(reset({ kind: 'new' }, null, { ...blankValues(language), ...preset }));
  },

  async close(): Promise<void> {
    await cardEditorActions.flush();
    set(reset(null, null, blankValues(get().draft.language)));
  },

  /** Drops edits that cannot be saved (used when the counselor confirms leaving them). */
  discard(): void {
    set(reset(null, null, blankValues(get().draft.language)));
  },

  /** Saves at once whatever autosave is waiting for (leaving the card, Ctrl+S). */
  async flush(): Promise<void> {
    clearTimeout(autosaveTimer);
    if (saving) await saving;
    const s = get();
    if (s.target?.kind === 'card' && !s.held && isDirty(s) && s.status !== 'conflict') await cardEditorActions.save('auto');
  },

  setValue(path: FieldPath, value: unknown): void {
    const s = get();
    if (sameJson(getValue(s.draft, path), value)) return;
    const now = Date.now();
    // Typing in one field is one undo step until a pause or another field.
    const coalesce = lastEdit !== null && lastEdit.path === path && now - lastEdit.at < COALESCE_MS && typeof value === 'string';
    lastEdit = { path, at: now };
    const serverErrors = { ...s.serverErrors };
    delete serverErrors[path];
    set({
      draft: withValue(s.draft, path, value),
      past: coalesce ? s.past : [...s.past, s.draft].slice(-UNDO_LIMIT),
      future: [],
      touched: { ...s.touched, [path]: true },
      serverErrors,
    });
    afterEdit();
  },

  /** A new extra field after an element (one undo step). */
  addExtra(after: CardValues['extras'][number]['after']): void {
    cardEditorActions.replaceValues({ extras: withExtraAdded(get().draft, after).extras });
  },

  removeExtra(index: number): void {
    cardEditorActions.replaceValues({ extras: withExtraRemoved(get().draft, index).extras });
  },

  /** Several fields at once (a model's draft): one undo step. */
  replaceValues(values: Partial<CardValues>, options: { hold?: boolean } = {}): void {
    const s = get();
    lastEdit = null;
    set({
      draft: { ...s.draft, ...values },
      past: [...s.past, s.draft].slice(-UNDO_LIMIT),
      future: [],
      held: options.hold ?? s.held,
      serverErrors: {},
    });
    afterEdit();
  },

  undo(): void {
    const s = get();
    const previous = s.past[s.past.length - 1];
    if (!previous) return;
    lastEdit = null;
    set({ draft: previous, past: s.past.slice(0, -1), future: [s.draft, ...s.future], serverErrors: {} });
    // Undoing a model's draft all the way back releases autosave.
    if (s.held && s.past.length === 1) set({ held: false });
    afterEdit();
  },

  redo(): void {
    const s = get();
    const next = s.future[0];
    if (!next) return;
    lastEdit = null;
    set({ draft: next, future: s.future.slice(1), past: [...s.past, s.draft], serverErrors: {} });
    afterEdit();
  },

  /** Autosave ('auto') or the counselor's Save ('manual', Ctrl+S): a manual save also creates a new card and releases a held draft. */
  async save(kind: 'auto' | 'manual'): Promise<void> {
    clearTimeout(autosaveTimer);
    if (saving) {
      await saving;
      if (kind === 'auto') return;
    }
    const s = get();
    if (!s.target) return;
    if (kind === 'auto' && (s.held || s.status === 'conflict')) return;
    const t = currentMessages().cards;
    const errors = validate(s.draft);
    if (Object.keys(errors).length > 0) {
      set({ status: s.target.kind === 'card' ? 'invalid' : s.status, showAllErrors: kind === 'manual' || s.showAllErrors });
      return;
    }
    const sent = normalised(s.draft);
    saving = (async () => {
      set({ status: 'saving', saveError: null });
      if (s.target!.kind === 'new') {
        const result = await call(() => window.api.cards.create(sent));
        if (!result.ok) return failed(result.error);
        set({
          target: { kind: 'card', id: result.value.id },
          base: result.value,
          status: 'saved',
          held: false,
          savedVersion: get().savedVersion + 1,
        });
        notifySuccess(t.editor.created(result.value.id));
        roleCardsActions.changed();
        return;
      }
      const base = s.base!;
      const { patch, changed } = changes(sent, normalised(valuesOf(base)));
      if (changed.length === 0) {
        set({ status: 'saved', held: false });
        return;
      }
      const result = await call(() =>
        window.api.cards.update({
          id: base.id,
          ...patch,
          // Language-neutral, so the history can word it in the UI language (see reasonText).
          reason: `edited: ${changed.join(', ')}`.slice(0, 200),
          ifUpdatedAt: base.updatedAt,
        }),
      );
      if (!result.ok) return failed(result.error);
      const now = get();
      if (now.target?.kind !== 'card' || now.target.id !== base.id) return;
      set({ base: result.value, held: false, savedVersion: now.savedVersion + 1 });
      roleCardsActions.cardSaved(result.value, 'chiefComplaint' in patch);
      // Typing went on during the save: the rest goes in the next one.
      if (isDirty(get())) {
        set({ status: 'pending' });
        scheduleAutosave();
      } else {
        set({ status: 'saved' });
      }
    })();
    try {
      await saving;
    } finally {
      saving = null;
    }
  },

  /**
   * The cards changed somewhere. If the open card was saved by someone else, a clean editor
   * follows it; one with unsaved edits says so (the conflict bar) rather than overwrite
   * either version. A card deleted elsewhere is reported as not saved.
   */
  async checkElsewhere(): Promise<void> {
    const s = get();
    if (s.target?.kind !== 'card' || !s.base || saving) return;
    const { base } = s;
    const result = await call(() => window.api.cards.get({ id: base.id }));
    const now = get();
    // Our own save (or a new card) got in meanwhile: the next event looks again.
    if (now.base !== base || saving || now.status === 'conflict') return;
    if (!result.ok) {
      if (result.error.code === 'not_found') set({ status: 'error', saveError: currentMessages().cards.editor.deletedElsewhere });
      return;
    }
    if (result.value.updatedAt === base.updatedAt) return;
    if (isDirty(now) || now.held) {
      clearTimeout(autosaveTimer);
      set({ status: 'conflict', saveError: null });
      return;
    }
    set({
      base: result.value,
      draft: valuesOf(result.value),
      past: [...now.past, now.draft].slice(-UNDO_LIMIT),
      future: [],
      savedVersion: now.savedVersion + 1,
    });
  },

  /** Someone else saved first: take their version (ours stays one undo away) … */
  async takeTheirs(): Promise<void> {
    const s = get();
    if (s.target?.kind !== 'card') return;
    const result = await call(() => window.api.cards.get({ id: s.target!.kind === 'card' ? (s.target as { id: number }).id : 0 }));
    if (!result.ok) {
      notifyError(currentMessages().cards.errors.open, result.error);
      return;
    }
    set({
      base: result.value,
      draft: valuesOf(result.value),
      past: [...s.past, s.draft].slice(-UNDO_LIMIT),
      future: [],
      status: 'saved',
      saveError: null,
      savedVersion: s.savedVersion + 1,
    });
  },

  /** … or save ours over theirs, knowingly. */
  async keepMine(): Promise<void> {
    const s = get();
    if (s.target?.kind !== 'card') return;
    const result = await call(() => window.api.cards.get({ id: (s.target as { id: number }).id }));
    if (!result.ok) {
      notifyError(currentMessages().cards.errors.open, result.error);
      return;
    }
    set({ base: result.value, status: 'pending', saveError: null });
    await cardEditorActions.save('manual');
  },

  /** Puts the card back as it was in a revision (saving pending edits first, so they can be reverted to as well). */
  async revert(revisionId: number): Promise<boolean> {
    await cardEditorActions.flush();
    const s = get();
    if (s.target?.kind !== 'card') return false;
    const result = await call(() => window.api.cards.revert({ id: (s.target as { id: number }).id, revisionId }));
    if (!result.ok) {
      notifyError(currentMessages().cards.errors.revert, result.error);
      return false;
    }
    lastEdit = null;
    set({
      base: result.value,
      draft: valuesOf(result.value),
      past: [...s.past, s.draft].slice(-UNDO_LIMIT),
      future: [],
      status: 'saved',
      held: false,
      serverErrors: {},
      savedVersion: s.savedVersion + 1,
    });
    notifySuccess(currentMessages().cards.history.reverted);
    roleCardsActions.cardSaved(result.value, true);
    return true;
  },
};

function failed(error: ApiError): void {
  if (error.code === 'conflict') {
    set({ status: 'conflict', saveError: apiErrorText(error, currentMessages()) });
    return;
  }
  if (error.code === 'validation' && error.issues?.length) {
    set({ status: 'invalid', serverErrors: placeServerIssues(error), showAllErrors: true, saveError: null });
    return;
  }
  set({ status: 'error', saveError: apiErrorText(error, currentMessages()) });
}

// ── Selectors ──────────────────────────────────────────────────────────────────
export const selectDirty = isDirty;
export const selectCanUndo = (s: CardEditorState) => s.past.length > 0;
export const selectCanRedo = (s: CardEditorState) => s.future.length > 0;
