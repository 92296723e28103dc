import { afterEach, describe, expect, it } from 'vitest';
import { startLlmServer } from '../llm-server/server';
import type { Fault } from '../llm-server/types';
import { agentOf, harness, messagesOf, play, sessionsOf, simulate, type Harness } from './support';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const chat = (h: Harness) => h.server.requests.filter((r) => r.path === '/v1/chat/completions');
const errors = (h: Harness, runId: number) =>
  h.ctx.db.prepare('SELECT kind, idx, role FROM sim_errors WHERE run_id = ? ORDER BY id').all(runId) as { kind: string; idx: number; role: string }[];

const faults: [string, Fault, string][] = [
  ['a 429 with Retry-After', { fault: 'rate_limit', retryAfter: 0.05 }, 'rate_limited'],
  ['a 500', { fault: 'server_error', status: 500 }, 'server_error'],
  ['a 502', { fault: 'server_error', status: 502 }, 'server_error'],
  ['a 503', { fault: 'server_error', status: 503 }, 'server_error'],
  ['a hung request (timeout)', { fault: 'hang' }, 'timeout'],
  ['a dropped connection', { fault: 'drop' }, 'network'],
  ['a malformed answer', { fault: 'malformed' }, 'bad_response'],
  ['a stream cut mid-way', { fault: 'cut_stream', afterChunks: 3, content: '这是一段会被切断的很长的回答内容' }, 'network'],
];

describe('retries', () => {
  for (const stream of [true, false]) {
    for (const [label, fault, kind] of faults) {
      it(`retry ${label} and finish the session (${stream ? 'streaming' : 'not streaming'})`, async () => {
        h = await harness();
        h.server.respond(play({ counselor: (_c, turn) => (turn === 2 ? '再见' : '嗯？') }));
        // The first call (counselor, reply 1) and the third (counselor, reply 2) fail once each.
        h.server.enqueue(fault, { delayMs: 0 }, { delayMs: 0 }, fault);
        // The timeout only has to catch the hung request; a loaded machine must not make an
        // ordinary answer late enough to count as one.
        const { run, job } = await simulate(h, { stream, timeoutMs: 1000, concurrency: 1 });
        expect(job.status).toBe('done');
        const [session] = sessionsOf(h, run.id);
        expect(session).toMatchObject({ endReason: 'phrase', turns: 2, messageCount: 4 });
        expect(messagesOf(h, session!.id).map((m) => m.content)).toEqual(['你好', '嗯？', '来访者第1次回应', '再见']);
        expect(errors(h, run.id)).toEqual([
          { kind, idx: 1, role: 'counselor' },
          { kind, idx: 3, role: 'counselor' },
        ]);
        expect(chat(h)).toHaveLength(5);
        const retries = h.ctx.db.prepare('SELECT idx, retries FROM sim_calls WHERE session_id = ? ORDER BY idx').all(session!.id);
        expect(retries).toEqual([
          { idx: 1, retries: 1 },
          { idx: 2, retries: 0 },
          { idx: 3, retries: 1 },
        ]);
        expect(h.ctx.simulation.dashboard(run.id).errorsByKind).toEqual({ [kind]: 2 });
      });
    }
  }

  it('waits at least as long as Retry-After asks, even with a short backoff', async () => {
    h = await harness();
    h.server.respond(play({ counselor: () => '再见' }));
    h.server.enqueue({ fault: 'rate_limit', retryAfter: 0.3 });
    await simulate(h, { retryBaseMs: 1, concurrency: 1 });
    const [first, second] = chat(h);
    expect(second!.time - first!.time).toBeGreaterThanOrEqual(290);
  });

  it('backs off exponentially between retries', async () => {
    h = await harness();
    h.server.respond(play({ counselor: () => '再见' }));
    h.server.enqueue({ fault: 'server_error' }, { fault: 'server_error' }, { fault: 'server_error' });
    await simulate(h, { retryBaseMs: 40, retryMaxMs: 1000, concurrency: 1 });
    const times = chat(h).map((r) => r.time);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // Equal jitter: retry n waits between base·2^n / 2 and base·2^n.
    expect(gaps[0]).toBeGreaterThanOrEqual(20 - 2);
    expect(gaps[1]).toBeGreaterThanOrEqual(40 - 2);
    expect(gaps[2]).toBeGreaterThanOrEqual(80 - 2);
  });

  it('retries a streamed answer that outlasts the timeout, and never saves it cut off', async () => {
    // Every chunk comes 30 ms apart: the short replies finish well within 400 ms, the long one does not.
    const server = await startLlmServer({ streamChunkDelayMs: 30 });
    try {
      h = await harness({ server });
      const long = '我最近总是睡不好，晚上躺在床上脑子里全是白天的事情，越想越清醒，第二天上班也没有精神。'.repeat(3);
      h.server.respond(play({ counselor: () => '再见' }));
      h.server.enqueue(long);
      const { run, job } = await simulate(h, { stream: true, timeoutMs: 400, concurrency: 1 });
      expect(job.status).toBe('done');
      const [session] = sessionsOf(h, run.id);
      expect(messagesOf(h, session!.id).map((m) => m.content)).toEqual(['你好', '再见']);
      expect(errors(h, run.id)).toEqual([{ kind: 'timeout', idx: 1, role: 'counselor' }]);
      expect(h.ctx.db.prepare('SELECT retries FROM sim_calls WHERE session_id = ?').all(session!.id)).toEqual([{ retries: 1 }]);
    } finally {
      await h?.close();
      h = undefined;
      await server.close();
    }
  });

  it('ends a session as error when retries run out, and the run goes on with the others', async () => {
    h = await harness({ cards: 2 });
    // The client names its card; the counselor's reply to card 1's client always fails.
    const inner = play({ client: (ctx) => `我是${/第(\d+)号/.exec(ctx.systemPrompt ?? '')?.[1]}号`, counselor: (_c, turn) => (turn === 2 ? '再见' : '嗯？') });
    h.server.respond((ctx) => (agentOf(ctx) === 'counselor' && ctx.lastUserMessage === '我是1号' ? { fault: 'server_error' } : inner(ctx)));
    const { run, job } = await simulate(h, { maxRetries: 2, maxTurns: 3, counselor: { endpointId: h.endpointId }, client: { endpointId: h.endpointId } });
    expect(job.status).toBe('done');
    const sessions = sessionsOf(h, run.id);
    expect(sessions[0]).toMatchObject({ status: 'ended', endReason: 'error', errorKind: 'server_error', messageCount: 3 });
    expect(sessions[1]).toMatchObject({ endReason: 'phrase' });
    expect(run).toMatchObject({ completed: 1, failed: 1 });
  });

  it('stops the run on a rejected key instead of failing every session, and resumes once fixed', async () => {
    h = await harness({ cards: 3 });
    h.server.respond(() => ({ fault: 'unauthorized' }));
    const first = await simulate(h, { concurrency: 2 });
    expect(first.job.status).toBe('failed');
    expect(first.job.error).toMatch(/rejected the API key \(401\).*resume/);
    expect(sessionsOf(h, first.run.id).every((s) => s.status === 'pending')).toBe(true);
    expect(chat(h).length).toBeLessThanOrEqual(2);

    h.server.respond(play({ counselor: () => '再见' }));
    const job = await h.ctx.simulation.execute(first.run.id);
    expect(job.status).toBe('done');
    expect(sessionsOf(h, first.run.id).map((s) => s.endReason)).toEqual(['phrase', 'phrase', 'phrase']);
  });
});

