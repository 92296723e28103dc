import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import { makeCard } from '../role-cards/support';
import { bareClient, startBenchServer, type BenchServer } from './support/endpoint';

// `npm run bench`. The simulation engine in this process (the built CLI's figures are in
// simulation-cli.bench.ts): 200 sessions at concurrency 32 against the OpenAI-compatible test
// server in its own process answering each call after 50 ms.
//  - Responsiveness: the event loop of the process running the engine never stalls more
//    than 50 ms during that run (perf_hooks.monitorEventLoopDelay). Printed: the worst stall.
//  - Throughput, achieved / ideal (ideal wall time = total calls × 50 ms / 32), and the CPU
//    of the engine's process per call (process.cpuUsage over the run / calls): without the
//    CLI's start-up, for comparison with the CLI's figures. Baseline: a bare client process
//    making the same calls right after each run (support/bare-client.cjs).
// The engine streams (stream_options.include_usage), writes every turn to SQLite before the
// session's next call, and emits its live-view events, exactly as in the app.

const SESSIONS = 200;
const CONCURRENCY = 32;
const LATENCY_MS = 50;
const MAX_TURNS = 12;

let server: BenchServer;
const dir = mkdtempSync(join(tmpdir(), 'simpsy-bench-sim-'));
let ctx: AppContext;
type Figures = { calls: number; wallMs: number; idealMs: number; bareWallMs: number; worstStallMs: number; sessions: number; p99: number; cpuMsPerCall: number };
const results: Figures[] = [];
const warmup: Figures[] = [];

beforeAll(async () => {
  server = await startBenchServer(LATENCY_MS);
}, 30_000);

let runCount = 0;
/** The first invocation is vitest's warm-up (JIT, first database): its figures are not kept. */
let invocations = 0;
function freshContext(): { ctx: AppContext; endpointId: number; cardIds: number[] } {
  const c = createAppContext({ dbPath: join(dir, `bench-${runCount++}.db`) });
  const endpoint = c.endpoints.create({ name: 'bench', baseUrl: server.url, model: 'test-model', timeoutMs: 30_000 });
  const cards = c.cards.insertMany(
    Array.from({ length: SESSIONS }, (_, i) => ({ card: makeCard({ chiefComplaint: `第${i}号来访者：最近总是失眠，和家人关系紧张，工作压力也很大。` }) })),
  );
  return { ctx: c, endpointId: endpoint.id, cardIds: cards };
}

describe(`simulate ${SESSIONS} sessions at concurrency ${CONCURRENCY}, ${LATENCY_MS} ms per call`, () => {
  bench(
    'run: stream, refine, terminate, save every turn',
    async () => {
      const fresh = freshContext();
      ctx = fresh.ctx;
      const run = await ctx.simulation.create({
        client: { endpointId: fresh.endpointId },
        counselor: { endpointId: fresh.endpointId },
        concurrency: CONCURRENCY,
        maxTurns: MAX_TURNS,
        cards: { ids: fresh.cardIds },
      });
      // Listeners, as the app's live view would have.
      let tokenEvents = 0;
      ctx.events.on('simulation:tokens', () => tokenEvents++);
      ctx.events.on('simulation:turn', () => undefined);
      const loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const job = await ctx.simulation.execute(run.id);
      const wallMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      loop.disable();
      if (job.status !== 'done') throw new Error(`the run ended ${job.status}: ${job.error}`);
      const summary = ctx.simulation.summary(run.id);
      if (summary.completed !== SESSIONS) throw new Error(`${summary.completed} of ${SESSIONS} sessions completed`);
      const bare = await bareClient(server.url, summary.calls, CONCURRENCY);
      (invocations++ > 0 ? results : warmup).push({
        calls: summary.calls,
        wallMs,
        idealMs: (summary.calls * LATENCY_MS) / CONCURRENCY,
        bareWallMs: bare.wallMs,
        worstStallMs: loop.max / 1e6,
        p99: loop.percentile(99) / 1e6,
        sessions: summary.sessions,
        cpuMsPerCall: (cpu.user + cpu.system) / 1000 / summary.calls,
      });
      if (tokenEvents === 0) throw new Error('no tokens were streamed');
      ctx.close();
    },
    { iterations: 2, warmupIterations: 1, time: 0 },
  );
});

afterAll(() => {
  server?.stop();
  if (results.length > 0) {
    const worst = results.reduce((a, b) => (b.wallMs / b.idealMs > a.wallMs / a.idealMs ? b : a));
    const median = [...results].sort((a, b) => a.idealMs / a.wallMs - b.idealMs / b.wallMs)[Math.floor(results.length / 2)]!;
    const ratio = (r: (typeof results)[number]) => r.idealMs / r.wallMs;
    const stall = Math.max(...results.map((r) => r.worstStallMs));
    console.log(
      [
        '',
        `simulation benchmark: ${SESSIONS} sessions, concurrency ${CONCURRENCY}, ${LATENCY_MS} ms per call, ${results.length} runs`,
        `  throughput: achieved / ideal = ${(ratio(median) * 100).toFixed(1)}% (median; worst run ${(ratio(worst) * 100).toFixed(1)}%; the targets are the built CLI's, in simulation-cli.bench.ts)`,
        `              ${median.calls} calls, wall ${median.wallMs.toFixed(0)} ms, ideal ${median.idealMs.toFixed(0)} ms (calls × ${LATENCY_MS} ms / ${CONCURRENCY})`,
        `  baseline, a bare client making the same calls right after each run: ${results.map((r) => (r.idealMs / r.bareWallMs).toFixed(2)).join(', ')} of ideal; achieved / baseline ${results.map((r) => (r.bareWallMs / r.wallMs).toFixed(2)).join(', ')}`,
        `  CPU of the engine's process per call: ${[...results].sort((a, b) => a.cpuMsPerCall - b.cpuMsPerCall)[Math.floor(results.length / 2)]!.cpuMsPerCall.toFixed(3)} ms (median; less sensitive to a busy machine than wall time)`,
        `  responsiveness: worst event-loop stall ${stall.toFixed(1)} ms (target ≤ 50 ms: ${stall <= 50 ? 'met' : 'MISSED'}); p99 ${Math.max(...results.map((r) => r.p99)).toFixed(1)} ms`,
        ...warmup.map((w) => `  (the warm-up run, not counted, in a cold process: ${((w.idealMs / w.wallMs) * 100).toFixed(1)}% of ideal, worst stall ${w.worstStallMs.toFixed(1)} ms)`),
        '',
      ].join('\n'),
    );
  }
  rmSync(dir, { recursive: true, force: true });
});
