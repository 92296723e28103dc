import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, bench, describe } from 'vitest';
import { createAppContext } from '../../src-main/app/context';
import { exportSft } from '../../src-main/finetune/sft/export';
import { corpus, corpusJsonl } from './dialogue-corpus';

// `npm run bench`. The SFT export of 10,000 sessions (~130,000 messages) in both modes, against
// the dialogue browser's OpenAI export of the same sessions in the same run (one record per
// session, as the session mode writes): what shaping, statistics and the dataset read cost
// over writing the records. Prefix mode writes about turns/2 times the bytes; its time is
// printed with its file size.

const N = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'simpsy-bench-sft-'));
const jsonl = join(dir, 'sessions.jsonl');
writeFileSync(jsonl, corpusJsonl(corpus(N, 13)));
const ctx = createAppContext({ dbPath: join(dir, 'bench.db') });
const imported = await ctx.simulation.importDialogues({ path: jsonl });
ctx.simulation.dialogues.search.catchUpAll();

const timings: Record<string, number[]> = {};
const sizes: Record<string, number> = {};
const median = (name: string) => {
  const xs = [...(timings[name] ?? [])].sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)] ?? NaN;
};
let n = 0;
async function timed(name: string, work: (path: string) => Promise<unknown>) {
  const path = join(dir, `${name}-${n++}.json`);
  const start = performance.now();
  await work(path);
  (timings[name] ??= []).push(performance.now() - start);
  sizes[name] = statSync(path).size;
}
const once = { iterations: 3, warmupIterations: 1, time: 0 };
const sft = (mode: 'prefix' | 'session') => (path: string) =>
  exportSft(ctx.db, ctx.resourcesDir, { runIds: [imported.runId] }, { format: 'openai', mode, system: { kind: 'run' }, cutoffLen: 4096, path, jsonl: true, name: `d${n}` });

describe(`SFT export of ${N.toLocaleString('en')} sessions`, () => {
  bench('dialogues export, OpenAI (baseline)', () => timed('baseline', (path) => ctx.simulation.exportDialogues({ path, format: 'openai' })), once);
  bench('sft export, session mode', () => timed('session', sft('session')), once);
  bench('sft export, prefix mode', () => timed('prefix', sft('prefix')), once);
});

afterAll(() => {
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const mb = (name: string) => `${((sizes[name] ?? 0) / 1e6).toFixed(1)} MB`;
  const base = median('baseline');
  process.stdout.write(
    [
      '',
      `SFT export benchmark (medians; ${N} sessions):`,
      `  dialogues export, OpenAI  ${ms(base)} (${mb('baseline')})`,
      `  sft export, session mode  ${ms(median('session'))} (${mb('session')}); ${(median('session') / base).toFixed(2)}× the dialogues export`,
      `  sft export, prefix mode   ${ms(median('prefix'))} (${mb('prefix')}); ${(median('prefix') / base).toFixed(2)}× the dialogues export`,
      '',
    ].join('\n'),
  );
  ctx.close();
  rmSync(dir, { recursive: true, force: true });
});
