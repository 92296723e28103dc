import type { Migration } from '../migration';

// Help for designing role cards (src-main/card-assist):
// - prompt_overrides: the user's own text for a shipped prompt template (client, counselor,
//   drafting), one per kind and language; no row means the shipped file in resources/prompts
//   is in effect. Reset deletes the row.
// - card_chats: trial-chat transcripts, a counselor talking to a card's simulated client.
//   They belong to the card (deleted with it). The endpoint's name is kept as it was, so a
//   transcript still says who played the client after the endpoint is renamed or removed;
//   card_text is the card as the client received it when the transcript was saved.
export const m004CardAssist: Migration = {
  version: 4,
  name: 'card_assist',
  up(db) {
    db.exec(`
      CREATE TABLE prompt_overrides (
        kind       TEXT NOT NULL CHECK (kind IN ('client','counselor','drafting')),
        language   TEXT NOT NULL CHECK (language IN ('zh','en')),
        template   TEXT NOT NULL CHECK (length(template) > 0),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (kind, language)
      ) STRICT;

      CREATE TABLE card_chats (
        id            INTEGER PRIMARY KEY,
        card_id       INTEGER NOT NULL REFERENCES role_cards (id) ON DELETE CASCADE,
        endpoint_id   INTEGER REFERENCES endpoints (id) ON DELETE SET NULL,
        endpoint_name TEXT NOT NULL,
        -- [{ "role": "counselor" | "client", "content": "…" }, …], oldest first.
        messages      TEXT NOT NULL CHECK (json_valid(messages) AND json_type(messages) = 'array'),
        note          TEXT,
        card_text     TEXT NOT NULL,
        created_at    TEXT NOT NULL
      ) STRICT;
      CREATE INDEX card_chats_by_card ON card_chats (card_id, id);
    `);
  },
};
