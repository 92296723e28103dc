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
