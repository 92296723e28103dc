import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, bench, describe } from 'vitest';
import { ChangeWatcher } from '../../src-main/app/change-watcher';
import { AppEvents } from '../../src-main/app/events';
import { SimulationStore } from '../../src-main/simulation/store';
import { openDatabase, type Db } from '../../src-main/storage/database';

// `npm run bench`. What the app's change watching (migration 007, app/change-watcher.ts) costs:
//  - the simulation engine's hottest path, saving turns (32 per group commit, as at
//    concurrency 32) through the real SimulationStore, against the same database with the
//    counter triggers dropped; rounds alternate, so the machine's load falls on both alike;
//  - one look of the watcher (every 500 ms in the app) on that database, against reading
//    SQLite's `PRAGMA data_version`, the cheapest way to ask whether anything changed.

const SESSIONS = 200;
const TURNS = 24;
const BATCH = 32;
const ROUNDS = 5;

const dir = mkdtempSync(join(tmpdir(), 'simpsy-bench-counters-'));
let made = 0;
const call = { attempt: 1, retries: 0, model: 'm', finishReason: 'stop', usage: { promptTokens: 300, completionTokens: 40, cachedTokens: 0 }, cost: 0, latencyMs: 50 };
const text = '听起来这件事让你很困扰，你愿意多说说当时的感受吗？';

function freshDb(withCounters: boolean): Db {
  const db = openDatabase(join(dir, `counters-${made++}.db`));
  if (!withCounters) {
    const triggers = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_counts_%'").all() as { name: string }[];
    for (const { name } of triggers) db.exec(`DROP TRIGGER ${name}`);
  }
  return db;
}

/** Milliseconds to save SESSIONS × TURNS turns, BATCH at a time. */
async function saveTurns(withCounters: boolean): Promise<number> {
  const db = freshDb(withCounters);
  const store = new SimulationStore(db);
  const runId = store.createRun(
    { kind: 'simulation', title: 'bench', language: 'zh', config: {}, appVersion: 'bench', jobId: null },
    Array.from({ length: SESSIONS }, (_, i) => ({ cardId: i + 1, repetition: 1, cardText: '性别：女' })),
  );
  const sessionIds = (db.prepare('SELECT id FROM sim_sessions WHERE run_id = ? ORDER BY seq').all(runId) as { id: number }[]).map((r) => r.id);
  const turns = sessionIds.flatMap((sessionId) => Array.from({ length: TURNS }, (_, idx) => ({ sessionId, idx })));
  // Interleave sessions, as concurrent sessions do.
  turns.sort((a, b) => a.idx - b.idx || a.sessionId - b.sessionId);
  const started = performance.now();
  for (let i = 0; i < turns.length; i += BATCH) {
    await Promise.all(
      turns.slice(i, i + BATCH).map((t) =>
        store.saveTurn({ runId, sessionId: t.sessionId, idx: t.idx, role: t.idx % 2 === 0 ? 'client' : 'counselor', content: text, call, end: null }),
      ),
    );
  }
  const elapsed = performance.now() - started;
  if (withCounters) timeLooks(db);
  db.close();
  return elapsed;
}

const LOOKS = 2000;
const looks: { watcher: number[]; dataVersion: number[] } = { watcher: [], dataVersion: [] };
function timeLooks(db: Db): void {
  const watcher = new ChangeWatcher(db, new AppEvents());
  let started = performance.now();
  for (let i = 0; i < LOOKS; i++) watcher.check();
  looks.watcher.push(((performance.now() - started) / LOOKS) * 1000);
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  started = performance.now();
  for (let i = 0; i < LOOKS; i++) dataVersion.get();
  looks.dataVersion.push(((performance.now() - started) / LOOKS) * 1000);
}

const timings: { with: number[]; without: number[] } = { with: [], without: [] };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

describe(`save ${(SESSIONS * TURNS).toLocaleString('en')} turns, ${BATCH} per group commit`, () => {
  bench(
    'with the change-counter triggers, against the same database without them',
    async () => {
      await saveTurns(true); // warm-up: JIT and file system
      for (let r = 0; r < ROUNDS; r++) {
        timings.without.push(await saveTurns(false));
        timings.with.push(await saveTurns(true));
      }
    },
    { iterations: 1, warmupIterations: 0, time: 0 },
  );
});

afterAll(() => {
  if (timings.with.length > 0) {
    const turns = SESSIONS * TURNS;
    const w = median(timings.with);
    const wo = median(timings.without);
    console.log(
      [
        '',
        `change watching: ${turns} turns saved through SimulationStore, ${BATCH} per group commit, median of ${ROUNDS} alternating rounds`,
        `  with triggers ${w.toFixed(0)} ms (${((w / turns) * 1000).toFixed(1)} µs a turn), without ${wo.toFixed(0)} ms (${((wo / turns) * 1000).toFixed(1)} µs a turn)`,
        `  ratio with / without = ${(w / wo).toFixed(3)}; per turn the triggers add ${(((w - wo) / turns) * 1000).toFixed(1)} µs (a turn's model call takes ≥ 50 ms)`,
        `  one look of the watcher: ${median(looks.watcher).toFixed(1)} µs; PRAGMA data_version: ${median(looks.dataVersion).toFixed(1)} µs (ratio ${(median(looks.watcher) / median(looks.dataVersion)).toFixed(2)})`,
        '',
      ].join('\n'),
    );
  }
  rmSync(dir, { recursive: true, force: true });
});
