import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AppContext } from '../app/context';
import { DomainError } from '../common/errors';

/** Parses a numeric flag, naming the flag in the error so the user knows what to fix. */
export function numberFlag(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) {
    throw new DomainError('validation', `${flag} must be a number, got '${raw}'.`);
  }
  return value;
}

/** Parses a whole-number flag of at least `min`, naming the flag in the error. */
export function whole(flag: string, raw: string | undefined, min = 1): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw new DomainError('validation', `${flag} must be a whole number of at least ${min}, got '${raw}'.`);
  }
  return Number(raw);
}

/** Reads a text file a flag names (a template, a phrase list), without a byte-order mark. */
export function readText(flag: string, path: string): string {
  try {
    return readFileSync(resolve(path), 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new DomainError('not_found', `${flag}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
}

/** Awaits `work` with Ctrl-C and SIGTERM going to `onSignal` (a run's pause, then its stop), and lets go of them after. */
export async function withSignals<T>(onSignal: (signal: NodeJS.Signals) => void, work: () => Promise<T>): Promise<T> {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A plain-text table with columns padded to their widest cell (CJK characters count double). */
export function table(headers: string[], rows: string[][]): string {
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1), 0);
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(widths[i]! - width(c))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/**
 * A reader that closes the pipe early (`simpsy cards list | head -1`) has all it wanted:
 * end quietly with 0 instead of Node's EPIPE stack trace. Work already committed stays;
 * a simulation cut off this way is found paused on the next start, like after Ctrl-C twice.
 */
export function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(0);
    });
  }
}

export const bar = (done: number, total: number, width = 24): string => {
  const filled = total > 0 ? Math.round((Math.min(done, total) / total) * width) : 0;
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
};

/**
 * While `work` runs, draws the progress of the jobs it starts (a large import's check, a
 * duplicate search in a worker thread) on stderr when that is a terminal, and makes Ctrl-C
 * cancel them: the work then rejects with code 'cancelled' and nothing is written. Ctrl-C
 * before any job started, or a second time, ends the command at once.
 */
export async function withJobProgress<T>(ctx: AppContext, label: string, work: () => Promise<T>): Promise<T> {
  const tty = process.stderr.isTTY === true;
  const jobs = new Set<number>();
  let drawn = false;
  const off = ctx.events.on('jobs:progress', (e) => {
    jobs.add(e.jobId);
    if (!tty || e.status !== 'running' || e.total === 0) return;
    process.stderr.write(`\r\x1b[K${label} ${bar(e.done, e.total)} ${Math.floor((100 * Math.min(e.done, e.total)) / e.total)}%`);
    drawn = true;
  });
  let signals = 0;
  const onSignal = () => {
    if (jobs.size === 0 || signals++ > 0) process.exit(130);
    for (const id of jobs) ctx.runner.cancel(id);
  };
  process.on('SIGINT', onSignal);
  try {
    return await work();
  } finally {
    off();
    process.off('SIGINT', onSignal);
    if (drawn) process.stderr.write('\r\x1b[K');
  }
}
