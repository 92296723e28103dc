import { z } from 'zod';
import { levels, levelWords, type Level } from './card-reading';
import { controlCharacterIn, graphemeLength, tidyText } from './text';

// A client role card (paper §3.4, Figure 8): nine elements (gender, age, education,
// occupation, marital status, family relationships, Big Five, resistance, chief complaint)
// plus what the studio needs to manage a pool of them.
//
// A card is what its author wrote: every element is stored as the text written for it
// ("中高，愿意尝试…", "30多岁", "暂未提及"), and that text is what the client agent receives.
// Structure is derived from the text where it parses (card-reading.ts: a level per trait, an
// age range) and stored beside it for filtering; a value that does not parse is free text.
// Lines a card carries beyond the nine elements ("经济状况：…") are kept as extra fields, each
// in its place: after the element it followed.

export * from './card-reading';

export const splits = ['pool', 'test'] as const;
export type Split = (typeof splits)[number];

export const cardLanguages = ['zh', 'en'] as const;
export type CardLanguage = (typeof cardLanguages)[number];

export const traits = ['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism'] as const;
export type Trait = (typeof traits)[number];

/** Derived from the gender text so the pool can filter on it; the text itself is kept as written. */
export const genderKeys = ['female', 'male', 'other'] as const;
export type GenderKey = (typeof genderKeys)[number];

export const levelLabels: Record<CardLanguage, Record<Level, string>> = levelWords;

export const traitLabels: Record<CardLanguage, Record<Trait, string>> = {
  zh: { openness: '开放性', conscientiousness: '尽责性', extraversion: '外向性', agreeableness: '宜人性', neuroticism: '神经质' },
  en: {
    openness: 'Openness',
    conscientiousness: 'Conscientiousness',
    extraversion: 'Extraversion',
    agreeableness: 'Agreeableness',
    neuroticism: 'Neuroticism',
  },
};

/**
 * Where an extra field stands: after which line of the card. `start` is before the first
 * element, `bigFive` right under the 大五人格 heading, a trait after that trait's line.
 */
export const extraAnchors = ['start', 'gender', 'age', 'education', 'occupation', 'maritalStatus', 'familyRelationships', 'bigFive', ...traits, 'resistance'] as const;
export type ExtraAnchor = (typeof extraAnchors)[number];

/** Most characters (graphemes) each text may have. */
export const cardTextLimits = {
  gender: 100,
  age: 100,
  education: 1000,
  occupation: 1000,
  maritalStatus: 1000,
  familyRelationships: 4000,
  trait: 4000,
  resistance: 4000,
  chiefComplaint: 20_000,
  extraLabel: 40,
  extraValue: 4000,
  extras: 50,
} as const;
export const COMPLAINT_MAX = cardTextLimits.chiefComplaint;

