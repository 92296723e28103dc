import {
  ageRangeOf,
  cardTextLimits,
  controlCharacterIn,
  extraAnchors,
  extraFieldSchema,
  graphemeLength,
  levelLabels,
  levelOf,
  levelPhraseLength,
  tagSchema,
  tidyText,
  traits,
  type AgeRange,
  type ApiError,
  type CardDraft,
  type CardLanguage,
  type ExtraAnchor,
  type ExtraField,
  type Level,
  type RoleCardFields,
  type Split,
  type Trait,
} from '@contract';

// The card form's model, apart from the store that holds it: the values being edited, the
// paths of its fields, what each field's text reads as (a level, an age, free text), the
// problems that keep it from saving, and what the preview and a save send to main. Every
// limit and pattern comes from the contract, so the form refuses exactly what main refuses.
// Nothing here touches the DOM or the API: it is plain data and functions, unit-tested.

// ── Values ─────────────────────────────────────────────────────────────────────
export interface CardValues {
  gender: string;
  age: string;
  education: string;
  occupation: string;
  maritalStatus: string;
  familyRelationships: string;
  bigFive: Record<Trait, string>;
  resistance: string;
  extras: ExtraField[];
  chiefComplaint: string;
  split: Split;
  language: CardLanguage;
  tags: string[];
  source: string;
}

/** The elements written as one text each (the traits are `bigFive.<trait>`). */
export const textFields = ['gender', 'age', 'education', 'occupation', 'maritalStatus', 'familyRelationships', 'resistance', 'chiefComplaint'] as const;
export type TextField = (typeof textFields)[number];
/** A trait or the resistance: a text that may start with a level. */
export type RatedPath = `bigFive.${Trait}` | 'resistance';
export type ExtraPath = `extras.${number}.label` | `extras.${number}.value`;
/** A place in the form, named as main names it in validation issues. */
export type FieldPath = TextField | `bigFive.${Trait}` | ExtraPath | 'extras' | 'split' | 'language' | 'tags';

const limits: Record<TextField, number> = {
  gender: cardTextLimits.gender,
  age: cardTextLimits.age,
  education: cardTextLimits.education,
  occupation: cardTextLimits.occupation,
  maritalStatus: cardTextLimits.maritalStatus,
  familyRelationships: cardTextLimits.familyRelationships,
  resistance: cardTextLimits.resistance,
  chiefComplaint: cardTextLimits.chiefComplaint,
};

export function blankValues(language: CardLanguage): CardValues {
  return {
    gender: '',
    age: '',
    education: '',
    occupation: '',
    maritalStatus: '',
    familyRelationships: '',
    bigFive: Object.fromEntries(traits.map((t) => [t, ''])) as Record<Trait, string>,
    resistance: '',
    extras: [],
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
    bigFive: { ...card.bigFive },
    resistance: card.resistance,
    extras: card.extras.map((e) => ({ ...e })),
    chiefComplaint: card.chiefComplaint,
    split: card.split,
    language: card.language,
    tags: [...card.tags],
    source: card.source,
  };
}

export function getValue(v: CardValues, path: FieldPath): unknown {
  const [head, key, part] = path.split('.');
  if (head === 'bigFive') return v.bigFive[key as Trait];
  if (head === 'extras' && key !== undefined) return v.extras[Number(key)]?.[part as 'label' | 'value'];
  return v[head as keyof CardValues];
}

export function withValue(v: CardValues, path: FieldPath, value: unknown): CardValues {
  const [head, key, part] = path.split('.');
  if (head === 'bigFive') return { ...v, bigFive: { ...v.bigFive, [key as Trait]: value } };
  if (head === 'extras' && key !== undefined) {
    const extras = v.extras.map((e, i) => (i === Number(key) ? { ...e, [part as 'label' | 'value']: value } : e));
    return { ...v, extras };
  }
  return { ...v, [head as keyof CardValues]: value };
}

const anchorOrder = (a: ExtraAnchor) => extraAnchors.indexOf(a);

