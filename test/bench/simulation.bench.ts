import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import { makeCard } from '../role-cards/support';

// `npm run bench`. The two figures for the simulation engine:
//  - Throughput: 200 sessions at concurrency 32 against the OpenAI-compatible test server
//    answering each call after 50 ms reach at least 85% of the ideal, where
//    ideal wall time = total calls × 50 ms / 32. Printed as achieved / ideal.
//  - Responsiveness: the event loop of the process running the engine never stalls more
//    than 50 ms during that run (perf_hooks.monitorEventLoopDelay). Printed: the worst stall.
//  - CPU per call of the engine's process (process.cpuUsage over the run / calls): what the
//    engine itself costs, which a shared machine disturbs far less than wall time.
// The test server runs in its own process, as a remote endpoint would; the engine streams
// (stream_options.include_usage), writes every turn to SQLite before the session's next
// call, and emits its live-view events, exactly as in the app.

const SESSIONS = 200;
const CONCURRENCY = 32;
const LATENCY_MS = 50;
const MAX_TURNS = 12;

// The server plays both agents: the counselor closes with a Table 2 phrase after 4–10
// turns (depending on the card), so sessions differ in length as real ones do.
const serverScript = `
const { startLlmServer } = require('./test/llm-server/server.ts');
startLlmServer({ latencyMs: ${LATENCY_MS}, logRequests: false }).then((server) => {
  server.respond((ctx) => {
    const system = ctx.systemPrompt || '';
    if (system.includes('来访者的对话要求')) {
      const card = /第(\\d+)号/.exec(system)?.[1] ?? '0';
      return '第' + card + '号：我最近总是睡不好，心里很乱，不知道该怎么办。';
    }
    const card = Number(/第(\\d+)号/.exec(ctx.messages[3]?.content ?? '')?.[1] ?? 0);
    const turn = ctx.messages.filter((m) => m.role === 'assistant').length + 1;
    return turn >= 4 + (card % 7) ? '好的，今天我们就先聊到这里，下次见。' : '听起来这件事让你很困扰，你愿意多说说当时的感受吗？';
  });
  process.stdout.write(server.url + '\\n');
});
`;

let server: ChildProcess;
let url = '';
const dir = mkdtempSync(join(tmpdir(), 'simpsy-bench-sim-'));
let ctx: AppContext;
type Figures = { calls: number; wallMs: number; idealMs: number; worstStallMs: number; sessions: number; p99: number; cpuMsPerCall: number };
const results: Figures[] = [];
const warmup: Figures[] = [];

beforeAll(async () => {
  server = spawn(process.execPath, ['--import', 'tsx', '-e', serverScript], { cwd: join(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] });
  url = await new Promise<string>((resolve, reject) => {
    let text = '';
    server.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      const line = text.split('\n')[0];
      if (text.includes('\n') && line) resolve(line.trim());
    });
    server.on('exit', (code) => reject(new Error(`the test server exited (${code})`)));
  });
}, 30_000);

let runCount = 0;
/** The first invocation is vitest's warm-up (JIT, first database): its figures are not kept. */
let invocations = 0;
function freshContext(): { ctx: AppContext; endpointId: number; cardIds: number[] } {
  const c = createAppContext({ dbPath: join(dir, `bench-${runCount++}.db`) });
  const endpoint = c.endpoints.create({ name: 'bench', baseUrl: url, model: 'test-model', timeoutMs: 30_000 });
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
      (invocations++ > 0 ? results : warmup).push({
        calls: summary.calls,
        wallMs,
        idealMs: (summary.calls * LATENCY_MS) / CONCURRENCY,
        worstStallMs: loop.max / 1e6,
        p99: loop.percentile(99) / 1e6,
        sessions: summary.sessions,
        cpuMsPerCall: (cpu.user + cpu.system) / 1000 / summary.calls,
      });
      if (tokenEvents === 0) throw new Error('no tokens were streamed');
      ctx.close();
    },
    { iterations: 3, warmupIterations: 1, time: 0 },
  );
});

afterAll(() => {
  server?.kill();
  if (results.length > 0) {
    const worst = results.reduce((a, b) => (b.wallMs / b.idealMs > a.wallMs / a.idealMs ? b : a));
    const median = [...results].sort((a, b) => a.idealMs / a.wallMs - b.idealMs / b.wallMs)[Math.floor(results.length / 2)]!;
    const ratio = (r: (typeof results)[number]) => r.idealMs / r.wallMs;
    const stall = Math.max(...results.map((r) => r.worstStallMs));
    console.log(
      [
        '',
        `simulation benchmark: ${SESSIONS} sessions, concurrency ${CONCURRENCY}, ${LATENCY_MS} ms per call, ${results.length} runs`,
        `  throughput: achieved / ideal = ${(ratio(median) * 100).toFixed(1)}% (median; worst run ${(ratio(worst) * 100).toFixed(1)}%; target ≥ 85%: ${ratio(worst) >= 0.85 ? 'met' : 'MISSED'})`,
        `              ${median.calls} calls, wall ${median.wallMs.toFixed(0)} ms, ideal ${median.idealMs.toFixed(0)} ms (calls × ${LATENCY_MS} ms / ${CONCURRENCY})`,
        `  CPU of the engine's process per call: ${[...results].sort((a, b) => a.cpuMsPerCall - b.cpuMsPerCall)[Math.floor(results.length / 2)]!.cpuMsPerCall.toFixed(3)} ms (median; less sensitive to a busy machine than wall time)`,
        `  responsiveness: worst event-loop stall ${stall.toFixed(1)} ms (target ≤ 50 ms: ${stall <= 50 ? 'met' : 'MISSED'}); p99 ${Math.max(...results.map((r) => r.p99)).toFixed(1)} ms`,
        ...warmup.map((w) => `  (the warm-up run, not counted, in a cold process: ${((w.idealMs / w.wallMs) * 100).toFixed(1)}% of ideal, worst stall ${w.worstStallMs.toFixed(1)} ms)`),
        '',
      ].join('\n'),
    );
  }
  rmSync(dir, { recursive: true, force: true });
});
