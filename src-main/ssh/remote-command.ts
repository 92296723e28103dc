import { DomainError } from '../common/errors';
import type { SshSession } from './connect';

// Every command run on a server goes through here, so that no user value (a work folder, a
// dataset or model name, a remote id) is ever parsed by a shell (issue 11, "Safety"):
// - the command line is the constant `bash -s`: the login shell (bash, zsh, fish, csh…)
//   only starts bash, so its quoting rules never matter;
// - the script goes on stdin, wrapped in { … } so bash reads all of it before running any,
//   and commands inside cannot eat the script as their input;
// - arguments travel as base64 literals (only A–Z a–z 0–9 + / =, inert in single quotes)
//   decoded into "$1", "$2"… by a fixed prelude; scripts use them quoted, never eval them;
// - the one exception is the profile's set-up line, which is shell code by design (the
//   user's own `conda activate …`), run with `eval` by the scripts that need it;
// - remote ids coming back are checked as integers before any use (remoteId below).

export interface ScriptResult {
  /** The script's exit status; null when it ended by a signal or the connection dropped. */
  code: number | null;
  stdout: string;
  stderr: string;
}

const b64 = (value: string) => Buffer.from(value, 'utf8').toString('base64');

/** The text fed to `bash -s`: the prelude setting "$@" from base64, then the script, in one block. */
export function scriptText(script: string, args: readonly string[]): string {
  const decode = args.map((arg, i) => {
    if (arg.includes('\0')) throw new DomainError('validation', `Argument ${i + 1} of a remote command contains a NUL character, which no command can take.`);
    // `printf x` keeps trailing newlines that $( ) would strip; ${v%x} takes it off again.
    return `__simpsy_v=$(printf %s '${b64(arg)}' | base64 -d && printf x) || exit 97; __simpsy_args+=("\${__simpsy_v%x}")`;
  });
  return ['{', '__simpsy_args=()', ...decode, 'set -- "${__simpsy_args[@]}"', 'unset __simpsy_args __simpsy_v', 'exec </dev/null', script, '}', 'exit $?', ''].join('\n');
}

/** Runs `script` with `args` as "$1"… on the server; resolves with its output and status, whatever the status. */
export function runScript(session: SshSession, script: string, args: readonly string[] = [], options: { timeoutMs?: number } = {}): Promise<ScriptResult> {
  const input = scriptText(script, args);
  return new Promise((resolve, reject) => {
    session.client.exec('bash -s', (error, channel) => {
      if (error) return reject(new DomainError('unavailable', `${session.profile.host} refused to run a command: ${error.message}.`));
      let stdout = '';
      let stderr = '';
      let code: number | null = null;
      const timer =
        options.timeoutMs === undefined
          ? null
          : setTimeout(() => {
              channel.close();
              reject(new DomainError('unavailable', `A command on ${session.profile.host} did not finish within ${Math.round(options.timeoutMs! / 1000)} s.`));
            }, options.timeoutMs);
      channel.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      channel.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      channel.on('exit', (status: number | null) => (code = typeof status === 'number' ? status : null));
      channel.on('close', () => {
        if (timer) clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
      channel.end(input);
    });
  });
}

/** Runs a script that must succeed; a failure names what it was doing and the script's last words. */
export async function runChecked(session: SshSession, what: string, script: string, args: readonly string[] = [], options: { timeoutMs?: number } = {}): Promise<string> {
  const result = await runScript(session, script, args, options);
  if (result.code !== 0) {
    const said = lastLines(result.stderr || result.stdout, 5);
    throw new DomainError('unavailable', `${what} failed on ${session.profile.host} (exit ${result.code ?? 'by signal'})${said ? `: ${said}` : ''}.`);
  }
  return result.stdout;
}

export const lastLines = (text: string, n: number): string => text.trim().split('\n').slice(-n).join(' | ');

/**
 * A remote id (a process-group id) as read back from a server or the database: only a
 * positive integer a kernel could hand out passes, so nothing else reaches a remote command.
 */
export function remoteId(raw: string | number | null | undefined): number {
  const text = String(raw ?? '').trim();
  if (!/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > 2 ** 31 - 1) {
    throw new DomainError('validation', `'${text.slice(0, 40)}' is not a remote process id (a positive integer); the job record may be damaged.`);
  }
  return Number(text);
}
