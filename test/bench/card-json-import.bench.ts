import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, bench, describe } from 'vitest';
import { writeJson } from '../../src-main/role-cards/formats/json';
import { importCards } from '../../src-main/role-cards/import';
import { RoleCardRepository } from '../../src-main/role-cards/repository';
import { openDatabase } from '../../src-main/storage/database';
import { syntheticCards } from '../role-cards/support';

// `npm run bench`. Issue 7: a JSON import of 13,473 cards took 334 s, because every card's line
// was counted from the start of the file. Target: 10,000 cards in under 2 s. Cards are
// real-length (complaints of 300–1,500 Chinese characters, as PsyQA posts run), in our
// pretty-printed JSON wrapper. The baseline, measured in the same run, is reading the same
// file and a bare JSON.parse of it: the least any JSON import must spend.

const sizes = [10_000, 13_473];
const dir = mkdtempSync(join(tmpdir(), 'simpsy-bench-json-'));
const now = new Date().toISOString();
const files = new Map(
  sizes.map((n) => {
    const cards = syntheticCards(n, 7, { complaintChars: [300, 1500] }).map((c, i) => ({ ...c, id: i + 1, createdAt: now, updatedAt: now }));
    const path = join(dir, `cards-${n}.json`);
    writeFileSync(path, writeJson(cards, now));
    return [n, path] as const;
  }),
);

// Wall time, and this process's CPU time: on a machine shared with other work the wall time
// grows with the load, the CPU time much less.
const mb = (n: number) => (statSync(files.get(n)!).size / 1024 / 1024).toFixed(0);
const timings: Record<string, number[]> = {};
const cpu: Record<string, number[]> = {};
const timed = (name: string, work: () => void) => () => {
  const start = performance.now();
  const startCpu = process.cpuUsage();
  work();
  const used = process.cpuUsage(startCpu);
  (timings[name] ??= []).push(performance.now() - start);
  (cpu[name] ??= []).push((used.user + used.system) / 1000);
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
let dbCount = 0;

for (const n of sizes) {
  const path = files.get(n)!;
  describe(`JSON import of ${n.toLocaleString('en')} real-length cards`, () => {
    bench(
      'importCards: read, parse, check, find duplicates, insert (index deferred)',
      () => {
        const db = openDatabase(join(dir, `bench-${dbCount++}.db`));
        timed(`import ${n}`, () => {
          const report = importCards(new RoleCardRepository(db), { path, format: 'json', dryRun: false });
          if (report.imported !== n) throw new Error(`imported ${report.imported}: ${JSON.stringify(report.problems.slice(0, 3))}`);
        })();
        db.close();
      },
      { iterations: 3, warmupIterations: 1, time: 0 },
    );
    bench(
      'baseline: read the file and JSON.parse it',
      timed(`parse ${n}`, () => {
        if ((JSON.parse(readFileSync(path, 'utf8')) as { cards: unknown[] }).cards.length !== n) throw new Error('wrong count');
      }),
      { iterations: 3, warmupIterations: 1, time: 0 },
    );
  });
}

afterAll(() => {
  const lines = sizes.flatMap((n) => {
    const [took, base] = [median(timings[`import ${n}`] ?? []), median(timings[`parse ${n}`] ?? [])];
    const [tookCpu, baseCpu] = [median(cpu[`import ${n}`] ?? []), median(cpu[`parse ${n}`] ?? [])];
    const target = n === 10_000 ? ` (target < 2000 ms: ${took < 2000 ? 'met' : 'MISSED'})` : '';
    return [
      `  ${n.toLocaleString('en').padStart(6)} cards, ${mb(n)} MB: import ${took.toFixed(0)} ms${target}; ${(took / base).toFixed(1)}× reading + JSON.parse (${base.toFixed(0)} ms)`,
      `                 CPU time: import ${tookCpu.toFixed(0)} ms; ${(tookCpu / baseCpu).toFixed(1)}× reading + JSON.parse (${baseCpu.toFixed(0)} ms)`,
    ];
  });
  console.log(['', 'JSON card import, real-length cards (medians):', ...lines, ''].join('\n'));
  rmSync(dir, { recursive: true, force: true });
});
