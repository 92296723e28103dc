import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { createAppContext } from '../../src-main/app/context';
import { makeCard } from '../role-cards/support';
import { simpsy } from '../support/cli';
import { bareClient, startBenchServer, type BenchServer } from './support/endpoint';

// `npm run bench` (after `npm run build`). The figures for the simulation engine at
// the speed of its endpoint, measured on the built CLI as a user runs it:
//   node bin/simpsy.cjs --db … simulate --concurrency C …
// against the test server in its own process answering each call after 50 ms, streaming.
//  - Throughput: ideal wall time = calls × 50 ms / C; achieved / ideal of the whole command,
//    start-up included. Targets: ≥ 0.9 at C = 32, ≥ 0.8 at C = 128.
//  - CPU of the CLI process per call (its rusage, start-up included). Target < 0.2 ms. Printed
//    split into the start-up's share (`simpsy runs list` on the same database, measured in the
//    same run), the baseline's CPU per call (making the calls) and the rest: the engine's own.
//  - Peak memory (max RSS) of the CLI process. Target < 300 MB at C = 128.
// Baseline measured in the same run: a bare client process making the same number of calls
// at the same concurrency against the same server and saving nothing (support/bare-client.cjs).
// Its ratio is what the server and the machine allow right now; the engine's ratio to it is
// what the engine costs. The server's own CPU per call is printed too: on a 2-core machine
// it competes with the engine for the same cores.

const LATENCY_MS = 50;
const MAX_TURNS = 12;
/** tinybench runs a task once more than asked; every run is reported. */
const ITERATIONS = 2;
/** Sessions per case: about the same ideal time (≈ 4 s) at each concurrency. */
const CASES = [
  { concurrency: 32, sessions: 200 },
  { concurrency: 128, sessions: 800 },
];

const usageHook = join(__dirname, 'support/usage-on-exit.cjs');
const dir = mkdtempSync(join(tmpdir(), 'simpsy-bench-cli-'));

let server: BenchServer;

interface Usage {
  cpuMs: number;
  maxRssKb: number;
}

/** Runs the built CLI (test/support/cli.ts) with these arguments; resolves with its wall time, rusage and stdout. */
async function simpsyMeasured(args: string[]): Promise<{ wallMs: number; usage: Usage; stdout: string }> {
  const usageFile = join(dir, `usage-${process.hrtime.bigint()}.json`);
  const started = performance.now();
  const run = await simpsy(args, { NODE_OPTIONS: `--require ${usageHook}`, SIMPSY_BENCH_USAGE: usageFile });
  const wallMs = performance.now() - started;
  if (run.code !== 0) throw new Error(`simpsy ${args.join(' ')} exited ${run.code}: ${run.stderr.slice(-500)}`);
  return { wallMs, usage: JSON.parse(readFileSync(usageFile, 'utf8')) as Usage, stdout: run.stdout };
}

/** A database with the endpoint and the cards, copied afresh for every run. */
function template(sessions: number): string {
  const path = join(dir, `template-${sessions}.db`);
  const ctx = createAppContext({ dbPath: path });
  ctx.endpoints.create({ name: 'bench', baseUrl: server.url, model: 'test-model', timeoutMs: 30_000 });
  ctx.cards.insertMany(
    Array.from({ length: sessions }, (_, i) => ({ card: makeCard({ chiefComplaint: `第${i}号来访者：最近总是失眠，和家人关系紧张，工作压力也很大。` }) })),
  );
  ctx.close();
  return path;
}

interface Figures {
  calls: number;
  wallMs: number;
  idealMs: number;
  cpuMs: number;
  maxRssKb: number;
  serverCpuMs: number;
  bareWallMs: number;
  bareCpuMs: number;
  load: number;
}
const results = new Map<number, Figures[]>();
let startup: { wallMs: number; cpuMs: number } | null = null;
const templates = new Map<number, string>();

beforeAll(async () => {
  server = await startBenchServer(LATENCY_MS);
  for (const c of CASES) templates.set(c.concurrency, template(c.sessions));
  // The CLI's start-up alone (load, open and check the database, answer, exit), for the CPU per call without it.
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const db = join(dir, 'startup.db');
    copyFileSync(templates.get(CASES[0]!.concurrency)!, db);
    const r = await simpsyMeasured(['--db', db, 'runs', 'list']);
    runs.push({ wallMs: r.wallMs, cpuMs: r.usage.cpuMs });
  }
  startup = runs.sort((a, b) => a.cpuMs - b.cpuMs)[1]!;
}, 120_000);

