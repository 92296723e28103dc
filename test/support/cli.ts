import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const bin = join(__dirname, '../../bin/simpsy.cjs');
const built = join(__dirname, '../../out/main/cli.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `simpsy` as a user would: a real process, its own environment, no shell. */
export function simpsy(args: string[], env: NodeJS.ProcessEnv = {}, options: { cwd?: string; uid?: number; gid?: number } = {}): Promise<CliResult> {
  if (!existsSync(built)) throw new Error(`No built CLI at ${built}: run \`npm run build\` first.`);
  return runProcess(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    ...(options.cwd ? { cwd: options.cwd } : {}),
    // Another user (tests running as root, where file modes do not stop writes).
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
  });
}

/** Runs a command to its end, collecting what it printed. */
export function runProcess(command: string, args: string[], options: SpawnOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface RunningCli {
  child: ChildProcess;
  pid: number;
  output: { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

/** Starts the built `simpsy` and returns at once, for tests that signal or race it. */
export function startSimpsy(args: string[], env: NodeJS.ProcessEnv = {}): RunningCli {
  if (!existsSync(built)) throw new Error(`No built CLI at ${built}: run \`npm run build\` first.`);
  const child = spawn(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, pid: child.pid!, output, exited };
}
