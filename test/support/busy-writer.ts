import { spawn } from 'node:child_process';
import { join } from 'node:path';

const script = join(__dirname, 'busy-writer.cjs');

/**
 * Runs `work` while another process keeps committing write transactions to `db`, each
 * holding the lock `holdMs` with `gapMs` between them. Resolves to work's result and how
 * many commits the other process made meanwhile.
 */
export async function whileAnotherProcessWrites<T>(db: string, timing: { holdMs: number; gapMs: number }, work: () => Promise<T>): Promise<{ result: T; commits: number }> {
  const busy = spawn(process.execPath, [script, db, String(timing.holdMs), String(timing.gapMs), '180000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let said = '';
  const exited = new Promise<void>((resolve) => busy.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    busy.stdout.on('data', (d: Buffer) => {
      said += d.toString();
      if (said.includes('ready')) resolve();
    });
    void exited.then(() => reject(new Error(`the busy writer stopped before it began: ${said}`)));
  });
  try {
    const result = await work();
    busy.kill('SIGTERM');
    await exited;
    return { result, commits: Number(/(\d+) commits/.exec(said)?.[1] ?? 0) };
  } finally {
    busy.kill('SIGTERM');
  }
}
