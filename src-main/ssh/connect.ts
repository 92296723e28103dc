import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { Client, utils, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { DomainError } from '../common/errors';
import type { SecretBox } from '../endpoints/secret-box';
import { fingerprint, hostKeyRefusal, judgeHostKey, type HostKeyVerdict } from './host-key';
import type { SshProfileRecord } from './profiles';

export interface ConnectOptions {
  secrets: SecretBox;
  env: NodeJS.ProcessEnv;
  /** The fingerprint the user accepted for this connection (first use, or a change they checked). */
  acceptHostKey?: string;
  readyTimeoutMs?: number;
}

/** An open, authenticated connection. `close()` it when done. */
export interface SshSession {
  readonly client: Client;
  readonly profile: SshProfileRecord;
  /** The server's host key fingerprint, and whether the user accepted it just now (to be recorded). */
  readonly hostKey: string;
  readonly newlyAccepted: boolean;
  sftp(): Promise<SFTPWrapper>;
  close(): void;
}

const where = (p: SshProfileRecord) => `${p.user}@${p.host}:${p.port}`;

/** The private key and its passphrase for ssh2, failing with what to fix (never the secret itself). */
function credentials(profile: SshProfileRecord, options: ConnectOptions): Pick<ConnectConfig, 'privateKey' | 'passphrase' | 'agent'> {
  if (profile.auth === 'agent') {
    const agent = options.env.SSH_AUTH_SOCK;
    if (!agent) {
      throw new DomainError('unavailable', `The connection '${profile.name}' uses the ssh-agent, but SSH_AUTH_SOCK is not set here: start ssh-agent and ssh-add your key.`);
    }
    return { agent };
  }
  const file = profile.keyFile!;
  let key: Buffer;
  try {
    key = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DomainError('not_found', `Cannot read the private key file ${file}${code === 'ENOENT' ? ': it does not exist' : ` (${code})`}. Choose the key again.`);
  }
  let passphrase: string | undefined;
  if (profile.passphraseCipher) passphrase = options.secrets.decrypt(profile.passphraseCipher);
  else if (profile.passphraseEnv) {
    passphrase = options.env[profile.passphraseEnv];
    if (passphrase === undefined) {
      throw new DomainError('unavailable', `The passphrase of ${file} is read from $${profile.passphraseEnv}, which is not set here.`);
    }
  }
  const parsed = utils.parseKey(key, passphrase);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    throw new DomainError(
      'validation',
      encrypted
        ? passphrase === undefined
          ? `The private key ${file} is encrypted: save its passphrase with the connection (or name the variable holding it with --passphrase-env).`
          : `The passphrase saved for ${file} does not unlock it: enter it again.`
        : `${file} is not a private key ssh2 can read (${parsed.message}). Choose an OpenSSH or PEM private key (not the .pub file).`,
    );
  }
  return { privateKey: key, ...(passphrase !== undefined ? { passphrase } : {}) };
}

/** Turns ssh2's and the network's errors into sentences saying what to do. */
function explain(error: Error & { level?: string; code?: string }, profile: SshProfileRecord): DomainError {
  const at = where(profile);
  if (error.level === 'client-authentication') {
    const how = profile.auth === 'agent' ? 'none of the ssh-agent\'s keys' : `the key ${profile.keyFile}`;
    return new DomainError(
      'unavailable',
      `${at} did not accept ${how} for user ${profile.user}. Add the matching public key to ~/.ssh/authorized_keys of ${profile.user} on the server, or choose the right key.`,
    );
  }
  switch (error.code) {
    case 'ECONNREFUSED':
      return new DomainError('unavailable', `${profile.host} refused the connection on port ${profile.port}: is sshd running there, and is the port right?`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new DomainError('unavailable', `The host name ${profile.host} could not be resolved: check its spelling and your network.`);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new DomainError('unavailable', `${profile.host}:${profile.port} cannot be reached (${error.code}): check the address, your VPN or firewall.`);
    case 'ECONNRESET':
      return new DomainError('unavailable', `${at} closed the connection (${error.code}); try again.`);
  }
  if (/timed out/i.test(error.message)) return new DomainError('unavailable', `${at} did not complete the SSH handshake in time: is it an SSH server?`);
  return new DomainError('unavailable', `Connecting to ${at} failed: ${error.message}.`);
}

/**
 * Connects with the profile's host-key policy (host-key.ts) checked by an explicit
 * verifier before authentication. On success the caller records `hostKey` when
 * `newlyAccepted`. `sock` lets a caller supply its own stream (a tunnel, a test's proxy).
 */
export function connect(profile: SshProfileRecord, options: ConnectOptions, sock?: Socket): Promise<SshSession> {
  const creds = credentials(profile, options);
  return new Promise((resolve, reject) => {
    const client = new Client();
    let seen = '';
    let verdict: HostKeyVerdict | null = null;
    let settled = false;
    const fail = (error: DomainError) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(error);
    };
    client.on('error', (error) => {
      if (verdict && verdict.kind !== 'known' && verdict.kind !== 'accepted') {
        fail(hostKeyRefusal(where(profile), seen, verdict, options.acceptHostKey));
      } else fail(explain(error, profile));
    });
    client.on('ready', () => {
      settled = true;
      resolve({
        client,
        profile,
        hostKey: seen,
        newlyAccepted: verdict?.kind === 'accepted',
        sftp: () => new Promise((done, failed) => client.sftp((error, sftp) => (error ? failed(explain(error, profile)) : done(sftp)))),
        close: () => client.end(),
      });
    });
    client.connect({
      host: profile.host,
      port: profile.port,
      username: profile.user,
      ...creds,
      ...(sock ? { sock } : {}),
      readyTimeout: options.readyTimeoutMs ?? 20_000,
      keepaliveInterval: 15_000,
      keepaliveCountMax: 3,
      tryKeyboard: false,
      hostVerifier: (key: Buffer) => {
        seen = fingerprint(key);
        verdict = judgeHostKey(seen, profile.hostKeyFingerprint, options.acceptHostKey);
        return verdict.kind === 'known' || verdict.kind === 'accepted';
      },
    });
  });
}
