import type { Migration } from '../migration';

// SSH connection profiles to GPU servers (issue 11, "Connections"; docs/finetuning.md).
// - The key's passphrase is either encrypted by the app (passphrase_cipher, safeStorage) or
//   named by an environment variable (passphrase_env, the CLI's way); never stored in clear.
// - host_key_sha256 is the host key the user accepted on first connection; a server showing
//   another key is refused until the user accepts the new one on purpose.
export const m014SshConnections: Migration = {
  version: 14,
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
    `);
  },
};
