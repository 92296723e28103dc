import type { Migration } from '../migration';

const levels = `('low','moderately_low','moderate','moderately_high','high')`;
const trait = (name: string) => `
        ${name}             TEXT NOT NULL CHECK (${name} IN ${levels}),
        ${name}_description TEXT NOT NULL DEFAULT '',`;

// Client role cards (paper §3.4): the nine elements as columns, so every filter the pool
// offers (split, gender, age, each Big Five level, resistance) is an indexed column test.
// Tags are normalised into their own table (filter by tag through its index). The full-text
// index is FTS5 with the trigram tokenizer, which finds any substring of 3+ characters and so
// works for Chinese without a word segmenter; it is contentless (the texts live once, in
// role_cards). Triggers keep it in step on update and delete. New cards are indexed by the
// repository, not by an insert trigger: a large import lists its cards in
// role_card_fts_pending and the index catches up afterwards, because trigram-indexing
// 10,000 cards takes seconds; searches scan the pending cards meanwhile, so results stay
// complete. Revisions hold the card as it was before each change.
export const m002RoleCards: Migration = {
  version: 2,
  name: 'role_cards',
  up(db) {
    db.exec(`
      CREATE TABLE role_cards (
        id                   INTEGER PRIMARY KEY,
        split                TEXT NOT NULL CHECK (split IN ('pool','test')),
        language             TEXT NOT NULL CHECK (language IN ('zh','en')),
        gender               TEXT NOT NULL,
        gender_key           TEXT NOT NULL CHECK (gender_key IN ('female','male','other')),
        age                  INTEGER NOT NULL CHECK (age BETWEEN 1 AND 120),
        education            TEXT NOT NULL,
        occupation           TEXT NOT NULL,
        marital_status       TEXT NOT NULL,
        family_relationships TEXT NOT NULL,${trait('openness')}${trait('conscientiousness')}${trait('extraversion')}${trait('agreeableness')}${trait('neuroticism')}${trait('resistance')}
        chief_complaint      TEXT NOT NULL CHECK (length(chief_complaint) > 0),
        -- sha1 of the complaint without spacing and punctuation: exact duplicate complaints.
        complaint_key        TEXT NOT NULL,
        -- sha1 of the nine elements and the language: an import skips a card already present.
        content_hash         TEXT NOT NULL,
        source               TEXT NOT NULL DEFAULT '',
        created_at           TEXT NOT NULL,
        updated_at           TEXT NOT NULL
      ) STRICT;
      CREATE INDEX role_cards_by_split ON role_cards (split, id);
      CREATE INDEX role_cards_by_age ON role_cards (age);
      CREATE INDEX role_cards_by_gender ON role_cards (gender_key, age);
      CREATE INDEX role_cards_by_openness ON role_cards (openness);
      CREATE INDEX role_cards_by_conscientiousness ON role_cards (conscientiousness);
      CREATE INDEX role_cards_by_extraversion ON role_cards (extraversion);
      CREATE INDEX role_cards_by_agreeableness ON role_cards (agreeableness);
      CREATE INDEX role_cards_by_neuroticism ON role_cards (neuroticism);
      CREATE INDEX role_cards_by_resistance ON role_cards (resistance);
      CREATE INDEX role_cards_by_complaint ON role_cards (complaint_key);
      CREATE INDEX role_cards_by_content ON role_cards (content_hash);
      CREATE INDEX role_cards_by_updated ON role_cards (updated_at);

      CREATE TABLE role_card_tags (
        card_id INTEGER NOT NULL REFERENCES role_cards (id) ON DELETE CASCADE,
        tag     TEXT NOT NULL,
        PRIMARY KEY (card_id, tag)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX role_card_tags_by_tag ON role_card_tags (tag, card_id);

      CREATE TABLE role_card_revisions (
        id         INTEGER PRIMARY KEY,
        card_id    INTEGER NOT NULL REFERENCES role_cards (id) ON DELETE CASCADE,
        -- The card's fields before the change, as JSON (the export record, without id and times).
        snapshot   TEXT NOT NULL,
        reason     TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX role_card_revisions_by_card ON role_card_revisions (card_id, id);

      CREATE VIRTUAL TABLE role_card_fts USING fts5 (
        complaint, profile,
        tokenize = 'trigram', content = '', contentless_delete = 1
      );
      CREATE TABLE role_card_fts_pending (
        card_id INTEGER PRIMARY KEY REFERENCES role_cards (id) ON DELETE CASCADE
      ) STRICT;
      CREATE TRIGGER role_cards_fts_delete AFTER DELETE ON role_cards BEGIN
        DELETE FROM role_card_fts WHERE rowid = old.id;
      END;
      CREATE TRIGGER role_cards_fts_update AFTER UPDATE OF ${textColumns.join(', ')} ON role_cards
      WHEN ${textColumns.map((c) => `old.${c} IS NOT new.${c}`).join(' OR ')} BEGIN
        DELETE FROM role_card_fts WHERE rowid = old.id;
        INSERT INTO role_card_fts (rowid, complaint, profile) VALUES (new.id, new.chief_complaint, ${profile('new')});
        DELETE FROM role_card_fts_pending WHERE card_id = new.id;
      END;
    `);
  },
};

/** The searchable texts: the complaint, then the profile texts joined one per line. */
const textColumns = [
  'chief_complaint', 'gender', 'education', 'occupation', 'marital_status', 'family_relationships',
  'openness_description', 'conscientiousness_description', 'extraversion_description',
  'agreeableness_description', 'neuroticism_description', 'resistance_description',
];
function profile(row: string): string {
  return textColumns.slice(1).map((c) => `${row}.${c}`).join(` || char(10) || `);
}
