import type { Migration } from '../migration';

// Simulation runs and dialogues (src-main/simulation, docs/simulation.md).
//
// - sim_runs: one row per run (or imported dataset): the full config snapshot as JSON and
//   running totals (calls, tokens, cost) updated in the same transaction as each call.
// - sim_sessions: one client–counselor session. card_text is the card as the client agent
//   saw it, so a session stays reproducible after its card is edited or removed (hence no
//   foreign key on card_id). `status = 'ended'` exactly when end_reason is set.
// - sim_messages: the dialogue. Position idx is unique per session and its role is fixed by
//   its parity (the client speaks at even positions), so a turn can be neither duplicated nor
//   out of order, whatever happens to the process writing it.
// - sim_calls: every completed model call: the accepted one of each turn and each attempt
//   refused by response refinement (with its text and reason), with usage and cost.
//   (session_id, idx, attempt) is unique: a completed call is never stored twice.
// - sim_errors: every failed call attempt (each retry), by failure kind.
// - sim_message_fts: FTS5 trigram index over message texts (substring search works for
//   Chinese without a segmenter), an external-content index kept in step by triggers.
export const m003Simulation: Migration = {
  version: 3,
  name: 'simulation',
  up(db) {
    db.exec(`
      CREATE TABLE sim_runs (
        id                INTEGER PRIMARY KEY,
        job_id            INTEGER REFERENCES jobs (id) ON DELETE SET NULL,
        kind              TEXT NOT NULL CHECK (kind IN ('simulation','import')),
        title             TEXT NOT NULL DEFAULT '',
        language          TEXT NOT NULL CHECK (language IN ('zh','en')),
        config            TEXT NOT NULL DEFAULT '{}',
        app_version       TEXT NOT NULL,
        session_count     INTEGER NOT NULL DEFAULT 0,
        calls             INTEGER NOT NULL DEFAULT 0,
        rejected          INTEGER NOT NULL DEFAULT 0,
        errors            INTEGER NOT NULL DEFAULT 0,
        prompt_tokens     INTEGER NOT NULL DEFAULT 0,
        completion_tokens INTEGER NOT NULL DEFAULT 0,
        cached_tokens     INTEGER NOT NULL DEFAULT 0,
        cost              REAL NOT NULL DEFAULT 0,
        -- When execution last (re)started: the dashboard's pace and ETA count from here.
        resumed_at        TEXT,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL
      ) STRICT;
      CREATE INDEX sim_runs_by_job ON sim_runs (job_id);

      CREATE TABLE sim_sessions (
        id                INTEGER PRIMARY KEY,
        run_id            INTEGER NOT NULL REFERENCES sim_runs (id) ON DELETE CASCADE,
        seq               INTEGER NOT NULL,
        card_id           INTEGER,
        repetition        INTEGER NOT NULL DEFAULT 1,
        card_text         TEXT,
        external_id       TEXT,
        status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','running','ended')),
        end_reason        TEXT CHECK (end_reason IN ('phrase','turn_limit','refinement_failed','error','cancelled','imported')),
        end_phrase        TEXT,
        error             TEXT,
        error_kind        TEXT,
        turns             INTEGER NOT NULL DEFAULT 0,
        message_count     INTEGER NOT NULL DEFAULT 0,
        starred           INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0, 1)),
        calls             INTEGER NOT NULL DEFAULT 0,
        prompt_tokens     INTEGER NOT NULL DEFAULT 0,
        completion_tokens INTEGER NOT NULL DEFAULT 0,
        cached_tokens     INTEGER NOT NULL DEFAULT 0,
        cost              REAL NOT NULL DEFAULT 0,
        created_at        TEXT NOT NULL,
        started_at        TEXT,
        finished_at       TEXT,
        updated_at        TEXT NOT NULL,
        CHECK ((status = 'ended') = (end_reason IS NOT NULL)),
        UNIQUE (run_id, seq)
      ) STRICT;
      CREATE INDEX sim_sessions_by_run_status ON sim_sessions (run_id, status, seq);
      CREATE INDEX sim_sessions_by_card ON sim_sessions (card_id);
      CREATE INDEX sim_sessions_by_end ON sim_sessions (end_reason, id);
      CREATE INDEX sim_sessions_by_turns ON sim_sessions (turns);
      CREATE INDEX sim_sessions_by_finished ON sim_sessions (run_id, finished_at);

      CREATE TABLE sim_messages (
        id         INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sim_sessions (id) ON DELETE CASCADE,
        idx        INTEGER NOT NULL CHECK (idx >= 0),
        role       TEXT NOT NULL CHECK (role IN ('client','counselor')),
        content    TEXT NOT NULL,
        call_id    INTEGER,
        created_at TEXT NOT NULL,
        UNIQUE (session_id, idx),
        CHECK ((idx % 2 = 0) = (role = 'client'))
      ) STRICT;

      CREATE TABLE sim_calls (
        id                INTEGER PRIMARY KEY,
        run_id            INTEGER NOT NULL REFERENCES sim_runs (id) ON DELETE CASCADE,
        session_id        INTEGER NOT NULL REFERENCES sim_sessions (id) ON DELETE CASCADE,
        idx               INTEGER NOT NULL,
        role              TEXT NOT NULL CHECK (role IN ('client','counselor')),
        attempt           INTEGER NOT NULL CHECK (attempt >= 1),
        retries           INTEGER NOT NULL DEFAULT 0,
        accepted          INTEGER NOT NULL CHECK (accepted IN (0, 1)),
        rejection         TEXT CHECK (rejection IN ('too_long','newline','enumeration','empty')),
        rejection_detail  TEXT,
        -- The refused text; an accepted reply's text is its message.
        content           TEXT,
        model             TEXT,
        finish_reason     TEXT,
        prompt_tokens     INTEGER,
        completion_tokens INTEGER,
        cached_tokens     INTEGER,
        cost              REAL NOT NULL DEFAULT 0,
        latency_ms        INTEGER NOT NULL,
        created_at        TEXT NOT NULL,
        UNIQUE (session_id, idx, attempt),
        CHECK ((accepted = 1) = (rejection IS NULL))
      ) STRICT;
      CREATE INDEX sim_calls_by_run_time ON sim_calls (run_id, created_at);

      CREATE TABLE sim_errors (
        id         INTEGER PRIMARY KEY,
        run_id     INTEGER NOT NULL REFERENCES sim_runs (id) ON DELETE CASCADE,
        session_id INTEGER REFERENCES sim_sessions (id) ON DELETE CASCADE,
        idx        INTEGER,
        role       TEXT,
        kind       TEXT NOT NULL,
        status     INTEGER,
        message    TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX sim_errors_by_run ON sim_errors (run_id, kind);
      CREATE INDEX sim_errors_by_session ON sim_errors (session_id);

      CREATE TABLE sim_session_tags (
        session_id INTEGER NOT NULL REFERENCES sim_sessions (id) ON DELETE CASCADE,
        tag        TEXT NOT NULL,
        PRIMARY KEY (session_id, tag)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX sim_session_tags_by_tag ON sim_session_tags (tag, session_id);

      CREATE VIRTUAL TABLE sim_message_fts USING fts5 (
        content, content = 'sim_messages', content_rowid = 'id', tokenize = 'trigram'
      );
      CREATE TRIGGER sim_messages_fts_insert AFTER INSERT ON sim_messages BEGIN
        INSERT INTO sim_message_fts (rowid, content) VALUES (new.id, new.content);
      END;
      CREATE TRIGGER sim_messages_fts_delete AFTER DELETE ON sim_messages BEGIN
        INSERT INTO sim_message_fts (sim_message_fts, rowid, content) VALUES ('delete', old.id, old.content);
      END;
    `);
  },
};
