import type { SFTPWrapper } from 'ssh2';
import { DomainError } from '../common/errors';
import type { SshSession } from './connect';
import { lastLines, remoteId, runChecked, runScript } from './remote-command';
import CANCEL from './scripts/cancel.sh?raw';
import LAUNCH from './scripts/launch.sh?raw';
import PREPARE from './scripts/prepare.sh?raw';
import STATUS from './scripts/status.sh?raw';

// A command running detached on a server, in a job folder of its own (scripts/launch.sh):
// its remote id is its process-group id, checked as an integer wherever it is read back.

export type RemoteState =
  | { kind: 'running' }
  | { kind: 'exited'; code: number }
  | { kind: 'cancelled' }
  | { kind: 'vanished' }
  | { kind: 'missing' };

/** Makes `<workdir>/jobs/<name>` on the server; answers its absolute path. */
export async function prepareJobFolder(session: SshSession, name: string): Promise<string> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new DomainError('validation', `'${name}' cannot name a job folder: letters, digits, '.', '_' and '-' only.`);
  const out = await runChecked(session, 'Making the job folder', PREPARE, [session.profile.workdir, name], { timeoutMs: 60_000 });
  const dir = out.trim().split('\n').at(-1) ?? '';
  if (!dir.startsWith('/')) throw new DomainError('unavailable', `The server answered '${dir}' for the job folder; expected an absolute path.`);
  return dir;
}

/** Starts `command` (argv, never a shell line) detached in `dir` after the profile's set-up line; answers its process-group id. */
export async function launchDetached(session: SshSession, dir: string, command: readonly string[]): Promise<number> {
  if (command.length === 0) throw new DomainError('validation', 'Nothing to launch: the command is empty.');
  const out = await runChecked(session, 'Launching the job', LAUNCH, [session.profile.setup, dir, ...command], { timeoutMs: 60_000 });
  return remoteId(out.trim());
}

export async function remoteState(session: SshSession, dir: string, pgid: number): Promise<RemoteState> {
  const out = (await runChecked(session, 'Checking the job', STATUS, [dir, String(remoteId(pgid))], { timeoutMs: 60_000 })).trim();
  const [kind, code] = out.split('\t');
  if (kind === 'exited' && code !== undefined && /^\d+$/.test(code)) return { kind: 'exited', code: Number(code) };
  if (kind === 'running' || kind === 'cancelled' || kind === 'vanished' || kind === 'missing') return { kind };
  throw new DomainError('unavailable', `The server answered '${out.slice(0, 80)}' about the job; expected its state.`);
}

/** Stops the job's whole process group (TERM, then KILL after 10 s). */
export async function cancelDetached(session: SshSession, dir: string, pgid: number): Promise<'stopped' | 'killed' | 'ended'> {
  const result = await runScript(session, CANCEL, [dir, String(remoteId(pgid))], { timeoutMs: 60_000 });
  const said = result.stdout.trim();
  if (result.code !== 0 || (said !== 'stopped' && said !== 'killed' && said !== 'ended')) {
    throw new DomainError('unavailable', `Cancelling the job on ${session.profile.host} failed: ${lastLines(result.stderr || said, 3) || `exit ${result.code}`}.`);
  }
  return said;
}

const NO_SUCH_FILE = 2; // SFTP status code

/**
 * Up to `max` bytes of a remote file from `offset` on (empty when the file does not exist
 * yet, or has nothing new): how trainer_log.jsonl is polled.
 */
export function readFrom(sftp: SFTPWrapper, path: string, offset: number, max = 1 << 20): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    sftp.open(path, 'r', (error, handle) => {
      if (error) return (error as { code?: number }).code === NO_SUCH_FILE ? resolve(Buffer.alloc(0)) : reject(error);
      sftp.fstat(handle, (statError, stats) => {
        const length = statError ? 0 : Math.max(0, Math.min(max, stats.size - offset));
        if (length === 0) return sftp.close(handle, () => resolve(Buffer.alloc(0)));
        const buffer = Buffer.alloc(length);
        let got = 0;
        const next = () =>
          sftp.read(handle, buffer, got, length - got, offset + got, (readError, n) => {
            if (readError) return sftp.close(handle, () => reject(readError));
            got += n;
            if (n === 0 || got >= length) return sftp.close(handle, () => resolve(buffer.subarray(0, got)));
            next();
          });
        next();
      });
    });
  });
}

/** The last `bytes` of a remote file as text (a failed job's output.log), '' if it is missing. */
export async function tailOf(sftp: SFTPWrapper, path: string, bytes = 8192): Promise<string> {
  const size = await new Promise<number>((resolve) => sftp.stat(path, (error, stats) => resolve(error ? 0 : stats.size)));
  return (await readFrom(sftp, path, Math.max(0, size - bytes), bytes)).toString('utf8');
}

/** Writes a small generated file (a batch script, the API's YAML) on the server. */
export function writeRemote(sftp: SFTPWrapper, path: string, text: string): Promise<void> {
  return new Promise((resolve, reject) =>
    sftp.writeFile(path, text, (error) => (error ? reject(new DomainError('unavailable', `Could not write ${path} on the server: ${error.message}.`)) : resolve())),
  );
}
