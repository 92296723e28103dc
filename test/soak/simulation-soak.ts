// Soak test of the simulation engine (not part of `npm test`): `npm run soak`.
// 500 sessions against the OpenAI-compatible test server with about 10% of calls failing
// (rate limits with Retry-After, 500/502/503, dropped connections, garbled answers, streams
// cut mid-way, requests that hang until the timeout). Every session must finish by a
// termination phrase or the turn limit, with no duplicated or missing turn, and the database
// must pass integrity checks. Options: --sessions N --fault-rate 0.1 --concurrency 32.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAppContext } from '../../src-main/app/context';
import { randomFrom } from '../../src-main/common/random';
import { startLlmServer } from '../llm-server/server';
import type { Fault, ResponderContext } from '../llm-server/types';
import { makeCard } from '../role-cards/support';

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '500' },
    'fault-rate': { type: 'string', default: '0.1' },
    concurrency: { type: 'string', default: '32' },
    latency: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
  },
});
const SESSIONS = Number(values.sessions);
const FAULT_RATE = Number(values['fault-rate']);
const CONCURRENCY = Number(values.concurrency);
const MAX_TURNS = 8;

const faults: Fault[] = [
  { fault: 'rate_limit', retryAfter: 0.05 },
  { fault: 'server_error', status: 500 },
  { fault: 'server_error', status: 502 },
  { fault: 'server_error', status: 503 },
  { fault: 'drop' },
  { fault: 'malformed' },
  { fault: 'cut_stream', afterChunks: 2, content: '这是一个会在中途断开的回答，请稍后再试一次。' },
  { fault: 'hang' },
];

async function main(): Promise<void> {
  const rand = randomFrom(Number(values.seed));
  const server = await startLlmServer({ latencyMs: Number(values.latency), logRequests: false });
  const injected: Record<string, number> = {};
  let requests = 0;
  server.respond((ctx: ResponderContext) => {
    requests++;
    if (rand() < FAULT_RATE) {
      const f = faults[Math.floor(rand() * faults.length)]!;
      injected[f.fault] = (injected[f.fault] ?? 0) + 1;
      return f;
    }
    const system = ctx.systemPrompt ?? '';
    const turn = ctx.messages.filter((m) => m.role === (system.includes('来访者的对话要求') ? 'user' : 'assistant')).length + 1;
    if (system.includes('来访者的对话要求')) return `第${turn}次：我最近总是睡不好。`;
    return turn >= 2 + Math.floor(rand() * MAX_TURNS) ? '好的，今天就先聊到这里，下次见。' : '听起来这让你很困扰，能多说说吗？';
  });

  const dir = mkdtempSync(join(tmpdir(), 'simpsy-soak-'));
  const ctx = createAppContext({ dbPath: join(dir, 'soak.db') });
  const problems: string[] = [];
  try {
    const endpoint = ctx.endpoints.create({ name: 'soak', baseUrl: server.url, model: 'test-model' });
    const cards = ctx.cards.insertMany(Array.from({ length: 50 }, (_, i) => ({ card: makeCard({ chiefComplaint: `第${i}号：最近总是失眠。` }) })));
    const run = await ctx.simulation.create({
      client: { endpointId: endpoint.id },
      counselor: { endpointId: endpoint.id },
      cards: { ids: cards },
      repeat: Math.ceil(SESSIONS / cards.length),
      concurrency: CONCURRENCY,
      maxTurns: MAX_TURNS,
      timeoutMs: 500,
      retryBaseMs: 20,
      retryMaxMs: 500,
      maxRetries: 8,
    });
    const started = performance.now();
    const job = await ctx.simulation.execute(run.id);
    const seconds = (performance.now() - started) / 1000;
    const summary = ctx.simulation.summary(run.id);
    const dashboard = ctx.simulation.dashboard(run.id);

    if (job.status !== 'done') problems.push(`the run ended ${job.status}: ${job.error}`);
    if (summary.completed !== summary.sessions) problems.push(`${summary.completed} of ${summary.sessions} sessions completed (${JSON.stringify(dashboard.endReasons)})`);
    // No duplicated or missing turn: positions 0..n-1 once each, alternating, ending on the counselor.
    const rows = ctx.db.prepare('SELECT session_id AS s, idx, role FROM sim_messages ORDER BY s, idx').all() as { s: number; idx: number; role: string }[];
    const bySession = new Map<number, { idx: number; role: string }[]>();
    for (const r of rows) (bySession.get(r.s) ?? bySession.set(r.s, []).get(r.s)!).push(r);
    const sessions = ctx.db.prepare('SELECT id, message_count AS n, turns, end_reason AS reason FROM sim_sessions WHERE run_id = ?').all(run.id) as { id: number; n: number; turns: number; reason: string }[];
    for (const s of sessions) {
      const list = bySession.get(s.id) ?? [];
      if (list.some((r, i) => r.idx !== i)) problems.push(`session ${s.id}: positions ${list.map((r) => r.idx).join(',')}`);
      if (list.some((r) => r.role !== (r.idx % 2 === 0 ? 'client' : 'counselor'))) problems.push(`session ${s.id}: roles do not alternate`);
      if (list.length !== s.n || list.length !== 2 * s.turns) problems.push(`session ${s.id}: ${list.length} messages, ${s.n} counted, ${s.turns} turns`);
      if (list.at(-1)?.role !== 'counselor') problems.push(`session ${s.id} does not end on the counselor`);
    }
    // Every saved turn after the opener came from exactly one accepted call, and every call was saved once.
    const calls = ctx.db.prepare('SELECT count(*) AS n FROM sim_calls WHERE run_id = ? AND accepted = 1').get(run.id) as { n: number };
    if (calls.n !== rows.length - sessions.length) problems.push(`${calls.n} accepted calls for ${rows.length - sessions.length} turns`);
    const integrity = ctx.db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${integrity}`);
    ctx.db.prepare(`INSERT INTO sim_session_search (sim_session_search) VALUES ('integrity-check')`).run();

    const injectedTotal = Object.values(injected).reduce((a, b) => a + b, 0);
    console.log(
      [
        `simulation soak: ${summary.sessions} sessions, concurrency ${CONCURRENCY}, ${Math.round(FAULT_RATE * 100)}% faults, ${seconds.toFixed(1)} s`,
        `  requests ${requests}, faults injected ${injectedTotal} (${Object.entries(injected).map(([k, n]) => `${k} ${n}`).join(', ')})`,
        `  errors recorded by kind: ${JSON.stringify(dashboard.errorsByKind)}`,
        `  sessions: ${summary.completed} completed, ${summary.failed} failed; ${rows.length} turns; ${calls.n} accepted calls`,
        problems.length ? `FAILED:\n  ${problems.slice(0, 20).join('\n  ')}` : '  every session finished; no turn duplicated or missing; integrity ok',
      ].join('\n'),
    );
  } finally {
    ctx.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  process.exitCode = problems.length ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