/** As main will store it: texts tidied, extra fields in card order, tags as a sorted set. */
export function normalised(v: CardValues): RoleCardFields {
  return {
    gender: tidyText(v.gender),
    age: tidyText(v.age),
    education: tidyText(v.education),
    occupation: tidyText(v.occupation),
    maritalStatus: tidyText(v.maritalStatus),
    familyRelationships: tidyText(v.familyRelationships),
    bigFive: Object.fromEntries(traits.map((t) => [t, tidyText(v.bigFive[t])])) as Record<Trait, string>,
    resistance: tidyText(v.resistance),
    extras: v.extras
      .map((e, i) => ({ e: { after: e.after, label: tidyText(e.label), value: tidyText(e.value) }, i }))
      .sort((a, b) => anchorOrder(a.e.after) - anchorOrder(b.e.after) || a.i - b.i)
      .map((x) => x.e),
    chiefComplaint: tidyText(v.chiefComplaint),
    split: v.split,
    language: v.language,
    tags: [...new Set(v.tags.map((t) => t.trim()))].sort(),
    source: tidyText(v.source),
  };
}

/** Whether anything was written into the values (a new card with nothing in it is not unsaved work). */
export function hasContent(v: CardValues): boolean {
  const texts = [...textFields.map((f) => v[f]), ...traits.map((t) => v.bigFive[t]), ...v.extras.flatMap((e) => [e.label, e.value])];
  return texts.some((text) => text.trim() !== '') || v.extras.length > 0;
}

export const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

// ── What a value reads as ──────────────────────────────────────────────────────
/** What the editor shows under a trait or the resistance: not given, free text, or the level it starts with. */
export type LevelReading = { kind: 'notGiven' } | { kind: 'freeText' } | { kind: 'level'; level: Level };
export type AgeReading = { kind: 'notGiven' } | { kind: 'freeText' } | { kind: 'age'; range: AgeRange };

export function readLevel(text: string): LevelReading {
  if (text.trim() === '') return { kind: 'notGiven' };
  const level = levelOf(text);
  return level ? { kind: 'level', level } : { kind: 'freeText' };
}

export function readAge(text: string): AgeReading {
  if (text.trim() === '') return { kind: 'notGiven' };
  const range = ageRangeOf(text);
  return range ? { kind: 'age', range } : { kind: 'freeText' };
}

/**
 * The text with its level replaced: the level phrase it starts with (hedge included) becomes
 * `level`'s word in the card's language, the rest stays as written; a text without one gets
 * the word and 。 (". " in English) in front.
 */
export function withLevel(text: string, level: Level, language: CardLanguage): string {
  const word = levelLabels[language][level];
  const phrase = levelPhraseLength(text);
  if (phrase > 0) return `${word}${text.slice(phrase)}`;
  if (text.trim() === '') return word;
  return `${word}${language === 'zh' ? '。' : '. '}${text.trimStart()}`;
}

