import { createHash } from 'node:crypto';
import {
  roleCardFieldsSchema,
  traits,
  type GenderKey,
  type RoleCardContent,
  type RoleCardFields,
} from '../contract/role-card';

// The card model as the domain uses it. The zod schema lives in the contract (the renderer
// validates with it too); this file adds what only main needs: the keys the database
// indexes for filtering and duplicate detection, and turning zod issues into import problems.

export { roleCardFieldsSchema };
export type { RoleCardFields, RoleCardContent };

/** 女/女性/female/woman → female; 男/男性/male/man → male; anything else (e.g. 非二元) → other. */
export function genderKey(gender: string): GenderKey {
  const g = gender.trim().toLowerCase();
  if (/女|^f$|female|woman|girl/.test(g)) return 'female';
  if (/男|^m$|\bmale\b|\bman\b|boy/.test(g)) return 'male';
  return 'other';
}

/**
 * The complaint with spacing, punctuation and letter case ignored: two cards with the same
 * key tell the same story (e.g. one PsyQA post imported twice with different line breaks).
 */
export function complaintText(complaint: string): string {
  return complaint.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

export const complaintKey = (complaint: string): string => sha1(complaintText(complaint));

/**
 * Identity of a card's content: the nine elements as written, the extra fields and the
 * language, spacing-insensitive. Split, tags and source are left out, so the same card filed
 * differently is still the same card.
 */
export function contentHash(card: RoleCardContent & { language: string }): string {
  const squash = (s: string) => s.normalize('NFKC').replace(/\s+/g, ' ').trim();
  const parts = [
    card.language,
    card.gender,
    card.age,
    card.education,
    card.occupation,
    card.maritalStatus,
    card.familyRelationships,
    ...traits.map((t) => card.bigFive[t]),
    card.resistance,
    card.chiefComplaint,
    ...card.extras.flatMap((e) => [e.after, e.label, e.value]),
  ];
  return sha1(JSON.stringify(parts.map(squash)));
}

/** Only the editable fields, in a fixed key order (snapshots and exports compare equal). */
export function fieldsOf(card: RoleCardFields): RoleCardFields {
  return {
    gender: card.gender,
    age: card.age,
    education: card.education,
    occupation: card.occupation,
    maritalStatus: card.maritalStatus,
    familyRelationships: card.familyRelationships,
    bigFive: Object.fromEntries(traits.map((t) => [t, card.bigFive[t]])) as RoleCardFields['bigFive'],
    resistance: card.resistance,
    extras: card.extras.map((e) => ({ after: e.after, label: e.label, value: e.value })),
    chiefComplaint: card.chiefComplaint,
    split: card.split,
    language: card.language,
    tags: [...card.tags],
    source: card.source,
  };
}

/** Chinese characters anywhere in the complaint make a card Chinese unless told otherwise. */
export const guessLanguage = (text: string): 'zh' | 'en' => (/\p{Script=Han}/u.test(text) ? 'zh' : 'en');

export type FieldCheck = { ok: true; card: RoleCardFields } | { ok: false; issues: { path: string; message: string }[] };

/** Validates a card assembled by an importer; issues carry the model's dotted field path. */
export function checkFields(candidate: unknown): FieldCheck {
  const parsed = roleCardFieldsSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, card: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((i) => ({
      path: i.path.map(String).join('.'),
      message: i.code === 'unrecognized_keys' ? `Unknown field(s) ${i.keys.map((k) => `'${k}'`).join(', ')}` : i.message,
    })),
  };
}
