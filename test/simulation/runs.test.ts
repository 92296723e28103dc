import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { SimulationTokensEvent } from '../../src-main/contract/simulation';
import { createAppContext } from '../../src-main/app/context';
import { RateLimiter, type Clock } from '../../src-main/llm/rate-limiter';
import { startLlmServer } from '../llm-server/server';
import { harness, messagesOf, play, sessionsOf, simulate, type Harness } from './support';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const chatCount = (h: Harness) => h.server.requests.filter((r) => r.path === '/v1/chat/completions').length;
const callCount = (h: Harness, runId: number) => (h.ctx.db.prepare('SELECT count(*) AS n FROM sim_calls WHERE run_id = ?').get(runId) as { n: number }).n;

/** Every session alternates from the opener, with no gap or repeat in its positions. */
function expectWellFormed(h: Harness, runId: number) {
  for (const s of sessionsOf(h, runId)) {
    const rows = h.ctx.db.prepare('SELECT idx, role FROM sim_messages WHERE session_id = ? ORDER BY idx').all(s.id) as { idx: number; role: string }[];
    expect(rows.map((r) => r.idx)).toEqual(rows.map((_, i) => i));
    expect(rows.every((r) => r.role === (r.idx % 2 === 0 ? 'client' : 'counselor'))).toBe(true);
    expect(s.messageCount).toBe(rows.length);
  }
}

/** Four long sessions executing here, a few calls in, and a second connection to the database (another process, as the app is to the CLI). */
async function runningWithAnother(h: Harness) {
  h.server.respond(play());
  const run = await h.ctx.simulation.create(h.input({ maxTurns: 20, concurrency: 2 }));
  const done = h.ctx.simulation.execute(run.id);
  while (callCount(h, run.id) < 3) await sleep(5);
  return { run, done, other: createAppContext({ dbPath: h.ctx.dbPath }) };
}

