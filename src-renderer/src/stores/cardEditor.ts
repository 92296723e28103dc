import {
  levels,
  roleCardContentShape,
  tagSchema,
  traits,
  type ApiError,
  type CardDraft,
  type CardLanguage,
  type Level,
  type RoleCardContent,
  type RoleCardFields,
  type RoleCardView,
  type Split,
  type Trait,
} from '@contract';
import { create } from 'zustand';
import { currentMessages, type Messages } from '../i18n';
import { call } from '../lib/call';
import { notifyError, notifySuccess } from '../lib/feedback';
import { roleCardsActions } from './roleCards';

// The card open in the editor: the last saved version (`base`), the form's values (`draft`),
// undo/redo of form edits, and autosave. Autosave sends only the fields that changed, with
// the `updatedAt` it loaded, so a card saved elsewhere meanwhile is reported as a conflict
// instead of being overwritten.

// ── Values ─────────────────────────────────────────────────────────────────────
export interface RatingValue {
  level: Level | null;
  description: string;
}

export interface CardValues {
  gender: string;
  age: number | null;
  education: string;
  occupation: string;
  maritalStatus: string;
  familyRelationships: string;
  bigFive: Record<Trait, RatingValue>;
  resistance: RatingValue;
  chiefComplaint: string;
  split: Split;
  language: CardLanguage;
  tags: string[];
  source: string;
}

export type TextField = 'gender' | 'education' | 'occupation' | 'maritalStatus' | 'familyRelationships' | 'chiefComplaint';
export type RatingKey = Trait | 'resistance';
/** A place in the form: where a value lives and a validation message shows. */
export type FieldPath =
  | TextField
  | 'age'
  | 'split'
  | 'language'
  | 'tags'
  | `${RatingKey}.level`
  | `${RatingKey}.description`;

const blankRating = (): RatingValue => ({ level: null, description: '' });

export function blankValues(language: CardLanguage): CardValues {
  return {
    gender: '',
    age: null,
    education: '',
    occupation: '',
    maritalStatus: '',
    familyRelationships: '',
    bigFive: Object.fromEntries(traits.map((t) => [t, blankRating()])) as Record<Trait, RatingValue>,
    resistance: blankRating(),
    chiefComplaint: '',
    split: 'pool',
    language,
    tags: [],
    source: 'manual',
  };
}

export function valuesOf(card: RoleCardFields): CardValues {
  return {
    gender: card.gender,
    age: card.age,
    education: card.education,
    occupation: card.occupation,
    maritalStatus: card.maritalStatus,
    familyRelationships: card.familyRelationships,
    bigFive: Object.fromEntries(traits.map((t) => [t, { ...card.bigFive[t] }])) as Record<Trait, RatingValue>,
    resistance: { ...card.resistance },
    chiefComplaint: card.chiefComplaint,
    split: card.split,
    language: card.language,
    tags: [...card.tags],
    source: card.source,
  };
}

export function getValue(v: CardValues, path: FieldPath): unknown {
  const [head, tail] = path.split('.') as [string, 'level' | 'description' | undefined];
  if (tail) return (head === 'resistance' ? v.resistance : v.bigFive[head as Trait])[tail];
  return v[head as keyof CardValues];
}

function withValue(v: CardValues, path: FieldPath, value: unknown): CardValues {
  const [head, tail] = path.split('.') as [string, 'level' | 'description' | undefined];
  if (!tail) return { ...v, [head]: value };
  if (head === 'resistance') return { ...v, resistance: { ...v.resistance, [tail]: value } };
  const trait = head as Trait;
  return { ...v, bigFive: { ...v.bigFive, [trait]: { ...v.bigFive[trait], [tail]: value } } };
}