describe('honest endings', () => {
  it('fail a run whose calls all came back as malformed 200s, naming the commonest failure; resuming retries its sessions', async () => {
    h = await harness({ cards: 3 });
    h.server.respond(() => ({ fault: 'malformed' }));
    const { run, job } = await simulate(h, { maxRetries: 1 });
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/^3 of 3 sessions ended in error, most often bad_response \(3\): 127\.0\.0\.1:\d+ answered with something that is not an OpenAI-compatible response .* Resume the run to retry them\.$/);
    expect(run).toMatchObject({ status: 'failed', failed: 3, unfinished: 0 });

    h.server.respond(play({ counselor: () => '再见' }));
    const resumed = await h.ctx.simulation.execute(run.id);
    expect(resumed).toMatchObject({ status: 'done', error: null });
    expect(sessionsOf(h, run.id).map((s) => s.endReason)).toEqual(['phrase', 'phrase', 'phrase']);
  });

  it('name the commonest kind of failure when they differ; more than half is failed, half is still done', async () => {
    h = await harness({ cards: 4 });
    const card = (ctx: { systemPrompt?: string | undefined }) => Number(/第(\d+)号/.exec(ctx.systemPrompt ?? '')?.[1]);
    const faultFor: Record<number, Fault> = { 1: { fault: 'server_error' }, 2: { fault: 'server_error', status: 502 }, 3: { fault: 'malformed' } };
    const inner = play({ client: (ctx) => `我是${card(ctx)}号`, counselor: (_c, turn) => (turn >= 2 ? '再见' : '嗯？') });
    h.server.respond((ctx) => {
      const n = Number(/我是(\d+)号/.exec(ctx.lastUserMessage ?? '')?.[1]);
      return agentOf(ctx) === 'counselor' && faultFor[n] ? faultFor[n] : inner(ctx);
    });
    // The counselor's first reply (to the opener, the same for every card) succeeds; its reply to the client naming card 1, 2 or 3 fails.
    const { job } = await simulate(h, { maxRetries: 0, maxTurns: 3, concurrency: 1, client: { endpointId: h.endpointId }, counselor: { endpointId: h.endpointId } });
    expect(job.error).toMatch(/^3 of 4 sessions ended in error, most often server_error \(2\): The server failed \(50[02]\)/);
    delete faultFor[3];
    const half = await simulate(h, { maxRetries: 0, maxTurns: 3, concurrency: 1 });
    expect(half.job).toMatchObject({ status: 'done', message: '4 sessions: 2 completed, 2 failed' });
  });
});
