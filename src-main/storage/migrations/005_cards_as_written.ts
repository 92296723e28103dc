import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Migration } from '../migration';

// A card is what its author wrote (docs/role-cards.md). Until now an age was stored as a
// whole number and each Big Five trait and the resistance as a level key plus a description,
// so a card imported with "中高（…）" came back as "中等偏高。…". From here every element is
// the text as written, with its reading derived beside it for filtering:
//   age            TEXT  (was INTEGER 1–120)      + age_min, age_max  (NULL when it names no age)
//   <trait>        TEXT  (was a level key)        + <trait>_level     (NULL for free text)
//   resistance     TEXT  (was a level key)        + resistance_level
//   extras         TEXT  JSON [{after, label, value}]: lines beyond the nine elements
// and <trait>_description, resistance_description are gone. Existing cards and history
// snapshots become exactly what today's export would have written: "25岁" (zh) or "25" (en),
// "中等偏高。描述" / "Moderately high. Description" ("中等" alone without a description). Their
// derived values are the old ones, so no filter result changes.
//
// SQLite cannot change a column's type or CHECK in place, and rebuilding role_cards would
// cascade-delete the tags, revisions and chats that reference it (foreign keys stay on inside
// a migration's transaction). So columns are renamed, added and dropped in place, with the
// trigger and indexes that name them dropped first and recreated after. The content hash
// (duplicate detection) now covers the texts as written and is recomputed; the search index
// is cleared and every card queued for re-indexing (searches scan queued cards meanwhile).

const traits = ['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism'] as const;
const rated = [...traits, 'resistance'] as const;
const levels = `('low','moderately_low','moderate','moderately_high','high')`;

// Frozen here: the words and the hash as they are at this version, whatever later code does.
const labels: Record<'zh' | 'en', Record<string, string>> = {
  zh: { low: '低', moderately_low: '中等偏低', moderate: '中等', moderately_high: '中等偏高', high: '高' },
  en: { low: 'Low', moderately_low: 'Moderately low', moderate: 'Moderate', moderately_high: 'Moderately high', high: 'High' },
};
type Language = 'zh' | 'en';
const ratingText = (level: string, description: string, language: Language) => {
  const word = labels[language][level] ?? level;
  return description === '' ? word : `${word}${language === 'zh' ? '。' : '. '}${description}`;
};
const ageText = (age: number, language: Language) => (language === 'zh' ? `${age}岁` : String(age));

interface Content {
  language: string;
  gender: string;
  age: string;
  education: string;
  occupation: string;
  maritalStatus: string;
  familyRelationships: string;
  bigFive: Record<string, string>;
  resistance: string;
  chiefComplaint: string;
  extras: { after: string; label: string; value: string }[];
}
function contentHash(card: Content): string {
  const squash = (s: string) => s.normalize('NFKC').replace(/\s+/g, ' ').trim();
  const parts = [
    card.language, card.gender, card.age, card.education, card.occupation, card.maritalStatus, card.familyRelationships,
    ...traits.map((t) => card.bigFive[t] ?? ''), card.resistance, card.chiefComplaint,
    ...card.extras.flatMap((e) => [e.after, e.label, e.value]),
  ];
  return createHash('sha1').update(JSON.stringify(parts.map(squash))).digest('hex');
}

/** The searchable profile: every text of the card but the complaint, one per line. */
export function profileSql005(row: string): string {
  const texts = ['gender', 'age', 'education', 'occupation', 'marital_status', 'family_relationships', ...rated].map((c) => `${row}.${c}`);
  const extras = `coalesce((SELECT group_concat(json_extract(e.value, '$.label') || ' ' || json_extract(e.value, '$.value'), char(10)) FROM json_each(${row}.extras) e), '')`;
  return [...texts, extras].join(' || char(10) || ');
}
const textColumns = ['chief_complaint', 'gender', 'age', 'education', 'occupation', 'marital_status', 'family_relationships', ...rated, 'extras'];

