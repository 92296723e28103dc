import { afterEach, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import { battleLines } from '../../src-main/arena/export';
import { arenaBattles } from '../../src-main/arena/store';
import { allPairs, schedule } from '../../src-main/arena/config';
import type { ArenaStartInput } from '../../src-main/arena/types';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { makeCard } from '../role-cards/support';
import { tempDbPath } from '../support/temp';
import { arenaPlay, isJudge, verdict, type ArenaPlay } from './support';

// Algorithm 2 against the test LLM server, on a real database through the real migrations:
// three counselors (one endpoint, three models), the client and a scripted supervisor.

interface Arena {
  ctx: AppContext;
  server: LlmServer;
  cardIds: number[];
  input(overrides?: Partial<ArenaStartInput>): ArenaStartInput;
}

const open: Arena[] = [];
afterEach(async () => {
  for (const a of open.splice(0)) {
    a.ctx.close();
    await a.server.close();
  }
});

async function arena(play: ArenaPlay = {}, cards = 3): Promise<Arena> {
  const server = await startLlmServer({ models: ['test-model', 'alpha', 'beta', 'gamma', 'judge'] });
  server.respond(arenaPlay(play));
  const ctx = createAppContext({ dbPath: tempDbPath() });
  const endpoint = ctx.endpoints.create({ name: 'local', baseUrl: server.url, model: 'test-model', priceInputPerM: 1, priceOutputPerM: 2 });
  for (const name of ['alpha', 'beta', 'gamma']) ctx.arena.counselors.create({ name, endpointId: endpoint.id, model: name });
  const cardIds = Array.from({ length: cards }, (_, i) => ctx.cards.create(makeCard({ chiefComplaint: `第${i + 1}位来访者：最近总是失眠，和父母关系紧张。` })).id);
  const a: Arena = {
    ctx,
    server,
    cardIds,
    input: (overrides = {}) => ({
      counselors: ['alpha', 'beta', 'gamma'],
      client: { endpointId: endpoint.id },
      judge: { endpointId: endpoint.id, model: 'judge' },
      cards: { ids: cardIds },
      maxTurns: 3,
      concurrency: 3,
      retryBaseMs: 5,
      timeoutMs: 5_000,
      ...overrides,
    }),
  };
  open.push(a);
  return a;
}

const chatCalls = (s: LlmServer) => s.requests.filter((r) => r.path === '/v1/chat/completions').length;
const count = (ctx: AppContext, sql: string, ...params: unknown[]) => (ctx.db.prepare(sql).get(...params) as { n: number }).n;

describe('the pair schedule', () => {
  it('round-robin covers every pair evenly, all gives every card every pair, random is seeded', () => {
    const names = ['a', 'b', 'c'];
    expect(allPairs(names)).toEqual([['a', 'b'], ['a', 'c'], ['b', 'c']]);
    const rr = schedule([1, 2, 3, 4, 5, 6], names, 'round-robin', 0).map((s) => s.pair.join(''));
    expect(rr).toEqual(['ab', 'ac', 'bc', 'ab', 'ac', 'bc']);
    expect(schedule([1, 2], names, 'all', 0)).toHaveLength(6);
    const random = (seed: number) => schedule(Array.from({ length: 30 }, (_, i) => i), names, 'random', seed).map((s) => s.pair.join(''));
    expect(random(7)).toEqual(random(7));
    expect(random(7)).not.toEqual(random(8));
    expect(new Set(random(7))).toEqual(new Set(['ab', 'ac', 'bc']));
  });
});

describe('an arena among three counselors', () => {
  it('plays Algorithm 2: both replies to the same history, the judge\'s pick enters it, a battle per turn', async () => {
    const a = await arena();
    const created = a.ctx.arena.create(a.input());
    expect(created).toMatchObject({ sessions: 3, counselors: ['alpha', 'beta', 'gamma'], judge: 'local/judge', promptVersion: '2' });
    const job = await a.ctx.arena.execute(created.id);
    expect(job.status).toBe('done');
    const s = a.ctx.arena.summary(created.id);
    // 3 sessions × 3 turns, every pair once (round-robin), nobody failed.
    expect(s).toMatchObject({ battles: 9, failedJudgments: 0, ended: 3, endReasons: { turn_limit: 3 } });
    // Per turn: two counselors and one judge; the client after turns 1 and 2.
    expect(chatCalls(a.server)).toBe(3 * (3 * 3 + 2));
    expect(count(a.ctx, 'SELECT count(*) AS n FROM arena_calls')).toBe(chatCalls(a.server));

    // Both counselors of a turn saw the same history, and the judge saw it too.
    const requests = a.server.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body as { model: string; messages: { role: string; content: string }[] });
    const firstTurn = requests.filter((r) => r.messages.length === 2 && r.messages[0]!.role === 'system' && ['alpha', 'beta', 'gamma'].includes(r.model));
    expect(firstTurn.length).toBe(6);

    // The better counselor (alpha > beta > gamma to this judge) always won, whatever position it was shown in.
    const battles = arenaBattles(a.ctx.db, created.id);
    expect(battles).toHaveLength(9);
    for (const b of battles) {
      const best = [b.modelA, b.modelB].sort()[0];
      expect(b.winner).toBe(b.modelA === best ? 'model_a' : 'model_b');
      expect(b).toMatchObject({ judge: 'local/judge', source: 'llm' });
    }
    expect([...battles.map((b) => b.at)]).toEqual([...battles.map((b) => b.at)].sort());
    // Positions were shuffled: both A and B placements occur.
    const positions = a.ctx.db.prepare('SELECT DISTINCT a_position FROM battles').all();
    expect(positions).toHaveLength(2);

    // The chosen reply entered the history: every counselor message is the winner's.
    const rows = a.ctx.db.prepare(`SELECT b.session_id, b.turn, b.winner, b.reply_a, b.reply_b, m.content, m.counselor FROM battles b JOIN arena_messages m ON m.session_id = b.session_id AND m.idx = 2 * b.turn - 1`).all() as {
      winner: string;
      reply_a: string;
      reply_b: string;
      content: string;
    }[];
    expect(rows).toHaveLength(9);
    for (const r of rows) expect(r.content).toBe(r.winner === 'model_a' ? r.reply_a : r.reply_b);
    expect(s.cost).toBeGreaterThan(0);
  });

  it('a termination phrase in the chosen reply ends the session', async () => {
    const a = await arena({ counselor: (ctx, turn) => (turn === 2 && ctx.model === 'alpha' ? '[alpha] 今天就到这里，下次见。' : `[${ctx.model}] 第${turn}轮：嗯。`) }, 1);
    const created = a.ctx.arena.create(a.input({ counselors: ['alpha', 'beta'], maxTurns: 10 }));
    await a.ctx.arena.execute(created.id);
    expect(a.ctx.arena.summary(created.id)).toMatchObject({ battles: 2, endReasons: { phrase: 1 } });
  });

  it('refinement σ applies to each counselor: a refused reply is asked again', async () => {
    let refusedOnce = false;
    const a = await arena({
      counselor: (ctx, turn) => {
        if (ctx.model === 'beta' && !refusedOnce) {
          refusedOnce = true;
          return '1. 先睡觉\n2. 再运动';
        }
        return `[${ctx.model}] 第${turn}轮：嗯。`;
      },
    }, 1);
    const created = a.ctx.arena.create(a.input({ counselors: ['alpha', 'beta'], maxTurns: 1 }));
    await a.ctx.arena.execute(created.id);
    expect(count(a.ctx, `SELECT count(*) AS n FROM arena_calls WHERE role = 'counselor' AND accepted = 0`)).toBe(1);
    const battle = a.ctx.db.prepare('SELECT reply_b FROM battles').get() as { reply_b: string };
    expect(battle.reply_b).toBe('[beta] 第1轮：嗯。');
  });

  it('resumes a paused arena without repeating a completed call', async () => {
    const a = await arena({}, 3);
    const created = a.ctx.arena.create(a.input({ maxTurns: 4, concurrency: 2 }));
    let paused = false;
    a.server.respond((ctx) => {
      if (!paused && ctx.index === 12) {
        paused = true;
        a.ctx.arena.pause(created.id);
      }
      return arenaPlay()(ctx);
    });
    const first = await a.ctx.arena.execute(created.id);
    expect(first.status).toBe('paused');
    const before = chatCalls(a.server);
    expect(count(a.ctx, 'SELECT count(*) AS n FROM arena_calls')).toBe(before);
    const second = await a.ctx.arena.execute(created.id);
    expect(second.status).toBe('done');
    // Every call the server answered is stored once; the whole arena made exactly the calls it needs.
    expect(count(a.ctx, 'SELECT count(*) AS n FROM arena_calls')).toBe(chatCalls(a.server));
    expect(chatCalls(a.server)).toBe(3 * (4 * 3 + 3));
    expect(a.ctx.arena.summary(created.id)).toMatchObject({ battles: 12, failedJudgments: 0 });
  });

  it('a judge answering "C" is retried, then recorded as a failed judgment that ends the session; nothing is guessed', async () => {
    const a = await arena({ judge: () => '- 选择的依据：两个回复都不理想。\n- 最后的选择：C' }, 1);
    const created = a.ctx.arena.create(a.input({ counselors: ['alpha', 'beta'] }));
    const job = await a.ctx.arena.execute(created.id);
    expect(job.status).toBe('done');
    expect(a.ctx.arena.summary(created.id)).toMatchObject({ battles: 1, failedJudgments: 1, endReasons: { judge_failed: 1 } });
    const b = a.ctx.db.prepare('SELECT winner, chosen, failure, judge_output FROM battles').get() as Record<string, string | null>;
    expect(b.winner).toBeNull();
    expect(b.chosen).toBeNull();
    expect(b.failure).toMatch(/3 judge answers could not be read; the last: the judge chose "C", which is not one of A, B/);
    expect(b.judge_output).toContain('最后的选择：C');
    expect(count(a.ctx, `SELECT count(*) AS n FROM arena_calls WHERE role = 'judge'`)).toBe(3);
    // No reply entered the history for that turn; no rated battle exists.
    expect(count(a.ctx, `SELECT count(*) AS n FROM arena_messages WHERE role = 'counselor'`)).toBe(0);
    expect(arenaBattles(a.ctx.db, created.id)).toEqual([]);
    const session = a.ctx.db.prepare('SELECT error FROM arena_sessions').get() as { error: string };
    expect(session.error).toMatch(/Turn 1: .*chose "C"/);
  });

  it('an unreadable answer followed by a readable one counts the readable one', async () => {
    let n = 0;
    const a = await arena({ judge: () => (n++ === 0 ? '我认为两个回复各有千秋。' : verdict('B')) }, 1);
    const created = a.ctx.arena.create(a.input({ counselors: ['alpha', 'beta'], maxTurns: 1 }));
    await a.ctx.arena.execute(created.id);
    expect(a.ctx.arena.summary(created.id)).toMatchObject({ battles: 1, failedJudgments: 0 });
    expect(count(a.ctx, `SELECT count(*) AS n FROM arena_calls WHERE role = 'judge' AND accepted = 0`)).toBe(1);
  });

  it('--swap-check: a judge that always picks A is inconsistent every time: ties, and a position bias of 100%', async () => {
    const a = await arena({ judge: () => verdict('A') }, 1);
    const created = a.ctx.arena.create(a.input({ counselors: ['alpha', 'beta'], maxTurns: 2, swapCheck: true }));
    await a.ctx.arena.execute(created.id);
    const s = a.ctx.arena.summary(created.id);
    expect(s).toMatchObject({ battles: 2, ties: 2, positionBias: { checked: 2, inconsistent: 2, rate: 1 } });
    expect(arenaBattles(a.ctx.db, created.id).map((b) => b.winner)).toEqual(['tie', 'tie']);
  });

  it('--swap-check: a judge that follows the content is consistent: no ties, no bias', async () => {
    const a = await arena({}, 1);
    const created = a.ctx.arena.create(a.input({ counselors: ['alpha', 'beta'], maxTurns: 2, swapCheck: true }));
    await a.ctx.arena.execute(created.id);
    expect(a.ctx.arena.summary(created.id)).toMatchObject({ battles: 2, ties: 0, positionBias: { checked: 2, inconsistent: 0, rate: 0 } });
    expect(count(a.ctx, `SELECT count(*) AS n FROM arena_calls WHERE role = 'judge' AND pass = 2`)).toBe(2);
  });

  it('Prompt 1 in English reaches the judge filled in', async () => {
    const a = await arena({}, 1);
    const created = a.ctx.arena.create(a.input({ counselors: ['alpha', 'beta'], maxTurns: 1, prompt: 1, language: 'en', cards: { ids: a.cardIds } }));
    await a.ctx.arena.execute(created.id);
    const judged = a.server.requests.map((r) => r.body as { messages: { content: string }[] }).find((b) => b.messages[0]!.content.includes('Autonomy'));
    expect(judged?.messages[0]!.content).toMatch(/Conversation History:\nClient: Hello\n\nResponse Options:\nResponse A: \[(alpha|beta)\]/);
  });

  it('exports battles in Chatbot Arena\'s shape and as DPO pairs', async () => {
    const a = await arena({}, 1);
    const created = a.ctx.arena.create(a.input({ counselors: ['alpha', 'gamma'], maxTurns: 2 }));
    await a.ctx.arena.execute(created.id);
    const lines = battleLines(a.ctx.arena.store, created.id, 'arena').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ model_a: 'alpha', model_b: 'gamma', winner: 'model_a', judge: 'local/judge', turn: 2, anony: true, language: 'Chinese', source: 'judge' });
    const conv = lines[1]!.conversation_a as { role: string; content: string }[];
    expect(conv.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(conv[0]!.content).toBe('你好');
    expect(conv.at(-1)!.content).toMatch(/^\[alpha\] 第2轮/);
    expect((lines[1]!.conversation_b as { content: string }[]).at(-1)!.content).toMatch(/^\[gamma\] 第2轮/);
    const dpo = battleLines(a.ctx.arena.store, created.id, 'dpo').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(dpo[0]).toMatchObject({ prompt: [{ role: 'user', content: '你好' }], chosen_model: 'alpha', rejected_model: 'gamma' });
    expect((dpo[0]!.chosen as { content: string }[])[0]!.content).toMatch(/^\[alpha\]/);
    expect((dpo[0]!.rejected as { content: string }[])[0]!.content).toMatch(/^\[gamma\]/);
  });

  it('refuses an unknown counselor, a lone counselor and a judge template without its slots, creating nothing', async () => {
    const a = await arena({}, 1);
    expect(() => a.ctx.arena.create(a.input({ counselors: ['alpha', 'omega'] }))).toThrow(/No counselor named 'omega'\. Known: alpha, beta, gamma\./);
    expect(() => a.ctx.arena.create(a.input({ counselors: ['alpha'] }))).toThrow(/at least two counselors/);
    expect(() => a.ctx.arena.create(a.input({ judgeTemplate: '请选择 {dialogue_history}' }))).toThrow(/must contain \{shuffled_candidates\}/);
    expect(a.ctx.arena.list()).toEqual([]);
    expect(count(a.ctx, 'SELECT count(*) AS n FROM jobs')).toBe(0);
  });

  it('candidates shown to the judge are the two counselors\' replies', async () => {
    const seen: [string, string][] = [];
    const a = await arena({ judge: (ctx, shown) => (seen.push(shown), isJudge(ctx) ? verdict('A') : 'x') }, 1);
    const created = a.ctx.arena.create(a.input({ counselors: ['beta', 'gamma'], maxTurns: 1 }));
    await a.ctx.arena.execute(created.id);
    expect(seen[0]!.map((c) => c.slice(0, 7)).sort()).toEqual(['[beta] ', '[gamma]']);
  });

  it('cancel before it runs ends every session as cancelled; nothing is left to resume', async () => {
    const a = await arena({}, 2);
    const created = a.ctx.arena.create(a.input({ counselors: ['alpha', 'beta'] }));
    expect(a.ctx.arena.cancel(created.id)).toMatchObject({ status: 'cancelled', ended: 2, endReasons: { cancelled: 2 } });
    expect(() => a.ctx.arena.execute(created.id)).toThrow(/Arena \d+ is cancelled; there is nothing to resume/);
    expect(chatCalls(a.server)).toBe(0);
  });

  it('an unknown model fails the arena with what to do, with no battle recorded', async () => {
    const a = await arena({}, 1);
    const endpoint = a.ctx.endpoints.getByName('local');
    a.ctx.arena.counselors.create({ name: 'ghost', endpointId: endpoint.id, model: 'no-such-model' });
    const created = a.ctx.arena.create(a.input({ counselors: ['alpha', 'ghost'], maxTurns: 1 }));
    const job = await a.ctx.arena.execute(created.id);
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/no-such-model.*Start a new arena with counselors whose models the endpoint serves\./);
    expect(count(a.ctx, 'SELECT count(*) AS n FROM battles')).toBe(0);
  });
});