/** As main will store it: trimmed texts, tags as a sorted set. Used to tell whether anything changed. */
function normalised(v: CardValues) {
  const rating = (r: RatingValue) => ({ level: r.level, description: r.description.trim() });
  return {
    gender: v.gender.trim(),
    age: v.age,
    education: v.education.trim(),
    occupation: v.occupation.trim(),
    maritalStatus: v.maritalStatus.trim(),
    familyRelationships: v.familyRelationships.trim(),
    bigFive: Object.fromEntries(traits.map((t) => [t, rating(v.bigFive[t])])) as Record<Trait, ReturnType<typeof rating>>,
    resistance: rating(v.resistance),
    chiefComplaint: v.chiefComplaint.trim(),
    split: v.split,
    language: v.language,
    tags: [...new Set(v.tags.map((t) => t.trim()))].sort(),
    source: v.source.trim(),
  };
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

// ── Validation ─────────────────────────────────────────────────────────────────
const textLimits: Record<TextField, number> = {
  gender: 40,
  education: 200,
  occupation: 200,
  maritalStatus: 200,
  familyRelationships: 4000,
  chiefComplaint: 20_000,
};

const validated = new WeakMap<CardValues, { t: unknown; errors: Partial<Record<FieldPath, string>> }>();

/** Checks the values with the contract's own schemas, and words each problem in the UI language (cached per draft). */
export function validate(v: CardValues, t: Messages['cards']['validation']): Partial<Record<FieldPath, string>> {
  const cached = validated.get(v);
  if (cached && cached.t === t) return cached.errors;
  const errors = check(v, t);
  validated.set(v, { t, errors });
  return errors;
}

function check(v: CardValues, t: Messages['cards']['validation']): Partial<Record<FieldPath, string>> {
  const errors: Partial<Record<FieldPath, string>> = {};
  for (const field of Object.keys(textLimits) as TextField[]) {
    const parsed = roleCardContentShape[field].safeParse(v[field]);
    if (!parsed.success) {
      errors[field] = parsed.error.issues[0]?.code === 'too_big' ? t.tooLong(textLimits[field]) : t.required;
    }
  }
  if (v.age === null || !roleCardContentShape.age.safeParse(v.age).success) errors.age = v.age === null ? t.ageRequired : t.age;
  for (const key of [...traits, 'resistance'] as RatingKey[]) {
    const rating = key === 'resistance' ? v.resistance : v.bigFive[key];
    if (rating.level === null || !levels.includes(rating.level)) errors[`${key}.level`] = t.chooseLevel;
    if ([...rating.description.trim()].length > 4000) errors[`${key}.description`] = t.tooLong(4000);
  }
  const badTag = v.tags.find((tag) => !tagSchema.safeParse(tag).success);
  if (badTag !== undefined) errors.tags = t.tag(badTag);
  else if (v.tags.length > 50) errors.tags = t.tooManyTags;
  return errors;
}

/** What the preview can render now: every element that is valid on its own (an unfinished card shows what is there). */
export function renderableDraft(v: CardValues): CardDraft {
  const draft: Partial<RoleCardContent> = {};
  const n = normalised(v);
  for (const field of Object.keys(textLimits) as TextField[]) {
    if (roleCardContentShape[field].safeParse(n[field]).success) (draft as Record<string, unknown>)[field] = n[field];
  }
  if (n.age !== null && roleCardContentShape.age.safeParse(n.age).success) draft.age = n.age;
  const chosen = traits.filter((t) => n.bigFive[t].level !== null);
  const bigFive = chosen.length ? Object.fromEntries(chosen.map((t) => [t, n.bigFive[t]])) : undefined;
  if (n.resistance.level !== null) draft.resistance = n.resistance as RoleCardContent['resistance'];
  return { ...draft, ...(bigFive ? { bigFive: bigFive as CardDraft['bigFive'] } : {}), language: v.language };
}

function toFields(v: CardValues): RoleCardFields {
  return normalised(v) as RoleCardFields;
}

/** Main's validation issues (paths like `bigFive.openness.level`) as form paths. */
function placeServerIssues(error: ApiError): Partial<Record<FieldPath, string>> {
  const placed: Partial<Record<FieldPath, string>> = {};
  for (const issue of error.issues ?? []) {
    const path = issue.path.replace(/^bigFive\./, '').replace(/^tags\.\d+$/, 'tags');
    const field = (/^(resistance|openness|conscientiousness|extraversion|agreeableness|neuroticism)$/.test(path) ? `${path}.level` : path) as FieldPath;
    placed[field] = issue.message;
  }
  return placed;
}

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
    const errors = validate(s.draft, t.validation);
    if (Object.keys(errors).length > 0) {
      set({ status: s.target.kind === 'card' ? 'invalid' : s.status, showAllErrors: kind === 'manual' || s.showAllErrors });
      return;
    }
    const sent = normalised(s.draft);
    saving = (async () => {
      set({ status: 'saving', saveError: null });
      if (s.target!.kind === 'new') {
        const result = await call(() => window.api.cards.create(toFields(s.draft)));
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
      const before = normalised(valuesOf(base));
      const patch: Record<string, unknown> = {};
      const changed: string[] = [];
      for (const key of Object.keys(sent) as (keyof typeof sent)[]) {
        if (key === 'bigFive') {
          const traitsChanged = traits.filter((tr) => !sameJson(sent.bigFive[tr], before.bigFive[tr]));
          if (traitsChanged.length) patch.bigFive = Object.fromEntries(traitsChanged.map((tr) => [tr, sent.bigFive[tr]]));
          changed.push(...traitsChanged);
        } else if (!sameJson(sent[key], before[key])) {
          patch[key] = sent[key];
          changed.push(key);
        }
      }
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
    set({ status: 'conflict', saveError: error.message });
    return;
  }
  if (error.code === 'validation' && error.issues?.length) {
    set({ status: 'invalid', serverErrors: placeServerIssues(error), showAllErrors: true, saveError: null });
    return;
  }
  set({ status: 'error', saveError: error.message });
}

// ── Selectors ──────────────────────────────────────────────────────────────────
export const selectDirty = isDirty;
export const selectCanUndo = (s: CardEditorState) => s.past.length > 0;
export const selectCanRedo = (s: CardEditorState) => s.future.length > 0;