/** zod's error option: one message when the field is absent, another when it has the wrong type. */
const absentOr = (what: string, wrong: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? `${what} is missing` : wrong;

/**
 * A text as written: line endings unified, spaces at line ends and around it dropped; no
 * control characters but tab and line breaks; at most `max` characters.
 */
export const writtenText = (what: string, max: number) =>
  z
    .string({ error: absentOr(what, `${what} must be text`) })
    .transform(tidyText)
    .superRefine((value, ctx) => {
      const control = controlCharacterIn(value);
      if (control) ctx.addIssue({ code: 'custom', message: `${what} contains a control character (${control}); remove it (only tabs and line breaks are allowed)` });
      // A text is never more graphemes than UTF-16 units: count only when it could be too long.
      if (value.length > max && graphemeLength(value) > max) ctx.addIssue({ code: 'custom', message: `${what} is too long (at most ${max} characters)` });
    });

/** An element a card may leave out: missing means empty. */
const optionalText = (what: string, max: number) => writtenText(what, max).default('');

const traitText = (trait: Trait) => writtenText(traitLabels.en[trait], cardTextLimits.trait);

/** Each element's text as written, without a default (an update leaves out what it does not change). */
export const elementText = {
  gender: writtenText('Gender', cardTextLimits.gender),
  age: writtenText('Age', cardTextLimits.age),
  education: writtenText('Education', cardTextLimits.education),
  occupation: writtenText('Occupation', cardTextLimits.occupation),
  maritalStatus: writtenText('Marital status', cardTextLimits.maritalStatus),
  familyRelationships: writtenText('Family relationships', cardTextLimits.familyRelationships),
  resistance: writtenText('Resistance', cardTextLimits.resistance),
  chiefComplaint: writtenText('The chief complaint', cardTextLimits.chiefComplaint).refine((c) => c !== '', 'The chief complaint must not be empty'),
  trait: traitText,
};

export const bigFiveSchema = z
  .strictObject(
    {
      openness: traitText('openness').default(''),
      conscientiousness: traitText('conscientiousness').default(''),
      extraversion: traitText('extraversion').default(''),
      agreeableness: traitText('agreeableness').default(''),
      neuroticism: traitText('neuroticism').default(''),
    },
    { error: absentOr('The Big Five', 'The Big Five is an object with the five traits, each a text such as "中等偏高。描述"') },
  )
  .default({ openness: '', conscientiousness: '', extraversion: '', agreeableness: '', neuroticism: '' });
export type BigFive = Record<Trait, string>;

export const extraFieldSchema = z.strictObject(
  {
    after: z.enum(extraAnchors, { error: `An extra field's "after" is one of ${extraAnchors.join(', ')}` }),
    label: writtenText('The label', cardTextLimits.extraLabel).refine((l) => !/[:：\n]/.test(l), 'A label may not contain a colon or a line break'),
    value: optionalText('The value', cardTextLimits.extraValue),
  },
  { error: absentOr('The extra field', 'An extra field is { after, label, value }') },
);
export type ExtraField = z.output<typeof extraFieldSchema>;

export const extrasList = z
  .array(extraFieldSchema, { error: 'Extra fields are a list of { after, label, value }' })
  .max(cardTextLimits.extras, `At most ${cardTextLimits.extras} extra fields`)
  // In card order: by where they stand, written order kept among those in one place.
  .transform((extras) => extras.map((e, i) => ({ e, i })).sort((a, b) => extraAnchors.indexOf(a.e.after) - extraAnchors.indexOf(b.e.after) || a.i - b.i).map((x) => x.e));
export const extrasSchema = extrasList.default([]);

export const tagSchema = z
  .string({ error: 'A tag must be text' })
  .trim()
  .min(1, 'A tag must not be empty')
  .max(40, 'Keep a tag under 40 characters')
  .regex(/^[^;；,，\n\r\t]+$/u, 'A tag may not contain ; , or line breaks')
  .refine((tag) => controlCharacterIn(tag) === undefined, 'A tag may not contain control characters');

export const tagsSchema = z
  .array(tagSchema, { error: 'Tags must be a list of words' })
  .max(50, 'At most 50 tags per card')
  // Tags are a set: duplicates dropped, kept in a stable order so round trips are exact.
  .transform((tags) => [...new Set(tags)].sort());

export const roleCardContentShape = {
  gender: elementText.gender.default(''),
  age: elementText.age.default(''),
  education: elementText.education.default(''),
  occupation: elementText.occupation.default(''),
  maritalStatus: elementText.maritalStatus.default(''),
  familyRelationships: elementText.familyRelationships.default(''),
  bigFive: bigFiveSchema,
  resistance: elementText.resistance.default(''),
  extras: extrasSchema,
  chiefComplaint: elementText.chiefComplaint,
};

const sourceSchema = writtenText('Source', 500);

/** Everything a person edits on a card; also the shape of a history snapshot. */
export const roleCardFieldsSchema = z.strictObject({
  ...roleCardContentShape,
  split: z.enum(splits, { error: "Split is 'pool' or 'test'" }).default('pool'),
  language: z.enum(cardLanguages, { error: "Language is 'zh' or 'en'" }).default('zh'),
  tags: tagsSchema.default([]),
  source: sourceSchema.default('manual'),
});
export type RoleCardFields = z.output<typeof roleCardFieldsSchema>;
export type RoleCardContent = Omit<RoleCardFields, 'split' | 'language' | 'tags' | 'source'>;

export interface RoleCardView extends RoleCardFields {
  id: number;
  createdAt: string;
  updatedAt: string;
}

/** One row of the pool list: enough to show and filter, without the long texts. */
export interface RoleCardSummary {
  id: number;
  split: Split;
  language: CardLanguage;
  gender: string;
  genderKey: GenderKey;
  /** The age as written, and the ages it names (null when it names none). */
  age: string;
  ageRange: { min: number; max: number } | null;
  education: string;
  occupation: string;
  maritalStatus: string;
  /** The level each trait's text starts with; null when the text is free. */
  levels: Record<Trait, Level | null>;
  resistance: Level | null;
  /** The first 160 characters of the complaint. */
  complaintPreview: string;
  complaintLength: number;
  tags: string[];
  source: string;
  /** How many other cards have the same complaint (after ignoring spacing and punctuation). */
  sameComplaint: number;
  createdAt: string;
  updatedAt: string;
}

export interface RoleCardPage {
  total: number;
  offset: number;
  items: RoleCardSummary[];
}

const id = z.number().int().positive();
const levelList = z.array(z.enum(levels, { error: `Use one of the levels ${levels.join(', ')}` })).min(1).max(levels.length);

/** Which cards: every condition given must hold; a list of levels means "any of these". */
export const cardFilterShape = {
  /** Words to find in the complaint and the other texts (Chinese works: substring search). */
  query: z.string().trim().max(200).optional(),
  split: z.enum(splits).optional(),
  language: z.enum(cardLanguages).optional(),
  gender: z.enum(genderKeys).optional(),
  /** Cards whose age (or age range) reaches into [ageMin, ageMax]; cards naming no age are left out. */
  ageMin: z.number().int().min(0).max(200).optional(),
  ageMax: z.number().int().min(0).max(200).optional(),
  /** Cards carrying every one of these tags. */
  tags: z.array(tagSchema).max(20).optional(),
  traits: z
    .strictObject({
      openness: levelList.optional(),
      conscientiousness: levelList.optional(),
      extraversion: levelList.optional(),
      agreeableness: levelList.optional(),
      neuroticism: levelList.optional(),
    })
    .optional(),
  /** Levels are the derived ones: a card whose text is free matches no level. */
  resistance: levelList.optional(),
  /** Only cards whose complaint another card shares exactly. */
  sameComplaint: z.boolean().optional(),
};
const ageOrder = (f: { ageMin?: number | undefined; ageMax?: number | undefined }) =>
  f.ageMin === undefined || f.ageMax === undefined || f.ageMin <= f.ageMax;
const ageOrderIssue = { message: 'The lowest age must not be above the highest', path: ['ageMin'] };

export const cardFilterSchema = z.strictObject(cardFilterShape).refine(ageOrder, ageOrderIssue);
export type CardFilter = z.output<typeof cardFilterSchema>;

export const cardSortKeys = ['id', 'createdAt', 'updatedAt', 'age', 'relevance'] as const;
export type CardSortKey = (typeof cardSortKeys)[number];

export const cardListInput = z
  .strictObject({
    ...cardFilterShape,
    /** `relevance` ranks by the text query and falls back to id without one. */
    sort: z.enum(cardSortKeys).default('id'),
    order: z.enum(['asc', 'desc']).default('asc'),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .refine(ageOrder, ageOrderIssue);
export type CardListInput = z.output<typeof cardListInput>;

export const cardCreateInput = roleCardFieldsSchema;
export type CardCreateInput = z.input<typeof cardCreateInput>;

const content = elementText;
/** Fields left out stay as they are; `bigFive` may carry only the traits that changed. */
export const cardUpdateInput = z.strictObject({
  id,
  gender: content.gender.optional(),
  age: content.age.optional(),
  education: content.education.optional(),
  occupation: content.occupation.optional(),
  maritalStatus: content.maritalStatus.optional(),
  familyRelationships: content.familyRelationships.optional(),
  bigFive: z
    .strictObject({
      openness: traitText('openness').optional(),
      conscientiousness: traitText('conscientiousness').optional(),
      extraversion: traitText('extraversion').optional(),
      agreeableness: traitText('agreeableness').optional(),
      neuroticism: traitText('neuroticism').optional(),
    })
    .optional(),
  resistance: content.resistance.optional(),
  extras: extrasList.optional(),
  chiefComplaint: content.chiefComplaint.optional(),
  split: z.enum(splits).optional(),
  language: z.enum(cardLanguages).optional(),
  tags: tagsSchema.optional(),
  source: sourceSchema.optional(),
  /** Shown in the history, e.g. "fixed the age". */
  reason: z.string().trim().max(200).optional(),
  /** The updatedAt the editor loaded; a newer one on disk means someone else saved first. */
  ifUpdatedAt: z.string().max(40).optional(),
});
export type CardUpdateInput = z.output<typeof cardUpdateInput>;

export const cardBulkAction = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('addTags'), tags: z.array(tagSchema).min(1).max(20) }),
  z.strictObject({ kind: z.literal('removeTags'), tags: z.array(tagSchema).min(1).max(20) }),
  z.strictObject({ kind: z.literal('setSplit'), split: z.enum(splits) }),
  z.strictObject({ kind: z.literal('delete') }),
]);
export type CardBulkAction = z.output<typeof cardBulkAction>;

