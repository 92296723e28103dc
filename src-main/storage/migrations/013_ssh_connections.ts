import type { Migration } from '../migration';

// SSH connection profiles to GPU servers (issue 11, "Connections"; docs/finetuning.md).
// - The key's passphrase is either encrypted by the app (passphrase_cipher, safeStorage) or
//   named by an environment variable (passphrase_env, the CLI's way); never stored in clear.
// - host_key_sha256 is the host key the user accepted on first connection; a server showing
//   another key is refused until the user accepts the new one on purpose.
// - remote_jobs: a job (jobs row, whose remote_id is the process-group id on the server)
//   running detached in a folder on a server; log_offset is how many bytes of its
//   trainer_log.jsonl were read, so polling resumes where it stopped, after a restart too.
// - remote_job_points: one row a logged training step, for the loss chart and the status.
export const m013SshConnections: Migration = {
  version: 13,
  name: 'ssh_connections',
  up(db) {
    db.exec(`
      CREATE TABLE ssh_profiles (
        id                INTEGER PRIMARY KEY,
        name              TEXT NOT NULL COLLATE NOCASE UNIQUE,
        host              TEXT NOT NULL,
        port              INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
        user              TEXT NOT NULL,
        auth              TEXT NOT NULL CHECK (auth IN ('key', 'agent')),
        key_file          TEXT,
        passphrase_cipher BLOB,
        passphrase_env    TEXT,
        workdir           TEXT NOT NULL,
        setup             TEXT NOT NULL DEFAULT '',
        host_key_sha256   TEXT,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL,
        CHECK ((auth = 'key') = (key_file IS NOT NULL)),
        CHECK (passphrase_cipher IS NULL OR passphrase_env IS NULL)
      ) STRICT;

      CREATE TABLE remote_jobs (
        job_id      INTEGER PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
        profile_id  INTEGER REFERENCES ssh_profiles (id) ON DELETE SET NULL,
        remote_dir  TEXT NOT NULL,
        trainer_log TEXT NOT NULL,
        log_offset  INTEGER NOT NULL DEFAULT 0 CHECK (log_offset >= 0),
        exit_code   INTEGER,
        created_at  TEXT NOT NULL
      ) STRICT;
      CREATE INDEX remote_jobs_by_profile ON remote_jobs (profile_id);

      CREATE TABLE remote_job_points (
        job_id      INTEGER NOT NULL REFERENCES remote_jobs (job_id) ON DELETE CASCADE,
        step        INTEGER NOT NULL,
        total_steps INTEGER NOT NULL,
        epoch       REAL,
        loss        REAL,
        lr          REAL,
        eta_seconds INTEGER,
        PRIMARY KEY (job_id, step)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
