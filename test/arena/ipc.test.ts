import { afterEach, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import type { ArenaDetail, ArenaRatings, BattleDetail, BattlePage, ChannelInput, ChannelResult, RequestChannel } from '../../src-main/contract';
import { createDispatch } from '../../src-main/ipc/dispatch';
import { createHandlerTable } from '../../src-main/ipc/handlers';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { makeCard } from '../role-cards/support';
import { tempDbPath } from '../support/temp';
import { arenaPlay } from './support';

// The arena's IPC channels as the window calls them: the real handlers and contract over a
// real database, against the test LLM server (three counselors on one endpoint, a scripted
// supervisor that prefers alpha to beta to gamma).

const open: { ctx: AppContext; server: LlmServer }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    o.ctx.close();
    await o.server.close();
  }
});

async function app(latencyMs = 0) {
  const server = await startLlmServer({ models: ['test-model', 'alpha', 'beta', 'gamma', 'judge'], latencyMs });
  server.respond(arenaPlay());
  const ctx = createAppContext({ dbPath: tempDbPath() });
  open.push({ ctx, server });
  const dispatch = createDispatch(createHandlerTable(), ctx, () => {});
  /** One request; a failure fails the test with its message. */
  async function call<C extends RequestChannel>(channel: C, input: ChannelInput<C>): Promise<ChannelResult<C>> {
    const result = await dispatch(channel, input);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value as ChannelResult<C>;
  }
  const endpoint = ctx.endpoints.create({ name: 'local', baseUrl: server.url, model: 'test-model', priceInputPerM: 1, priceOutputPerM: 2 });
  const cardIds = [1, 2, 3].map((i) => ctx.cards.create(makeCard({ chiefComplaint: `第${i}位来访者：最近总是失眠。` })).id);
  const start = {
    counselors: ['alpha', 'beta', 'gamma'],
    client: { endpointId: endpoint.id },
    judge: { endpointId: endpoint.id, model: 'judge' },
    cards: { ids: cardIds },
    maxTurns: 3,
    concurrency: 3,
  };
  return { ctx, server, dispatch, call, endpoint, start };
}

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`Timed out; last: ${JSON.stringify(v).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('counselors over IPC', () => {
  it('adds counselors (a Table 3 preset fills the sampling settings), lists them with their endpoint and the presets, removes one', async () => {
    const { call, dispatch, endpoint } = await app();
    await call('counselors:add', { name: 'alpha', endpointId: endpoint.id, model: 'alpha', preset: 'SoulChat' });
    await call('counselors:add', { name: 'beta', endpointId: endpoint.id, model: 'beta', preset: 'SoulChat', temperature: 0.3 });
    await call('counselors:add', { name: 'gamma', endpointId: endpoint.id });
    const { counselors, presets } = await call('counselors:list', {});
    expect(presets.map((p) => p.name)).toEqual(['SoulChat', 'MeChat', 'PsyChat', 'CPsyCounX', 'simpsybot_D', 'simpsybot_Q']);
    expect(counselors.map((c) => [c.name, c.endpointName, c.model, c.temperature, c.topP, c.preset])).toEqual([
      ['alpha', 'local', 'alpha', 0.95, 0.75, 'SoulChat'],
      ['beta', 'local', 'beta', 0.3, 0.75, 'SoulChat'],
      ['gamma', 'local', 'test-model', null, null, null],
    ]);
    expect(await dispatch('counselors:add', { name: 'alpha', endpointId: endpoint.id })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/exists already/) } });
    expect(await dispatch('counselors:add', { name: 'delta', endpointId: endpoint.id, preset: 'GPT-5' })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/No preset named 'GPT-5'.*SoulChat/) } });
    expect(await dispatch('counselors:add', { name: 'delta', endpointId: 99 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await call('counselors:remove', { name: 'gamma' });
    expect((await call('counselors:list', {})).counselors.map((c) => c.name)).toEqual(['alpha', 'beta']);
  });
});

describe('an arena run over IPC', () => {
  it('plans first (calls and cost, nothing created), runs in the background, pages its battles, shows one with its history, rates it per source', async () => {
    const { ctx, call, dispatch, endpoint, start } = await app();
    for (const name of ['alpha', 'beta', 'gamma']) await call('counselors:add', { name, endpointId: endpoint.id, model: name });

    const plan = await call('arena:plan', start);
    // 3 cards, round-robin over 3 pairs; per session at most 3 turns × (2 replies + 1 verdict) and 2 client answers.
    expect(plan).toMatchObject({ cards: 3, sessions: 3, maxTurns: 3, judgePasses: 1, maxCalls: { counselor: 18, judge: 9, client: 6, total: 33 }, unpriced: [] });
    expect(plan.pairs).toEqual([{ a: 'alpha', b: 'beta', sessions: 1 }, { a: 'alpha', b: 'gamma', sessions: 1 }, { a: 'beta', b: 'gamma', sessions: 1 }]);
    expect(plan.maxCost).toBeGreaterThan(0);
    expect((await call('arena:plan', { ...start, swapCheck: true })).maxCalls.judge).toBe(18);
    expect((await call('arena:list', {})).length).toBe(0);
    expect(await dispatch('arena:plan', { ...start, counselors: ['alpha', 'omega'] })).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.stringMatching(/No counselor named 'omega'/) } });

    const started = await call('arena:start', start);
    expect(started).toMatchObject({ sessions: 3, counselors: ['alpha', 'beta', 'gamma'] });
    const shown: ArenaDetail = await until(() => call('arena:show', { id: started.id }), (d) => d.status === 'done');
    expect(shown).toMatchObject({ battles: 9, failedJudgments: 0, pairing: 'round-robin', maxTurns: 3 });
    expect(shown.sessionList.map((s) => [s.counselorA, s.counselorB, s.status, s.turns])).toEqual([
      ['alpha', 'beta', 'ended', 3],
      ['alpha', 'gamma', 'ended', 3],
      ['beta', 'gamma', 'ended', 3],
    ]);
    expect((await call('arena:list', {})).map((a) => a.id)).toEqual([started.id]);

    const page: BattlePage = await call('arena:battles', { id: started.id, limit: 4 });
    expect(page.total).toBe(9);
    expect(page.battles.map((b) => b.id)).toEqual([...page.battles.map((b) => b.id)].sort((x, y) => y - x));
    expect(page.battles[0]).toMatchObject({ source: 'judge', judge: 'local/judge', failure: null });
    expect(page.battles[0]!.judgeOutput).toMatch(/最后的选择/);
    const rest = await call('arena:battles', { id: started.id, offset: 4, limit: 10 });
    expect(rest.battles).toHaveLength(5);
    expect((await call('arena:battles', { id: started.id, source: 'human' })).total).toBe(0);

    const third = [...page.battles, ...rest.battles].find((b) => b.turn === 3)!;
    const detail: BattleDetail = await call('arena:battle', { id: third.id });
    // The history both replied to: u1, r1, u2, r2, u3.
    expect(detail.history.map((m) => m.role)).toEqual(['client', 'counselor', 'client', 'counselor', 'client']);
    expect(detail.history[0]!.content).toBe('你好');
    expect(detail.history[1]!.counselor).toMatch(/alpha|beta/);

    const judged: ArenaRatings = await call('ratings:compute', { arenaId: started.id, source: 'judge', bootstrap: 200 });
    expect(judged).toMatchObject({ arenaId: started.id, source: 'judge', battles: 9, bootstrap: 200, seed: 42 });
    expect(judged.models.map((m) => m.name)).toEqual(['alpha', 'beta', 'gamma']);
    for (const m of judged.models) {
      expect(m.eloCi![0]).toBeLessThanOrEqual(m.eloCi![1]);
      expect(m.btCi![0]).toBeLessThanOrEqual(m.btCi![1]);
    }
    // Figure 14: each pair met in 3 battles; alpha beat everyone it met.
    expect(judged.battleCounts).toEqual([[0, 3, 3], [3, 0, 3], [3, 3, 0]]);
    expect(judged.winRates[0]).toEqual([null, 1, 1]);
    // Same battles, same seed: the same intervals; 'all' is the judge's battles while no human judged.
    expect(await call('ratings:compute', { arenaId: started.id, source: 'all', bootstrap: 200 })).toEqual({ ...judged, source: 'all' });
    expect(await call('ratings:compute', { arenaId: started.id, source: 'human' })).toMatchObject({ battles: 0, models: [] });
    expect(await dispatch('ratings:compute', { arenaId: 99 })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    // Finished: nothing to resume; cancelling changes nothing.
    expect(await dispatch('arena:resume', { id: started.id })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/finished/) } });
    expect(await call('arena:cancel', { id: started.id })).toMatchObject({ status: 'done', battles: 9 });
    expect(ctx.db.prepare('SELECT count(*) AS n FROM battles').get()).toEqual({ n: 9 });
  });

  it('pauses a running arena and resumes it without repeating a completed call', async () => {
    const { server, call, endpoint, start } = await app(40);
    for (const name of ['alpha', 'beta', 'gamma']) await call('counselors:add', { name, endpointId: endpoint.id, model: name });
    const started = await call('arena:start', { ...start, concurrency: 1 });
    await until(() => call('arena:battles', { id: started.id }), (p) => p.total >= 1);
    await call('arena:pause', { id: started.id });
    const paused = await until(() => call('arena:show', { id: started.id }), (d) => d.status === 'paused');
    expect(paused.battles).toBeLessThan(9);
    const before = server.requests.length;
    await call('arena:resume', { id: started.id });
    const done = await until(() => call('arena:show', { id: started.id }), (d) => d.status === 'done');
    expect(done.battles).toBe(9);
    // Every call was made once: 3 sessions × (3 turns × 3 calls + 2 client answers).
    expect(server.requests.filter((r) => r.path === '/v1/chat/completions').length).toBe(33);
    expect(server.requests.length).toBeGreaterThan(before);
  });
});
