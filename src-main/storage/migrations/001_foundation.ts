import type { Migration } from '../migration';

// Foundation tables: settings, model endpoints, durable jobs.
// STRICT tables make a type slip (a string in an INTEGER column) fail at once.
export const m001Foundation: Migration = {
  version: 1,
  name: 'foundation',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE endpoints (
        id                 INTEGER PRIMARY KEY,
        name               TEXT NOT NULL UNIQUE COLLATE NOCASE,
        base_url           TEXT NOT NULL,
        model              TEXT NOT NULL,
        temperature        REAL,
        top_p              REAL,
        max_tokens         INTEGER,
        price_input_per_m  REAL,
        price_output_per_m REAL,
        timeout_ms         INTEGER,
        -- Name of an environment variable holding the key (CLI and servers).
        api_key_env        TEXT,
        -- The key encrypted by the app's secret box (Electron safeStorage); never plain text.
        api_key_cipher     BLOB,
        created_at         TEXT NOT NULL,
        updated_at         TEXT NOT NULL
      ) STRICT;

      CREATE TABLE jobs (
        id               INTEGER PRIMARY KEY,
        kind             TEXT NOT NULL,
        title            TEXT NOT NULL DEFAULT '',
        status           TEXT NOT NULL CHECK (status IN ('queued','running','paused','done','failed','cancelled')),
        params           TEXT NOT NULL DEFAULT '{}',
        done             INTEGER NOT NULL DEFAULT 0,
        total            INTEGER NOT NULL DEFAULT 0,
        message          TEXT,
        error            TEXT,
        cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
        -- Id of the work on another machine (e.g. a training job's remote pid), so it survives a restart.
        remote_id        TEXT,
        -- Process running it (the app or a CLI): recovery leaves jobs of live processes alone.
        owner_pid        INTEGER,
        created_at       TEXT NOT NULL,
        started_at       TEXT,
        finished_at      TEXT,
        updated_at       TEXT NOT NULL
      ) STRICT;
      CREATE INDEX jobs_by_status ON jobs (status, id);
    `);
  },
};