/** What the level input offers while the level is being typed: the five words that continue it. */
export function levelSuggestions(text: string, language: CardLanguage): string[] {
  const words = Object.values(levelLabels[language]);
  const typed = text.trim().toLowerCase();
  if (typed === '') return words;
  // Once a description follows the level, the text is being written, not chosen.
  if (/[\s。.，,；;：:（(]/u.test(typed)) return [];
  return words.filter((w) => w.toLowerCase().startsWith(typed) && w.toLowerCase() !== typed);
}

/** What the age input offers: a bare number written as an age ("25" → "25岁" in Chinese). */
export function ageSuggestions(text: string, language: CardLanguage): string[] {
  const m = /^\s*(\d{1,3})\s*$/.exec(text);
  if (!m || language !== 'zh') return [];
  return [`${m[1]}岁`];
}

// ── Problems ───────────────────────────────────────────────────────────────────
/** Why a field cannot be saved, in no language yet (the form words it). */
export type FormIssue =
  | { kind: 'required' }
  | { kind: 'tooLong'; max: number }
  | { kind: 'control'; where: string }
  | { kind: 'labelColon' }
  | { kind: 'tag'; tag: string }
  | { kind: 'tooManyTags' }
  | { kind: 'tooManyExtras'; max: number };
export type FormIssues = Partial<Record<FieldPath, FormIssue>>;

function textIssue(text: string, max: number): FormIssue | undefined {
  const where = controlCharacterIn(text);
  if (where) return { kind: 'control', where };
  if (graphemeLength(tidyText(text)) > max) return { kind: 'tooLong', max };
  return undefined;
}

const validated = new WeakMap<CardValues, FormIssues>();

/** Checks the values as the contract does (cached per draft). Empty elements are allowed; the complaint is not. */
export function validate(v: CardValues): FormIssues {
  const cached = validated.get(v);
  if (cached) return cached;
  const issues: FormIssues = {};
  for (const field of textFields) {
    const issue = textIssue(v[field], limits[field]);
    if (issue) issues[field] = issue;
  }
  if (!issues.chiefComplaint && tidyText(v.chiefComplaint) === '') issues.chiefComplaint = { kind: 'required' };
  for (const t of traits) {
    const issue = textIssue(v.bigFive[t], cardTextLimits.trait);
    if (issue) issues[`bigFive.${t}`] = issue;
  }
  v.extras.forEach((e, i) => {
    const label = textIssue(e.label, cardTextLimits.extraLabel) ?? (/[:：\n]/.test(tidyText(e.label)) ? ({ kind: 'labelColon' } as const) : undefined);
    if (label) issues[`extras.${i}.label`] = label;
    const value = textIssue(e.value, cardTextLimits.extraValue);
    if (value) issues[`extras.${i}.value`] = value;
  });
  if (v.extras.length > cardTextLimits.extras) issues.extras = { kind: 'tooManyExtras', max: cardTextLimits.extras };
  const badTag = v.tags.find((tag) => !tagSchema.safeParse(tag).success);
  if (badTag !== undefined) issues.tags = { kind: 'tag', tag: badTag };
  else if (v.tags.length > 50) issues.tags = { kind: 'tooManyTags' };
  validated.set(v, issues);
  return issues;
}

/** Main's validation issues (paths like `bigFive.openness`, `tags.2`) as form paths. */
export function placeServerIssues(error: ApiError): Partial<Record<FieldPath, string>> {
  const placed: Partial<Record<FieldPath, string>> = {};
  for (const issue of error.issues ?? []) {
    const path = issue.path.replace(/^tags\.\d+$/, 'tags').replace(/^(extras\.\d+)$/, '$1.label') as FieldPath;
    placed[path] = issue.message;
  }
  return placed;
}

// ── What goes to main ──────────────────────────────────────────────────────────
/** What the preview can render now: every value that is valid on its own (an unfinished card shows what is there). */
export function renderableDraft(v: CardValues): CardDraft {
  const issues = validate(v);
  const n = normalised(v);
  const draft: CardDraft = { language: v.language };
  for (const field of textFields) if (!issues[field] || (field === 'chiefComplaint' && issues[field]?.kind === 'required')) draft[field] = n[field];
  draft.bigFive = Object.fromEntries(traits.filter((t) => !issues[`bigFive.${t}`]).map((t) => [t, n.bigFive[t]]));
  draft.extras = n.extras.filter((e) => extraFieldSchema.safeParse(e).success);
  return draft;
}

/** The fields that differ from the saved card, as an update sends them, and their names for the history. */
export function changes(sent: RoleCardFields, before: RoleCardFields): { patch: Record<string, unknown>; changed: string[] } {
  const patch: Record<string, unknown> = {};
  const changed: string[] = [];
  for (const key of Object.keys(sent) as (keyof RoleCardFields)[]) {
    if (key === 'bigFive') {
      const traitsChanged = traits.filter((t) => sent.bigFive[t] !== before.bigFive[t]);
      if (traitsChanged.length) patch.bigFive = Object.fromEntries(traitsChanged.map((t) => [t, sent.bigFive[t]]));
      changed.push(...traitsChanged);
    } else if (!sameJson(sent[key], before[key])) {
      patch[key] = sent[key];
      changed.push(key);
    }
  }
  return { patch, changed };
}

// ── Extra fields ───────────────────────────────────────────────────────────────
/** The extra fields standing after one element, with their indexes in the list. */
export function extrasAt(v: CardValues, anchor: ExtraAnchor): { index: number; field: ExtraField }[] {
  return v.extras.map((field, index) => ({ index, field })).filter((x) => x.field.after === anchor);
}

export function withExtraAdded(v: CardValues, after: ExtraAnchor): CardValues {
  return { ...v, extras: [...v.extras, { after, label: '', value: '' }] };
}

export function withExtraRemoved(v: CardValues, index: number): CardValues {
  return { ...v, extras: v.extras.filter((_, i) => i !== index) };
}