/** A bulk action applies to listed cards or to every card a filter matches ("select all"). */
export const cardBulkInput = z
  .strictObject({
    ids: z.array(id).min(1).max(20_000).optional(),
    filter: cardFilterSchema.optional(),
    action: cardBulkAction,
  })
  .refine((b) => (b.ids === undefined) !== (b.filter === undefined), {
    message: 'Give either ids or filter, not both',
    path: ['ids'],
  });
export type CardBulkInput = z.output<typeof cardBulkInput>;

export const cardRevertInput = z.strictObject({ id, revisionId: id });

export interface RoleCardRevision {
  id: number;
  cardId: number;
  /** When the card was changed away from this version. */
  createdAt: string;
  reason: string;
  /** The card as it was before that change. */
  card: RoleCardFields;
}

export const cardFormats = ['paper', 'json', 'jsonl', 'csv'] as const;
export type CardFormat = (typeof cardFormats)[number];

/** A full path, as a file dialog returns it; main never resolves paths relative to its own folder. */
export const absolutePath = z
  .string()
  .max(4096)
  .refine((p) => !p.includes('\0'), 'A path may not contain NUL')
  .refine((p) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p), 'Give a full path (as the file dialog returns it)');

export const cardImportInput = z.strictObject({
  path: absolutePath,
  format: z.enum(['auto', ...cardFormats]).default('auto'),
  /** Puts every imported card in this split, whatever the file says. */
  split: z.enum(splits).optional(),
  /** Check and preview only; nothing is written. */
  dryRun: z.boolean().default(false),
});
export type CardImportInput = z.output<typeof cardImportInput>;