describe('runs', () => {
  it('store a snapshot that reproduces the run: prompts, parameters, termination list, rules, version', async () => {
    h = await harness();
    h.server.respond(play({ counselor: () => '再见' }));
    const { run } = await simulate(h, {
      client: { endpointId: h.endpointId, temperature: 0.9, topP: 0.8, maxTokens: 300 },
      counselor: { endpointId: h.endpointId, model: 'test-model', temperature: 0.7, templateName: 'released' },
      maxTurns: 7,
    });
    const detail = h.ctx.simulation.detail(run.id);
    expect(detail.config).toMatchObject({
      appVersion: h.ctx.version,
      language: 'zh',
      opener: '你好',
      maxTurns: 7,
      client: { endpointName: 'local', baseUrl: h.server.url, model: 'test-model', temperature: 0.9, topP: 0.8, maxTokens: 300, templateName: 'default' },
      counselor: { temperature: 0.7, topP: null, templateName: 'released' },
      termination: { phrases: expect.arrayContaining(['再见', '期待再次']) },
      refinement: { maxLength: 200, forbidNewlines: true, forbidEnumeration: true, maxAttempts: 3, applyToClient: false },
      cards: { ids: h.cardIds },
    });
    expect(detail.config!.client.template).toContain('{role_card}');
    expect(detail.config!.counselor.template).toContain('咨询过程中需要100轮的交互');
    expect(JSON.stringify(detail.config)).not.toMatch(/sk-|apiKey/);
    // The parameters reached the server.
    const body = h.server.requests.find((r) => r.path === '/v1/chat/completions')!.body as Record<string, unknown>;
    expect(body).toMatchObject({ model: 'test-model', temperature: 0.7 });
    expect(body).not.toHaveProperty('top_p');
  });

  it('choose cards by split, tag, ids, a seeded sample or a limit, with repetitions', async () => {
    h = await harness({ cards: 6 });
    h.ctx.cards.bulk(h.cardIds.slice(0, 2), { kind: 'setSplit', split: 'test' });
    h.ctx.cards.bulk([h.cardIds[4]!], { kind: 'addTags', tags: ['焦虑'] });
    const ids = async (cards: object, repeat = 1) => {
      const run = await h!.ctx.simulation.create(h!.input({ cards, repeat }));
      return (h!.ctx.db.prepare('SELECT card_id FROM sim_sessions WHERE run_id = ? ORDER BY seq').all(run.id) as { card_id: number }[]).map((r) => r.card_id);
    };
    expect(await ids({ split: 'test' })).toEqual(h.cardIds.slice(0, 2));
    expect(await ids({ tags: ['焦虑'] })).toEqual([h.cardIds[4]]);
    expect(await ids({ ids: [h.cardIds[3]!, h.cardIds[1]!] }, 2)).toEqual([h.cardIds[3], h.cardIds[1], h.cardIds[3], h.cardIds[1]]);
    expect(await ids({ limit: 2 })).toEqual(h.cardIds.slice(0, 2));
    const sample = await ids({ sample: 3, seed: 7 });
    expect(sample).toHaveLength(3);
    expect(await ids({ sample: 3, seed: 7 })).toEqual(sample);
    await expect(h.ctx.simulation.create(h.input({ cards: { tags: ['无此标签'] } }))).rejects.toThrow(/No role cards match/);
    await expect(h.ctx.simulation.create(h.input({ language: 'en' }))).rejects.toThrow(/No role cards match/);
  });

  it('run at most `concurrency` sessions at once, and that many when there is work', async () => {
    h = await harness({ cards: 9 });
    let active = 0;
    let peak = 0;
    const inner = play({ counselor: (_c, turn) => (turn === 2 ? '再见' : '嗯？') });
    h.server.respond(async (ctx) => {
      peak = Math.max(peak, ++active);
      await sleep(15);
      active--;
      return inner(ctx);
    });
    const { job } = await simulate(h, { concurrency: 3 });
    expect(job.status).toBe('done');
    expect(peak).toBe(3);
  });

  it('sum usage, cached tokens and cost per run from the endpoint prices', async () => {
    h = await harness({ price: true });
    h.server.respond(play({ counselor: (_c, turn) => ({ content: turn === 2 ? '再见' : '嗯？', usage: { prompt_tokens: 1000, completion_tokens: 100, cached_tokens: 400 } }) }));
    const { run } = await simulate(h);
    // 3 calls: counselor, client (server-counted usage), counselor.
    const calls = h.ctx.db.prepare('SELECT role, prompt_tokens AS p, completion_tokens AS c, cached_tokens AS k, cost FROM sim_calls WHERE run_id = ? ORDER BY id').all(run.id) as { role: string; p: number; c: number; k: number; cost: number }[];
    expect(calls).toHaveLength(3);
    expect(calls[0]).toMatchObject({ role: 'counselor', p: 1000, c: 100, k: 400 });
    expect(calls[0]!.cost).toBeCloseTo((1000 * 2 + 100 * 8) / 1e6, 12);
    const sum = (f: (c: (typeof calls)[number]) => number) => calls.reduce((n, c) => n + f(c), 0);
    expect(run).toMatchObject({ calls: 3, promptTokens: sum((c) => c.p), completionTokens: sum((c) => c.c), cachedTokens: 800 });
    expect(run.cost).toBeCloseTo(sum((c) => c.cost), 12);
    const dash = h.ctx.simulation.dashboard(run.id);
    expect(dash).toMatchObject({ calls: 3, tokens: { prompt: run.promptTokens, completion: run.completionTokens, cached: 800 }, sessions: { total: 1, completed: 1 } });
    expect(dash.callsPerMinute).toBe(3);
  });

  it('pause: calls in flight finish and are saved, nothing new starts; resume repeats no completed call', async () => {
    h = await harness({ cards: 6, latencyMs: 20 });
    h.server.respond(play());
    const run = await h.ctx.simulation.create(h.input({ maxTurns: 4, concurrency: 3 }));
    const done = h.ctx.simulation.execute(run.id);
    while (callCount(h, run.id) < 5) await sleep(5);
    h.ctx.simulation.pause(run.id);
    const paused = await done;
    expect(paused.status).toBe('paused');
    // Every request the server saw was saved: nothing was in flight and lost.
    expect(callCount(h, run.id)).toBe(chatCount(h));
    expect(h.ctx.simulation.dashboard(run.id).sessions.running).toBe(0);
    const before = chatCount(h);
    const resumed = await h.ctx.simulation.execute(run.id);
    expect(resumed.status).toBe('done');
    // 6 sessions × 4 turns × 2 calls − the opener = 7 calls each.
    expect(callCount(h, run.id)).toBe(42);
    expect(chatCount(h)).toBe(42);
    expect(chatCount(h) - before).toBe(42 - before);
    expectWellFormed(h, run.id);
    expect(sessionsOf(h, run.id).every((s) => s.endReason === 'turn_limit' && s.turns === 4)).toBe(true);
  });

  it('stop now: calls in flight are abandoned, the run is paused and resumes from the last saved turn', async () => {
    h = await harness({ cards: 4, latencyMs: 30 });
    h.server.respond(play());
    const run = await h.ctx.simulation.create(h.input({ maxTurns: 3, concurrency: 4 }));
    const done = h.ctx.simulation.execute(run.id);
    while (callCount(h, run.id) < 6) await sleep(2);
    h.ctx.simulation.stopNow(run.id);
    expect((await done).status).toBe('paused');
    await sleep(50); // abandoned requests that reached the server are logged
    const saved = callCount(h, run.id);
    const seen = chatCount(h);
    expect(seen - saved).toBeLessThanOrEqual(4);
    expect((await h.ctx.simulation.execute(run.id)).status).toBe('done');
    expect(callCount(h, run.id)).toBe(4 * 5);
    // Only the abandoned calls were asked again.
    expect(chatCount(h)).toBe(4 * 5 + (seen - saved));
    expectWellFormed(h, run.id);
  });

  it('cancel: calls in flight are aborted and unfinished sessions end as cancelled', async () => {
    h = await harness({ cards: 6, latencyMs: 20 });
    h.server.respond(play());
    const run = await h.ctx.simulation.create(h.input({ maxTurns: 10, concurrency: 2 }));
    const done = h.ctx.simulation.execute(run.id);
    while (callCount(h, run.id) < 3) await sleep(5);
    h.ctx.simulation.cancel(run.id);
    expect((await done).status).toBe('cancelled');
    const sessions = sessionsOf(h, run.id);
    expect(sessions.every((s) => s.status === 'ended' && s.endReason === 'cancelled')).toBe(true);
    expect(h.ctx.simulation.summary(run.id)).toMatchObject({ status: 'cancelled', cancelled: 6 });
    expect(() => h!.ctx.simulation.execute(run.id)).toThrow(/cancelled; there is nothing to resume/);
  });

  it('cancel from another process (another connection): the executing one sees the flag and stops', async () => {
    h = await harness({ cards: 4, latencyMs: 20 });
    const { run, done, other } = await runningWithAnother(h);
    try {
      // The other side sees the run live, and can only ask it to stop.
      expect(other.simulation.dashboard(run.id)).toMatchObject({ status: 'running', sessions: { total: 4 } });
      expect(other.simulation.cancel(run.id).status).toBe('running');
      expect((await done).status).toBe('cancelled');
      expect(other.simulation.summary(run.id)).toMatchObject({ status: 'cancelled', cancelled: 4, unfinished: 0 });
    } finally {
      other.close();
    }
  });

  it('pause from another process (another connection): the executing one lets its calls in flight finish, saves them and pauses', async () => {
    h = await harness({ cards: 4, latencyMs: 20 });
    const { run, done, other } = await runningWithAnother(h);
    try {
      expect(other.simulation.pause(run.id).status).toBe('running');
      expect((await done).status).toBe('paused');
      expect(other.simulation.summary(run.id)).toMatchObject({ status: 'paused', unfinished: 4 });
      expect(callCount(h, run.id)).toBe(chatCount(h)); // nothing in flight was lost
      expect(other.jobs.get(run.jobId!)).toMatchObject({ pauseRequested: false, owner: null });
    } finally {
      other.close();
    }
    expect((await h.ctx.simulation.execute(run.id)).status).toBe('done');
    expectWellFormed(h, run.id);
  });

  it('a process that lost its lease (frozen past the stale limit) stops and writes nothing more; the process that took the run over finishes it', async () => {
    // The first owner renews far too rarely, as a suspended laptop would; the second sees it stale.
    h = await harness({ cards: 4, latencyMs: 20, jobLease: { heartbeatMs: 60_000, staleMs: 60_000 } });
    h.server.respond(play());
    const run = await h.ctx.simulation.create(h.input({ maxTurns: 6, concurrency: 4 }));
    // The app, open all along: it finds the owner stale itself when it starts the run.
    const other = createAppContext({ dbPath: h.ctx.dbPath, jobLease: { heartbeatMs: 20, staleMs: 100 } });
    const frozen = h.ctx.simulation.execute(run.id);
    while (callCount(h, run.id) < 6) await sleep(5);
    try {
      await sleep(150);
      const takeover = other.simulation.execute(run.id);
      const first = await frozen;
      expect(first).toMatchObject({ status: 'running', owner: { pid: process.pid } });
      expect(h.ctx.jobs.signals(run.jobId!).owned).toBe(false);
      expect((await takeover).status).toBe('done');
      // Every session whole, once: no turn written twice by the two owners.
      expectWellFormed(h, run.id);
      expect(callCount(h, run.id)).toBe(4 * 11);
      expect(sessionsOf(h, run.id).every((s) => s.endReason === 'turn_limit' && s.turns === 6)).toBe(true);
      expect(other.simulation.detail(run.id).history).toEqual([
        expect.objectContaining({ kind: 'taken_over', pid: process.pid, fromPid: process.pid, heartbeatAt: expect.any(String) }),
      ]);
    } finally {
      other.close();
    }
  });

  it('resume with other models and an updated base URL: the snapshot changes, the history says so, the calls use them', async () => {
    h = await harness({ cards: 2 });
    h.server.respond(play({ counselor: () => '再见' }));
    const endpoint2 = h.ctx.endpoints.create({ name: 'wrong-port', baseUrl: 'http://127.0.0.1:9/v1', model: 'test-model' });
    const first = await simulate(h, { counselor: { endpointId: endpoint2.id }, client: { endpointId: h.endpointId, model: 'no-such-model' } });
    expect(first.job.status).toBe('failed');
    h.ctx.endpoints.update({ id: endpoint2.id, baseUrl: h.server.url });
    const job = await h.ctx.simulation.execute(first.run.id, { models: { client: 'test-model' } });
    expect(job.status).toBe('done');
    const detail = h.ctx.simulation.detail(first.run.id);
    expect(detail.config).toMatchObject({ client: { model: 'test-model' }, counselor: { baseUrl: h.server.url } });
    expect(detail.history.map(({ at: _at, ...e }) => e)).toEqual([
      { kind: 'resumed', from: 'failed', pid: process.pid, host: h.ctx.jobs.owner.host },
      { kind: 'model_changed', role: 'client', from: 'no-such-model', to: 'test-model' },
      { kind: 'base_url_changed', role: 'counselor', from: 'http://127.0.0.1:9/v1', to: h.server.url },
    ]);
    expect(h.server.requests.filter((r) => r.path === '/v1/chat/completions').every((r) => (r.body as { model: string }).model === 'test-model')).toBe(true);
  });

  it('retry the sessions that ended in error from their last saved turn: no completed call again, totals and status honest', async () => {
    h = await harness({ cards: 3 });
    // The client names its card; every counselor reply to card 1's client fails.
    let broken = true;
    const inner = play({ client: (ctx) => `我是${/第(\d+)号/.exec(ctx.systemPrompt ?? '')?.[1]}号`, counselor: (_c, turn) => (turn === 3 ? '再见' : '嗯？') });
    h.server.respond((ctx) => (broken && ctx.lastUserMessage === '我是1号' ? { fault: 'server_error' } : inner(ctx)));
    const { run, job } = await simulate(h, { maxRetries: 0, concurrency: 1 });
    expect(job.status).toBe('done');
    expect(run).toMatchObject({ completed: 2, failed: 1 });
    const errored = sessionsOf(h, run.id).find((s) => s.endReason === 'error')!;
    expect(errored).toMatchObject({ messageCount: 3, errorKind: 'server_error' });
    const before = { calls: callCount(h, run.id), requests: chatCount(h), errors: h.ctx.simulation.summary(run.id).calls };
    expect(() => h!.ctx.simulation.execute(run.id)).toThrow(/finished; there is nothing to resume\. 1 of its sessions ended in error; retry them instead\./);

    broken = false;
    const retried = await h.ctx.simulation.execute(run.id, { retryErrors: true });
    expect(retried.status).toBe('done');
    // From message 3: counselor 2, client 3, counselor 3 ('再见').
    expect(callCount(h, run.id) - before.calls).toBe(3);
    expect(chatCount(h) - before.requests).toBe(3);
    expect(sessionsOf(h, run.id).find((s) => s.id === errored.id)).toMatchObject({ endReason: 'phrase', error: null, errorKind: null, messageCount: 6, turns: 3 });
    expect(h.ctx.simulation.summary(run.id)).toMatchObject({ status: 'done', completed: 3, failed: 0, calls: before.errors + 3 });
    expect(h.ctx.simulation.dashboard(run.id).errorsByKind).toEqual({ server_error: 1 }); // the failed attempt stays on record
    expect(h.ctx.simulation.detail(run.id).history.map((e) => e.kind)).toEqual(['resumed', 'sessions_retried']);
    expectWellFormed(h, run.id);
    expect(() => h!.ctx.simulation.execute(run.id, { retryErrors: true })).toThrow(/has no session that ended in error; there is nothing to retry/);
  });

  it('cancel a paused run: its unfinished sessions end as cancelled at once', async () => {
    h = await harness({ cards: 2 });
    h.server.respond(play());
    const run = await h.ctx.simulation.create(h.input());
    h.ctx.simulation.pause(run.id);
    expect(h.ctx.simulation.summary(run.id).status).toBe('paused');
    expect(h.ctx.simulation.cancel(run.id)).toMatchObject({ status: 'cancelled', cancelled: 2, unfinished: 0 });
  });

  it('stream tokens to the live view in batches of ~50 ms, not a message per token', async () => {
    h = await harness({ server: await startLlmServer({ streamChunkDelayMs: 6 }) });
    const reply = '我听到你说最近很难入睡，这种情况持续多久了？是什么让你在夜里反复想起这些事情呢？'.repeat(3);
    h.server.respond(play({ counselor: () => `${reply}再见` }));
    const events: { at: number; e: SimulationTokensEvent }[] = [];
    h.ctx.events.on('simulation:tokens', (e) => events.push({ at: performance.now(), e }));
    const { run } = await simulate(h, { maxTurns: 1 });
    const text = events.flatMap(({ e }) => e.chunks.filter((c) => c.role === 'counselor').map((c) => c.text)).join('');
    expect(text).toBe(`${reply}再见`);
    expect(events.every(({ e }) => e.runId === run.id)).toBe(true);
    const chunks = [...`${reply}再见`].length; // the server sends 1–4 characters a chunk: ≥ 12 chunks
    expect(events.length).toBeLessThan(chunks / 4);
    // Batches every ~50 ms; the last one goes when the call ends, before the turn is announced.
    const gaps = events.slice(1, -1).map((x, i) => x.at - events[i]!.at);
    expect(gaps.length).toBeGreaterThan(0);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(40);
    await h.server.close();
  });

  it('resume a failed or paused run only; refuse one running elsewhere, naming who runs it', async () => {
    h = await harness();
    h.server.respond(play({ counselor: () => '再见' }));
    const { run } = await simulate(h);
    expect(() => h!.ctx.simulation.execute(run.id)).toThrow(/^Run \d+ is finished; there is nothing to resume\.$/);
    const other = await h.ctx.simulation.create(h.input());
    // Another live owner: a fresh heartbeat, on this host, in a process that exists (init).
    h.ctx.db
      .prepare(`UPDATE jobs SET status = 'running', owner_pid = 1, owner_host = ?, owner_token = 'elsewhere', heartbeat_at = ?, started_at = '2025-06-01T08:00:00.000Z' WHERE id = ?`)
      .run(h.ctx.jobs.owner.host, Date.now(), other.jobId);
    expect(() => h!.ctx.simulation.execute(other.id)).toThrow(
      new RegExp(`^Run ${other.id} is running in process 1 on ${h.ctx.jobs.owner.host} \\(since 2025-06-01 08:00:00 UTC, heartbeat 0 s ago\\); pause it there, or wait\\.$`),
    );
    expect(() => h!.ctx.simulation.remove(other.id)).toThrow(/is running in process 1 .*; pause or cancel it before deleting it/);
  });
});

