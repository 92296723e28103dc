import type { Migration } from '../migration';

// Runs that cannot get stuck, doubled or unfinishable (docs/decisions.md, "Jobs"):
// - jobs get a lease: the owner's random token, its host and a heartbeat (ms since the
//   epoch) that the owner renews every few seconds. A running job whose heartbeat is stale,
//   or whose owner on this host is gone, is anyone's to pause or take over; the owner pid is
//   kept for display only. A job left running by a build without leases has no heartbeat,
//   so it counts as stale.
// - pause_requested: a pause asked from another process (the app pausing a CLI run), seen by
//   the owner at its next checkpoint, as cancel_requested already is.
// - sim_run_events: a run's history (resumed, taken over, models or base URLs changed on
//   resume, sessions retried), so a run's record says what it was run with, and when.
export const m006JobLeases: Migration = {
  version: 6,
  name: 'job_leases',
  up(db) {
    db.exec(`
      ALTER TABLE jobs ADD COLUMN owner_token TEXT;
      ALTER TABLE jobs ADD COLUMN owner_host TEXT;
      ALTER TABLE jobs ADD COLUMN heartbeat_at INTEGER;
      ALTER TABLE jobs ADD COLUMN pause_requested INTEGER NOT NULL DEFAULT 0 CHECK (pause_requested IN (0, 1));

      CREATE TABLE sim_run_events (
        id         INTEGER PRIMARY KEY,
        run_id     INTEGER NOT NULL REFERENCES sim_runs (id) ON DELETE CASCADE,
        kind       TEXT NOT NULL CHECK (kind IN ('resumed','taken_over','model_changed','base_url_changed','sessions_retried')),
        -- The event's fields as a JSON object (roles, old and new values, counts, pid and host).
        detail     TEXT NOT NULL CHECK (json_valid(detail) AND json_type(detail) = 'object'),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX sim_run_events_by_run ON sim_run_events (run_id, id);
    `);
  },
};
