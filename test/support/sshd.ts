import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { deadPort } from './ports';

// A real OpenSSH server for the SSH tests: Debian's sshd on 127.0.0.1 and a free high port,
// with its own config, host key, authorized_keys and pid file in a temp folder, and a
// client key pair made for it. It needs root (sshd's privilege separation) and
// openssh-server; where either is missing, `sshdUnavailable()` says why, and the tests
// skip with that reason instead of passing.

export const SSHD = '/usr/sbin/sshd';
/** The stand-ins for nvidia-smi and llamafactory-cli, put on the server's PATH by a profile's set-up line. */
export const standInsDir = resolve(__dirname, 'ssh-stand-ins/bin');

export interface TestSshd {
  host: '127.0.0.1';
  port: number;
  user: string;
  /** The client's private key (unencrypted) and one encrypted with `passphrase`. */
  clientKey: string;
  encryptedClientKey: string;
  passphrase: string;
  /** A key the server does not know. */
  strangerKey: string;
  /** The server's host key fingerprint as `ssh-keygen -l` prints it: SHA256:… */
  fingerprint: string;
  /** A folder on the server (the same machine) for remote work folders. */
  dir: string;
  /** A set-up line putting the stand-ins on PATH, with their environment knobs. */
  setup(env?: Record<string, string>): string;
  stop(): Promise<void>;
}

/** Why a real sshd cannot run here, or null when it can. */
export function sshdUnavailable(): string | null {
  if (!existsSync(SSHD)) return `${SSHD} is not installed (apt-get install -y openssh-server)`;
  if (process.getuid?.() !== 0) return 'sshd needs root for privilege separation; these tests run only as root';
  return null;
}

const keygen = (file: string, extra: string[] = []) =>
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'simpsy-test', '-f', file, ...extra], { stdio: 'ignore' });

const fingerprintOf = (publicKeyFile: string) =>
  execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', publicKeyFile], { encoding: 'utf8' }).split(' ')[1]!;

/**
 * Starts an sshd with a new host key on a free port, or on `port` (a server replaced by one
 * with another host key: the "changed host key" case).
 */
export async function startSshd(options: { port?: number } = {}): Promise<TestSshd> {
  const unavailable = sshdUnavailable();
  if (unavailable) throw new Error(unavailable);
  const dir = mkdtempSync(join(tmpdir(), 'simpsy-sshd-'));
  const hostKey = join(dir, 'host_ed25519');
  keygen(hostKey);
  const clientKey = join(dir, 'client_ed25519');
  keygen(clientKey);
  const passphrase = 'correct horse 电池 staple';
  const encryptedClientKey = join(dir, 'client_encrypted');
  writeFileSync(encryptedClientKey, readFileSync(clientKey), { mode: 0o600 });
  execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', passphrase, '-f', encryptedClientKey], { stdio: 'ignore' });
  const strangerKey = join(dir, 'stranger_ed25519');
  keygen(strangerKey);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`), { mode: 0o600 });
  const work = join(dir, 'remote');
  mkdirSync(work);
  // sshd's privilege separation chroots here; Debian creates it at boot, containers may not.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = options.port ?? (await deadPort());
    const config = join(dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PermitRootLogin prohibit-password',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'Subsystem sftp internal-sftp',
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
    const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    const ready = await listening(child, port);
    if (ready === true) {
      const user = userInfo().username;
      return {
        host: '127.0.0.1',
        port,
        user,
        clientKey,
        encryptedClientKey,
        passphrase,
        strangerKey,
        fingerprint: fingerprintOf(`${hostKey}.pub`),
        dir: work,
        setup: (env = {}) =>
          [`export PATH='${standInsDir}':"$PATH"`, ...Object.entries(env).map(([k, v]) => `export ${k}='${v}'`)].join('; '),
        stop: () => stop(child, dir),
      };
    }
    lastError = ready;
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`sshd would not start: ${lastError}`);
}

/** Resolves true once the port accepts connections, or sshd's error output if it exited first. */
async function listening(child: ChildProcess, port: number): Promise<true | string> {
  let stderr = '';
  let exited = false;
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.on('exit', () => (exited = true));
  const { connect } = await import('node:net');
  for (let i = 0; i < 100 && !exited; i++) {
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (open) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!exited) child.kill('SIGTERM');
  return stderr.trim() || 'it did not listen within 5 s';
}

async function stop(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Whether a process group still has members (the test server is this machine, so its processes are visible here). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
