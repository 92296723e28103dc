import { sshProfileCreateInput, type SshProfileCreateInput, type SshProfileView } from '../contract/ssh';
import { DomainError } from '../common/errors';
import { fieldIssues } from '../common/zod-issues';
import { now } from '../common/time';
import type { SecretBox } from '../endpoints/secret-box';
import type { Db } from '../storage/database';
import { prepared } from '../storage/statements';

interface ProfileRow {
  id: number;
  name: string;
  host: string;
  port: number;
  user: string;
  auth: 'key' | 'agent';
  key_file: string | null;
  passphrase_cipher: Buffer | null;
  passphrase_env: string | null;
  workdir: string;
  setup: string;
  host_key_sha256: string | null;
  created_at: string;
  updated_at: string;
}

/** What connecting needs: the view plus the still-encrypted passphrase. */
export interface SshProfileRecord extends SshProfileView {
  passphraseCipher: Buffer | null;
}

const toRecord = (r: ProfileRow): SshProfileRecord => ({
  id: r.id,
  name: r.name,
  host: r.host,
  port: r.port,
  user: r.user,
  auth: r.auth,
  keyFile: r.key_file,
  hasPassphrase: r.passphrase_cipher !== null,
  passphraseCipher: r.passphrase_cipher,
  passphraseEnv: r.passphrase_env,
  workdir: r.workdir,
  setup: r.setup,
  hostKeyFingerprint: r.host_key_sha256,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Strips the cipher: the only shape that may leave the main process. */
export function toProfileView(record: SshProfileRecord): SshProfileView {
  const { passphraseCipher: _cipher, ...view } = record;
  return view;
}

/** SSH connection profiles. Passphrases are encrypted with the secret box, as API keys are. */
export class SshProfileRepository {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
  ) {}

  list(): SshProfileRecord[] {
    return (prepared(this.db, 'SELECT * FROM ssh_profiles ORDER BY name').all() as ProfileRow[]).map(toRecord);
  }

  getByName(name: string): SshProfileRecord {
    const row = prepared(this.db, 'SELECT * FROM ssh_profiles WHERE name = ?').get(name) as ProfileRow | undefined;
    if (row) return toRecord(row);
    const known = this.list().map((p) => p.name);
    throw new DomainError(
      'not_found',
      `No SSH connection named '${name}'.${known.length ? ` Known: ${known.join(', ')}.` : ' Add one first: simpsy ssh add --help.'}`,
    );
  }

  get(id: number): SshProfileRecord {
    const row = prepared(this.db, 'SELECT * FROM ssh_profiles WHERE id = ?').get(id) as ProfileRow | undefined;
    if (!row) throw new DomainError('not_found', `SSH connection ${id} was not found; it may have been removed.`);
    return toRecord(row);
  }

  create(input: SshProfileCreateInput): SshProfileRecord {
    const parsed = sshProfileCreateInput.safeParse(input);
    if (!parsed.success) {
      const issues = fieldIssues(parsed.error);
      throw new DomainError('validation', `${issues[0]!.path || 'connection'}: ${issues[0]!.message}.`, issues);
    }
    const p = parsed.data;
    if (prepared(this.db, 'SELECT 1 FROM ssh_profiles WHERE name = ?').get(p.name)) {
      throw new DomainError('conflict', `An SSH connection named '${p.name}' already exists; choose another name.`, [
        { path: 'name', message: 'This name is already taken' },
      ]);
    }
    const cipher = p.passphrase ? this.encrypt(p.passphrase) : null;
    const stamp = now();
    const info = prepared(
      this.db,
      `INSERT INTO ssh_profiles (name, host, port, user, auth, key_file, passphrase_cipher, passphrase_env, workdir, setup, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(p.name, p.host, p.port, p.user, p.auth, p.keyFile ?? null, cipher, p.passphraseEnv ?? null, p.workdir, p.setup, stamp, stamp);
    return this.get(Number(info.lastInsertRowid));
  }

  /** Records the host key the user accepted (first use, or a change they confirmed). */
  acceptHostKey(id: number, fingerprint: string): void {
    prepared(this.db, 'UPDATE ssh_profiles SET host_key_sha256 = ?, updated_at = ? WHERE id = ?').run(fingerprint, now(), id);
  }

  /** Removes a connection; refused while a job on it has not ended (it could no longer be watched or cancelled). */
  remove(id: number): void {
    const busy = (
      prepared(
        this.db,
        `SELECT r.job_id AS id FROM remote_jobs r JOIN jobs j ON j.id = r.job_id WHERE r.profile_id = ? AND j.status NOT IN ('done', 'failed', 'cancelled')`,
      ).all(id) as { id: number }[]
    ).map((r) => r.id);
    if (busy.length > 0) {
      throw new DomainError('conflict', `Job${busy.length > 1 ? 's' : ''} ${busy.join(', ')} still run${busy.length > 1 ? '' : 's'} on this connection: cancel or finish ${busy.length > 1 ? 'them' : 'it'} first.`);
    }
    if (prepared(this.db, 'DELETE FROM ssh_profiles WHERE id = ?').run(id).changes === 0) {
      throw new DomainError('not_found', `SSH connection ${id} was not found; it may have been removed.`);
    }
  }

  private encrypt(passphrase: string): Buffer {
    if (!this.secrets.available) {
      throw new DomainError(
        'unavailable',
        'Passphrases cannot be stored encrypted here. Put it in an environment variable and give its name instead (--passphrase-env VAR), or use the ssh-agent.',
        [{ path: 'passphrase', message: 'Encrypted storage is unavailable here; use an environment variable or the ssh-agent' }],
      );
    }
    return this.secrets.encrypt(passphrase);
  }
}
