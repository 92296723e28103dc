import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The script a worker thread starts from, and the Node options it needs. */
export interface WorkerEntry {
  file: string;
  execArgv: string[];
}

/**
 * Where the worker script is, found from this module's own place, as every way the code runs
 * has one:
 *  - built (out/main/index.js in Electron, out/main/cli.js for `simpsy`): `worker.js`, a third
 *    entry of the same main build, in out/main/; this module sits in out/main/ or in a shared
 *    chunk in out/main/chunks/, so the folder and its parent are looked at;
 *  - from sources (vitest, tsx): `worker.ts` beside this file, run through tsx's require hook,
 *    since Node runs no TypeScript by itself. The same modules run either way.
 */
export function findWorkerEntry(from: string = __dirname): WorkerEntry {
  for (const dir of [from, dirname(from)]) {
    const built = join(dir, 'worker.js');
    if (existsSync(built)) return { file: built, execArgv: [] };
  }
  const source = join(from, 'worker.ts');
  if (existsSync(source)) return sourceEntry(source);
  throw new Error(`The worker script is missing: no worker.js in ${from} or ${dirname(from)}, no worker.ts in ${from}. Rebuild SimPsy Studio (npm run build).`);
}

/** A worker script in TypeScript, run through tsx (from sources only: tsx is a development tool). */
export const sourceEntry = (file: string): WorkerEntry => ({ file, execArgv: ['--require', createRequire(file).resolve('tsx/cjs')] });
