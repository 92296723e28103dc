import type { Migration } from '../migration';

// The dialogue search index, per session instead of per message (simulation/search-index.ts
// explains the tokens). It replaces 003's trigram index over messages, which could not look
// up words of one or two characters (most Chinese queries), and was written by a trigger on
// every message insert (most of an import's time). This one is written after the messages
// are committed, by a catch-up.
//
// - sim_session_search: FTS5, one row per session (rowid = session id): its characters, and
//   the pairs of neighbouring characters of its messages with their positions, so a word of
//   any length is a phrase lookup and nothing needs checking against the messages.
// - sim_session_search_pending: sessions whose messages changed since they were indexed.
//   Triggers list them, so no writer can forget; searches scan them with LIKE, and the
//   catch-up (DialogueSearchIndex.catchUp) indexes them once they are not running. Deleting a
//   session removes its row and its listing.
// Existing sessions start pending; the app indexes them in the background.
export const m008DialogueSearch: Migration = {
  version: 8,
  name: 'dialogue_search',
  up(db) {
    db.exec(`
      DROP TRIGGER sim_messages_fts_insert;
      DROP TRIGGER sim_messages_fts_delete;
      DROP TABLE sim_message_fts;

      CREATE VIRTUAL TABLE sim_session_search USING fts5 (
        chars, pairs, tokenize = 'ascii', content = '', contentless_delete = 1
      );
      CREATE TABLE sim_session_search_pending (
        session_id INTEGER PRIMARY KEY
      ) STRICT;
      INSERT INTO sim_session_search_pending (session_id) SELECT DISTINCT session_id FROM sim_messages;

      CREATE TRIGGER sim_messages_search_insert AFTER INSERT ON sim_messages BEGIN
        INSERT OR IGNORE INTO sim_session_search_pending (session_id) VALUES (new.session_id);
      END;
      CREATE TRIGGER sim_messages_search_update AFTER UPDATE OF content, session_id ON sim_messages BEGIN
        INSERT OR IGNORE INTO sim_session_search_pending (session_id) VALUES (old.session_id), (new.session_id);
      END;
      CREATE TRIGGER sim_messages_search_delete AFTER DELETE ON sim_messages
      WHEN EXISTS (SELECT 1 FROM sim_sessions WHERE id = old.session_id) BEGIN
        INSERT OR IGNORE INTO sim_session_search_pending (session_id) VALUES (old.session_id);
      END;
      CREATE TRIGGER sim_sessions_search_delete AFTER DELETE ON sim_sessions BEGIN
        DELETE FROM sim_session_search WHERE rowid = old.id;
        DELETE FROM sim_session_search_pending WHERE session_id = old.id;
      END;
    `);
  },
};