for (const { concurrency, sessions } of CASES) {
  describe(`simpsy simulate: ${sessions} sessions at concurrency ${concurrency}, ${LATENCY_MS} ms per call`, () => {
    bench(
      'the built CLI, start-up included',
      async () => {
        const db = join(dir, `run-${concurrency}.db`);
        for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
        copyFileSync(templates.get(concurrency)!, db);
        const serverBefore = await server.cpuMs();
        const load = loadavg()[0]!;
        const run = await simpsyMeasured(['--db', db, 'simulate', '--client', 'bench', '--counselor', 'bench', '--concurrency', String(concurrency), '--max-turns', String(MAX_TURNS), '--json']);
        const serverCpu = (await server.cpuMs()) - serverBefore;
        const outcome = JSON.parse(run.stdout.trimEnd().split('\n').at(-1)!) as { status: string; completed: number; calls: number };
        if (outcome.status !== 'done' || outcome.completed !== sessions) throw new Error(`the run ended ${outcome.status} with ${outcome.completed} of ${sessions} sessions`);
        const bare = await bareClient(server.url, outcome.calls, concurrency);
        const list = results.get(concurrency) ?? [];
        list.push({
          calls: outcome.calls,
          wallMs: run.wallMs,
          idealMs: (outcome.calls * LATENCY_MS) / concurrency,
          cpuMs: run.usage.cpuMs,
          maxRssKb: run.usage.maxRssKb,
          serverCpuMs: serverCpu,
          bareWallMs: bare.wallMs,
          bareCpuMs: bare.cpuMs,
          load,
        });
        results.set(concurrency, list);
      },
      { iterations: ITERATIONS, warmupIterations: 0, time: 0 },
    );
  });
}

afterAll(() => {
  server?.stop();
  const f1 = (n: number) => n.toFixed(1);
  const f2 = (n: number) => n.toFixed(2);
  const f3 = (n: number) => n.toFixed(3);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const lines = ['', `simulation through the built CLI, ${LATENCY_MS} ms per call, test server in its own process (load average at start: ${loadavg().map(f1).join(' ')})`];
  if (startup) lines.push(`  CLI start-up alone (simpsy runs list): ${startup.wallMs.toFixed(0)} ms wall, ${startup.cpuMs.toFixed(0)} ms CPU`);
  const targets: Record<number, number> = { 32: 0.9, 128: 0.8 };
  for (const { concurrency, sessions } of CASES) {
    const runs = results.get(concurrency);
    if (!runs?.length) continue;
    const list = (f: (r: Figures) => number, digits = 2) => runs.map((r) => f(r).toFixed(digits)).join(', ');
    const ratio = (r: Figures) => r.idealMs / r.wallMs;
    const worst = Math.min(...runs.map(ratio));
    const target = targets[concurrency] ?? 0.8;
    // CPU per call, split: the whole process; the start-up's share; the bare client's (making
    // the calls over HTTP and reading the streams); what is left is the engine's own work.
    const cpu = median(runs.map((r) => r.cpuMs / r.calls));
    const startupShare = median(runs.map((r) => (startup?.cpuMs ?? 0) / r.calls));
    const transport = median(runs.map((r) => r.bareCpuMs / r.calls));
    const peakMb = Math.max(...runs.map((r) => r.maxRssKb)) / 1024;
    lines.push(
      `  concurrency ${concurrency}: ${sessions} sessions, ${runs[0]!.calls} calls, ideal ${runs[0]!.idealMs.toFixed(0)} ms (calls × ${LATENCY_MS} ms / ${concurrency}); load average ${list((r) => r.load, 1)}`,
      `    achieved / ideal:     ${list(ratio)} (worst ${f2(worst)}; target ≥ ${target}: ${worst >= target ? 'met' : 'MISSED'}); wall ${list((r) => r.wallMs, 0)} ms`,
      `    baseline / ideal:     ${list((r) => r.idealMs / r.bareWallMs)} (a bare client making the same calls, run right after)`,
      `    achieved / baseline:  ${list((r) => r.bareWallMs / r.wallMs)} (what the engine and its start-up cost in wall time)`,
      `    CPU per call:         ${f3(cpu)} ms (median; target < 0.2 ms: ${cpu < 0.2 ? 'met' : 'MISSED'}) = start-up ${f3(startupShare)} + making the calls ${f3(transport)} (the bare client's) + the engine ${f3(cpu - startupShare - transport)}`,
      `    peak memory:          ${peakMb.toFixed(0)} MB max RSS (target < 300 MB: ${peakMb < 300 ? 'met' : 'MISSED'}); the test server's CPU per call ${f3(median(runs.map((r) => r.serverCpuMs / r.calls)))} ms`,
    );
  }
  console.log(`${lines.join('\n')}\n`);
  rmSync(dir, { recursive: true, force: true });
});