describe('rate limits', () => {
  function fakeClock(): Clock & { t: number } {
    const clock = {
      t: 0,
      now: () => clock.t,
      sleep: async (ms: number) => {
        clock.t += ms;
      },
    };
    return clock;
  }

  it('keep requests per minute: a sixth of a minute as a burst, then the steady rate', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ rpm: 60 }, clock);
    for (let i = 0; i < 10; i++) await limiter.acquire(0);
    expect(clock.t).toBe(0);
    for (let i = 0; i < 60; i++) await limiter.acquire(0);
    expect(clock.t).toBeGreaterThanOrEqual(59_000);
    expect(clock.t).toBeLessThanOrEqual(61_000);
  });

  it('keep tokens per minute, correcting estimates with the real usage', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ tpm: 6000 }, clock);
    await limiter.acquire(1000);
    expect(clock.t).toBe(0);
    limiter.settle(1000, 3000); // the call used 2000 more than estimated
    await limiter.acquire(1000);
    // 1000 left − 2000 = −2000; 1000 needed at 100/s → 30 s.
    expect(clock.t).toBeGreaterThanOrEqual(29_000);
  });

  it('hold every caller while the server asks to wait', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({}, clock);
    limiter.hold(1500);
    await limiter.acquire(10);
    expect(clock.t).toBe(1500);
  });

  it('apply per endpoint across sessions in a run', async () => {
    h = await harness({ cards: 4 });
    h.server.respond(play({ counselor: () => '再见' }));
    // 120 rpm: 20 at once, then one every 500 ms. 4 sessions × 1 call: no wait; the limiter is exercised.
    const { job, run } = await simulate(h, { rateLimits: [{ endpointId: h.endpointId, rpm: 120, tpm: 100_000 }] });
    expect(job.status).toBe('done');
    expect(h.ctx.simulation.detail(run.id).config!.rateLimits).toEqual([{ endpointId: h.endpointId, rpm: 120, tpm: 100_000 }]);
    expect(messagesOf(h, sessionsOf(h, run.id)[0]!.id)).toHaveLength(2);
  });
});