/** One problem found in an import, pointing at the place to fix. */
export interface ImportProblem {
  file: string;
  /** 1-based line in a text file (JSONL, CSV, a paper card). */
  line?: number;
  /** 0-based position in a JSON array or a paper split; 1-based data row in CSV. */
  record?: number;
  field?: string;
  reason: string;
}

export interface ImportReport {
  path: string;
  format: CardFormat | null;
  encoding: string | null;
  dryRun: boolean;
  /** True when nothing was (or would be) imported because of `problems`. */
  refused: boolean;
  /** Cards found in the input. */
  found: number;
  /** Cards written (0 in a dry run or when refused). */
  imported: number;
  /** Cards that would be written if this were not a dry run. */
  importable: number;
  ids: number[];
  /** Errors: any one refuses the whole input. Capped at 500; `moreProblems` counts the rest. */
  problems: ImportProblem[];
  moreProblems: number;
  /** Cards identical to one already in the pool or earlier in the file: not imported again. Capped at 500. */
  duplicates: ImportProblem[];
  duplicateCount: number;
  /** Worth a look but imported, e.g. a complaint another card already has. */
  warnings: ImportProblem[];
  /** The first cards as they will be stored, for a dry-run preview. */
  preview: RoleCardFields[];
}

export const cardExportInput = z
  .strictObject({
    path: absolutePath,
    format: z.enum(cardFormats),
    ids: z.array(id).min(1).max(20_000).optional(),
    filter: cardFilterSchema.optional(),
    /** Replace an existing file (or paper split); refused without it. A SQLite file is never replaced. */
    overwrite: z.boolean().optional(),
  })
  .refine((e) => e.ids === undefined || e.filter === undefined, { message: 'Give ids or filter, not both', path: ['ids'] });
export type CardExportInput = z.output<typeof cardExportInput>;

export interface ExportResult {
  path: string;
  format: CardFormat;
  count: number;
  files: string[];
}

export const cardSplitInput = z.strictObject({
  /** How many cards go to the held-out test split; the rest go to the pool. */
  test: z.number().int().min(0).max(1_000_000),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  dryRun: z.boolean().default(false),
});
export type CardSplitInput = z.output<typeof cardSplitInput>;

export interface SplitResult {
  seed: number;
  pool: number;
  test: number;
  /** Cards whose split changed (or would change, in a dry run). */
  moved: number;
  dryRun: boolean;
}

/**
 * The jobs of large card work, run in a worker thread: a duplicate search, the check of an
 * import (a dry run) and an import. Their progress arrives on `jobs:progress` with this kind;
 * `jobs:cancel` stops them. Small inputs are answered at once, without a job.
 */
export const cardJobKinds = { duplicates: 'cards.duplicates', check: 'cards.check', import: 'cards.import' } as const;

export const cardDuplicatesInput = z.strictObject({
  /** Character-trigram Jaccard similarity from which two complaints count as near-duplicates. */
  threshold: z.number().min(0.5).max(1).default(0.7),
  split: z.enum(splits).optional(),
});

export interface DuplicateGroup {
  kind: 'exact' | 'near';
  cardIds: number[];
  /** Pairs that tie the group together, with their similarity (1 for exact). */
  pairs: { a: number; b: number; similarity: number }[];
}

export interface CardText {
  id: number;
  language: CardLanguage;
  /** The card exactly as the client agent receives it in place of {role_card}. */
  text: string;
}
