import type { Migration } from '../migration';

// Trained models served back from a GPU server (issue 11, Must-have 5; docs/ssh.md, "Serving
// a trained model back"). One row a training job whose model is (or was) served:
// - profile_id, remote_dir, pgid: where `llamafactory-cli api` runs detached (its own job
//   folder and process group, stopped by `finetune unserve`);
// - remote_port: the port it listens on, on the server's 127.0.0.1; the endpoint is reached
//   through an SSH tunnel to it, opened on demand by whichever process calls the endpoint;
// - endpoint_id: the endpoint registered for it (UNIQUE: the LLM layer finds an endpoint's
//   tunnel by it); counselor_id: the arena counselor made with it;
// - stopped_at: set by unserve. The endpoint and counselor stay (battles refer to them), but
//   calling the endpoint then fails saying the model is no longer served.
// - endpoints_served_guard: an endpoint whose model is still served cannot be removed (the
//   API would run on, unrecorded, on the GPU server); unserve first.
// - remote_jobs.scheduler: how a training was started: 'setsid' (detached, its remote id a
//   process group) or 'slurm' (sbatch, its remote id a Slurm job id; ssh/slurm.ts).
export const m016ServedModels: Migration = {
  version: 16,
  name: 'served_models',
  up(db) {
    db.exec(`
      CREATE TABLE served_models (
        job_id       INTEGER PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
        profile_id   INTEGER REFERENCES ssh_profiles (id) ON DELETE SET NULL,
        remote_dir   TEXT NOT NULL,
        pgid         INTEGER NOT NULL CHECK (pgid > 0),
        remote_port  INTEGER NOT NULL CHECK (remote_port BETWEEN 1 AND 65535),
        model        TEXT NOT NULL,
        endpoint_id  INTEGER NOT NULL UNIQUE REFERENCES endpoints (id) ON DELETE CASCADE,
        counselor_id INTEGER REFERENCES counselors (id) ON DELETE SET NULL,
        started_at   TEXT NOT NULL,
        stopped_at   TEXT
      ) STRICT;

      CREATE TRIGGER endpoints_served_guard BEFORE DELETE ON endpoints
      WHEN EXISTS (SELECT 1 FROM served_models WHERE endpoint_id = OLD.id AND stopped_at IS NULL)
      BEGIN
        SELECT RAISE(ABORT, 'This endpoint is a trained model still served from a GPU server; stop it first with simpsy finetune unserve and the number of its training job.');
      END;

      ALTER TABLE remote_jobs ADD COLUMN scheduler TEXT NOT NULL DEFAULT 'setsid' CHECK (scheduler IN ('setsid', 'slurm'));
    `);
  },
};