export const m005CardsAsWritten: Migration = {
  version: 5,
  name: 'cards_as_written',
  up(db) {
    db.exec(`
      DROP TRIGGER role_cards_fts_update;
      DROP INDEX role_cards_by_age;
      DROP INDEX role_cards_by_gender;
      ${rated.map((c) => `DROP INDEX role_cards_by_${c};`).join('\n')}
      ALTER TABLE role_cards RENAME COLUMN age TO age_years_004;
      ${rated.map((c) => `ALTER TABLE role_cards RENAME COLUMN ${c} TO ${c}_key_004;`).join('\n')}
      ALTER TABLE role_cards ADD COLUMN age TEXT NOT NULL DEFAULT '';
      ALTER TABLE role_cards ADD COLUMN age_min INTEGER CHECK (age_min BETWEEN 1 AND 120);
      ALTER TABLE role_cards ADD COLUMN age_max INTEGER CHECK (age_max BETWEEN 1 AND 120);
      ${rated.map((c) => `ALTER TABLE role_cards ADD COLUMN ${c} TEXT NOT NULL DEFAULT '';
      ALTER TABLE role_cards ADD COLUMN ${c}_level TEXT CHECK (${c}_level IN ${levels});`).join('\n')}
      ALTER TABLE role_cards ADD COLUMN extras TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(extras) AND json_type(extras) = 'array');
    `);
    convertCards(db);
    convertRevisions(db);
    db.exec(`
      ALTER TABLE role_cards DROP COLUMN age_years_004;
      ${rated.map((c) => `ALTER TABLE role_cards DROP COLUMN ${c}_key_004;
      ALTER TABLE role_cards DROP COLUMN ${c}_description;`).join('\n')}
      CREATE INDEX role_cards_by_age ON role_cards (age_min, age_max);
      CREATE INDEX role_cards_by_gender ON role_cards (gender_key, age_min);
      ${rated.map((c) => `CREATE INDEX role_cards_by_${c} ON role_cards (${c}_level);`).join('\n')}
      CREATE TRIGGER role_cards_fts_update AFTER UPDATE OF ${textColumns.join(', ')} ON role_cards
      WHEN ${textColumns.map((c) => `old.${c} IS NOT new.${c}`).join(' OR ')} BEGIN
        DELETE FROM role_card_fts WHERE rowid = old.id;
        INSERT INTO role_card_fts (rowid, complaint, profile) VALUES (new.id, new.chief_complaint, ${profileSql005('new')});
        DELETE FROM role_card_fts_pending WHERE card_id = new.id;
      END;
      INSERT INTO role_card_fts (role_card_fts) VALUES ('delete-all');
      INSERT OR IGNORE INTO role_card_fts_pending (card_id) SELECT id FROM role_cards;
    `);
  },
};

function convertCards(db: Database.Database): void {
  const rows = db.prepare('SELECT * FROM role_cards').all() as Record<string, string | number>[];
  const update = db.prepare(
    `UPDATE role_cards SET age = @age, age_min = @years, age_max = @years, content_hash = @hash,
       ${rated.map((c) => `${c} = @${c}, ${c}_level = @${c}_level`).join(', ')}
     WHERE id = @id`,
  );
  for (const row of rows) {
    const language = row.language as Language;
    const values: Record<string, string | number> = { id: row.id!, years: row.age_years_004!, age: ageText(Number(row.age_years_004), language) };
    for (const c of rated) {
      values[c] = ratingText(String(row[`${c}_key_004`]), String(row[`${c}_description`] ?? ''), language);
      values[`${c}_level`] = row[`${c}_key_004`]!;
    }
    values.hash = contentHash({
      language,
      gender: String(row.gender),
      age: String(values.age),
      education: String(row.education),
      occupation: String(row.occupation),
      maritalStatus: String(row.marital_status),
      familyRelationships: String(row.family_relationships),
      bigFive: Object.fromEntries(traits.map((t) => [t, String(values[t])])),
      resistance: String(values.resistance),
      chiefComplaint: String(row.chief_complaint),
      extras: [],
    });
    update.run(values);
  }
}

/** History snapshots hold the card as JSON in the old shape; they become the new shape. */
function convertRevisions(db: Database.Database): void {
  const rows = db.prepare('SELECT id, snapshot FROM role_card_revisions').all() as { id: number; snapshot: string }[];
  const update = db.prepare('UPDATE role_card_revisions SET snapshot = ? WHERE id = ?');
  for (const { id, snapshot } of rows) {
    let card: Record<string, unknown>;
    try {
      card = JSON.parse(snapshot) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (!card || typeof card !== 'object') continue;
    const language: Language = card.language === 'en' ? 'en' : 'zh';
    const rating = (r: unknown) =>
      r && typeof r === 'object' && 'level' in r ? ratingText(String((r as { level: unknown }).level), String((r as { description?: unknown }).description ?? ''), language) : r;
    if (typeof card.age === 'number') card.age = ageText(card.age, language);
    if (card.bigFive && typeof card.bigFive === 'object') {
      const bigFive = card.bigFive as Record<string, unknown>;
      for (const t of traits) bigFive[t] = rating(bigFive[t]);
    }
    card.resistance = rating(card.resistance);
    // The key order of a snapshot as the repository writes it: extras after the resistance.
    const { chiefComplaint, split, language: lang, tags, source, extras, ...profile } = card;
    const next = { ...profile, extras: Array.isArray(extras) ? extras : [], chiefComplaint, split, language: lang, tags, source };
    update.run(JSON.stringify(next), id);
  }
}
