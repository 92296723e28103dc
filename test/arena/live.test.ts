import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import { arenaBattles } from '../../src-main/arena/store';
import type { ArenaLiveState } from '../../src-main/contract/arena-live';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { makeCard } from '../role-cards/support';
import { simpsy } from '../support/cli';
import { tempDbPath } from '../support/temp';
import { arenaPlay, type ArenaPlay } from './support';

// The human live mode (src-main/arena/live.ts) against the test LLM server, on a real
// database file: the AI client and two counselors are real HTTP calls; the human's picks are
// what the app would send.

interface Live {
  ctx: AppContext;
  server: LlmServer;
  dbPath: string;
  endpointId: number;
  cardId: number;
}

const open: { ctx?: AppContext; server?: LlmServer }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    if (o.ctx?.db.open) o.ctx.close();
    await o.server?.close();
  }
});

async function live(play: ArenaPlay = {}): Promise<Live> {
  const server = await startLlmServer({ models: ['test-model', 'alpha', 'beta'] });
  server.respond(arenaPlay(play));
  const dbPath = tempDbPath();
  const ctx = createAppContext({ dbPath });
  open.push({ ctx, server });
  const endpoint = ctx.endpoints.create({ name: 'local', baseUrl: server.url, model: 'test-model', priceInputPerM: 1, priceOutputPerM: 2 });
  for (const name of ['alpha', 'beta']) ctx.arena.counselors.create({ name, endpointId: endpoint.id, model: name });
  const cardId = ctx.cards.create(makeCard({ chiefComplaint: '最近总是失眠，和父母关系紧张。' })).id;
  return { ctx, server, dbPath, endpointId: endpoint.id, cardId };
}

/** The state once the models have stopped writing (waiting for a pick, paused or ended). */
async function settled(ctx: AppContext, arenaId: number): Promise<ArenaLiveState> {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(20)) {
    const state = ctx.arenaLive.state(arenaId);
    if (state.status !== 'writing') return state;
  }
  throw new Error(`Live arena ${arenaId} still writing after 20 s`);
}

const chatCalls = (s: LlmServer) => s.requests.filter((r) => r.path === '/v1/chat/completions').length;
const start = (l: Live, maxTurns = 3) =>
  l.ctx.arenaLive.start({ counselors: ['alpha', 'beta'], cardId: l.cardId, client: { endpointId: l.endpointId }, annotator: '李老师', maxTurns });
/** Which counselor wrote a reply of the default play: "[alpha] 第1轮：…". */
const author = (reply: string) => /^\[(\w+)\]/.exec(reply)![1]!;

describe('a live session judged by a human', () => {
  it('plays the whole session: each pair waits for the pick, which is stored as a human battle and continues the dialogue', async () => {
    const l = await live();
    let state = start(l);
    expect(state.status).toBe('writing');
    state = await settled(l.ctx, state.arenaId);
    expect(state.status).toBe('waiting');
    expect(state.history).toEqual([{ role: 'client', content: '你好' }]);
    expect(state.candidates!.turn).toBe(1);
    // Blind but both there: one reply from each counselor, in the recorded order.
    expect([author(state.candidates!.A), author(state.candidates!.B)].sort()).toEqual(['alpha', 'beta']);
    expect(chatCalls(l.server)).toBe(2);

    const firstA = author(state.candidates!.A);
    state = await settled(l.ctx, l.ctx.arenaLive.pick({ arenaId: state.arenaId, turn: 1, pick: 'A', note: ' 更有共情 ' }).arenaId);
    expect(state.status).toBe('waiting');
    expect(state.candidates!.turn).toBe(2);
    // The picked reply entered the history, then the client answered it.
    expect(state.history.map((m) => m.role)).toEqual(['client', 'counselor', 'client']);
    expect(author(state.history[1]!.content)).toBe(firstA);
    expect(state.history[2]!.content).toBe('来访者第1次回应：最近还是睡不好。');
    // Blind while it goes on: the pick, not whose reply it was.
    expect(state.picks).toEqual([{ turn: 1, pick: 'A', note: '更有共情', winner: null, continued: null }]);

    const secondB = author(state.candidates!.B);
    state = await settled(l.ctx, l.ctx.arenaLive.pick({ arenaId: state.arenaId, turn: 2, pick: 'B' }).arenaId);
    state = await settled(l.ctx, l.ctx.arenaLive.pick({ arenaId: state.arenaId, turn: 3, pick: 'bothbad' }).arenaId);
    expect(state.status).toBe('ended');
    expect(state.endReason).toBe('turn_limit');
    expect(state.candidates).toBeNull();
    expect(state.picks.map((p) => [p.pick, p.winner])).toEqual([
      ['A', firstA],
      ['B', secondB],
      ['bothbad', 'tie (bothbad)'],
    ]);
    // Both-bad still continues with one of the two replies, recorded.
    expect(['alpha', 'beta']).toContain(state.picks[2]!.continued);

    // No LLM judge was ever called: 3 turns × 2 counselors + 2 client answers.
    // (a supervisor's request is one user message; every request here has the client's or a counselor's system prompt)
    const chats = l.server.requests.filter((r) => r.path === '/v1/chat/completions');
    expect(chats.map((r) => (r.body as { messages: { role: string }[] }).messages[0]!.role)).toEqual(Array(8).fill('system'));
    const rows = l.ctx.db.prepare(`SELECT source, annotator, judge, winner, chosen, judge_output, prompt_version, cost FROM battles ORDER BY turn`).all() as Record<string, unknown>[];
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r).toMatchObject({ source: 'human', annotator: '李老师', judge: '李老师', prompt_version: 'human (live)' });
    expect(rows[0]!.judge_output).toBe('更有共情');
    expect(rows[2]!.winner).toBe('tie (bothbad)');
    // The turn's cost is its two replies' (the human costs nothing).
    expect(rows[0]!.cost).toBeGreaterThan(0);
    // The ratings read them as the annotator's battles.
    const rated = arenaBattles(l.ctx.db, state.arenaId, 'human');
    expect(rated.map((b) => [b.judge, b.source])).toEqual([
      ['李老师', 'human'],
      ['李老师', 'human'],
      ['李老师', 'human'],
    ]);
    expect(arenaBattles(l.ctx.db, state.arenaId, 'llm')).toEqual([]);
    expect(l.ctx.arenaLive.overview().sessions).toMatchObject([{ arenaId: state.arenaId, annotator: '李老师', status: 'ended', turns: 3 }]);
  });

  it('survives the app closing while it waits: reopened, the same pair is shown and nothing is called again', async () => {
    const l = await live();
    const first = await settled(l.ctx, start(l).arenaId);
    expect(first.status).toBe('waiting');
    const calls = chatCalls(l.server);
    l.ctx.close();

    const again = createAppContext({ dbPath: l.dbPath });
    open.push({ ctx: again });
    const reopened = again.arenaLive.state(first.arenaId);
    expect(reopened.status).toBe('waiting');
    expect(reopened.candidates).toEqual(first.candidates);
    expect(again.arenaLive.overview().sessions[0]).toMatchObject({ arenaId: first.arenaId, status: 'waiting' });
    expect(chatCalls(l.server)).toBe(calls);

    const next = await settled(again, again.arenaLive.pick({ arenaId: first.arenaId, turn: 1, pick: 'tie' }).arenaId);
    expect(next.candidates!.turn).toBe(2);
    // One client answer and the next pair: the first pair was not asked for again.
    expect(chatCalls(l.server)).toBe(calls + 3);
    expect(next.picks).toMatchObject([{ turn: 1, pick: 'tie' }]);
  });

  it('resumed as a plain arena (simpsy arena resume), it stops again at the pair and never asks an LLM to judge', async () => {
    const l = await live();
    const state = await settled(l.ctx, start(l).arenaId);
    const calls = chatCalls(l.server);
    const job = await l.ctx.arena.execute(state.arenaId);
    expect(job.status).toBe('paused');
    expect(chatCalls(l.server)).toBe(calls);
    expect(l.ctx.arenaLive.state(state.arenaId)).toMatchObject({ status: 'waiting', candidates: state.candidates });
    expect(l.ctx.arena.summary(state.arenaId)).toMatchObject({ judge: '李老师', promptVersion: 'human', battles: 0 });
  });

  it('tells the window after every saved call and when the models stop (arenaLive:changed)', async () => {
    const l = await live();
    const seen: number[] = [];
    l.ctx.events.on('arenaLive:changed', (e) => seen.push(e.arenaId));
    const state = await settled(l.ctx, start(l).arenaId);
    await sleep(50);
    // Two replies saved, then the execution stopped at the pair.
    expect(seen).toEqual([state.arenaId, state.arenaId, state.arenaId]);
    seen.length = 0;
    await settled(l.ctx, l.ctx.arenaLive.pick({ arenaId: state.arenaId, turn: 1, pick: 'A' }).arenaId);
    await sleep(50);
    // The client's answer, the next two replies, the stop.
    expect(seen).toHaveLength(4);
  });

  it('refuses a pick for a pair that is not the one shown, and records nothing', async () => {
    const l = await live();
    const state = await settled(l.ctx, start(l).arenaId);
    expect(() => l.ctx.arenaLive.pick({ arenaId: state.arenaId, turn: 2, pick: 'A' })).toThrow(/no pair of turn 2 to pick from \(the pair shown now is turn 1\); nothing was recorded/);
    l.ctx.arenaLive.pick({ arenaId: state.arenaId, turn: 1, pick: 'B' });
    // A second click on the same pair while the models write is refused too.
    expect(() => l.ctx.arenaLive.pick({ arenaId: state.arenaId, turn: 1, pick: 'A' })).toThrow(/the session is writing/);
    await settled(l.ctx, state.arenaId);
    expect(l.ctx.db.prepare(`SELECT turn, winner FROM battles`).all()).toHaveLength(1);
  });

  it('pauses while the models write and resumes without repeating a saved call; ending keeps the battles', async () => {
    const l = await live();
    const arenaId = (await settled(l.ctx, start(l).arenaId)).arenaId;
    l.server.setLatency(400);
    l.ctx.arenaLive.pick({ arenaId, turn: 1, pick: 'A' });
    // Paused while the client's answer is on its way: it finishes and is saved; no counselor is asked.
    for (let i = 0; i < 500 && chatCalls(l.server) < 3; i++) await sleep(5);
    expect(l.ctx.arenaLive.pause(arenaId).status).toBe('writing');
    const paused = await settled(l.ctx, arenaId);
    expect(paused.status).toBe('paused');
    expect(paused.candidates).toBeNull();
    expect(paused.history.map((m) => m.role)).toEqual(['client', 'counselor', 'client']);
    expect(chatCalls(l.server)).toBe(3);

    l.server.setLatency(0);
    const resumed = await settled(l.ctx, l.ctx.arenaLive.resume(arenaId).arenaId);
    expect(resumed.status).toBe('waiting');
    expect(resumed.candidates!.turn).toBe(2);
    // The pair of turn 2 only: the client's saved answer was not asked for again.
    expect(chatCalls(l.server)).toBe(5);

    const ended = l.ctx.arenaLive.end(arenaId);
    expect(ended.status).toBe('ended');
    expect(ended.endReason).toBe('cancelled');
    expect(ended.picks).toHaveLength(1);
    expect(() => l.ctx.arenaLive.pick({ arenaId, turn: 2, pick: 'A' })).toThrow(/the session is ended/);
  });

  it('ends when the picked reply says goodbye (the termination phrase)', async () => {
    const l = await live({ counselor: (ctx, turn) => (turn === 2 && ctx.model === 'beta' ? '[beta] 今天就到这里，再见。' : `[${ctx.model}] 第${turn}轮：能多说一点吗？`) });
    let state = await settled(l.ctx, start(l, 10).arenaId);
    state = await settled(l.ctx, l.ctx.arenaLive.pick({ arenaId: state.arenaId, turn: 1, pick: 'A' }).arenaId);
    const bye = author(state.candidates!.A) === 'beta' ? 'A' : 'B';
    state = await settled(l.ctx, l.ctx.arenaLive.pick({ arenaId: state.arenaId, turn: 2, pick: bye }).arenaId);
    expect(state.status).toBe('ended');
    expect(state.endReason).toBe('phrase');
    expect(state.history.at(-1)!.content).toContain('再见');
  });

  it('refuses two picks of one counselor and an unknown card before creating anything', async () => {
    const l = await live();
    expect(() => l.ctx.arenaLive.start({ counselors: ['alpha', 'alpha'], cardId: l.cardId, client: { endpointId: l.endpointId }, annotator: 'x' })).toThrow(/two different counselors/);
    expect(() => l.ctx.arenaLive.start({ counselors: ['alpha', 'beta'], cardId: 999, client: { endpointId: l.endpointId }, annotator: 'x' })).toThrow(/999/);
    expect(() => l.ctx.arenaLive.start({ counselors: ['alpha', 'nobody'], cardId: l.cardId, client: { endpointId: l.endpointId }, annotator: 'x' })).toThrow(/nobody/);
    expect(l.ctx.db.prepare('SELECT count(*) AS n FROM arena_runs').get()).toEqual({ n: 0 });
  });
});

describe('simpsy ratings --source human', () => {
  it('counts the live battles as the annotator’s, and the judge source none of them', async () => {
    const l = await live();
    let state = await settled(l.ctx, start(l, 2).arenaId);
    const alphaAs = (s: ArenaLiveState) => (author(s.candidates!.A) === 'alpha' ? 'A' : 'B') as 'A' | 'B';
    state = await settled(l.ctx, l.ctx.arenaLive.pick({ arenaId: state.arenaId, turn: 1, pick: alphaAs(state) }).arenaId);
    state = await settled(l.ctx, l.ctx.arenaLive.pick({ arenaId: state.arenaId, turn: 2, pick: alphaAs(state) }).arenaId);
    expect(state.status).toBe('ended');
    l.ctx.close();

    const human = await simpsy(['--db', l.dbPath, 'ratings', '--arena', String(state.arenaId), '--source', 'human', '--bootstrap', '20', '--json']);
    expect(human.code, human.stderr).toBe(0);
    const ratings = JSON.parse(human.stdout.trimEnd().split('\n').at(-1)!) as { battles: number; models: { name: string; elo: number; wins: number; battles: number }[] };
    expect(ratings.battles).toBe(2);
    const alpha = ratings.models.find((m) => m.name === 'alpha')!;
    const beta = ratings.models.find((m) => m.name === 'beta')!;
    expect([alpha.wins, alpha.battles, beta.wins]).toEqual([2, 2, 0]);
    expect(alpha.elo).toBeGreaterThan(beta.elo);
    const judge = await simpsy(['--db', l.dbPath, 'ratings', '--arena', String(state.arenaId), '--source', 'judge', '--json']);
    expect(judge.code, judge.stderr).toBe(0);
    expect((JSON.parse(judge.stdout.trimEnd().split('\n').at(-1)!) as { battles: number }).battles).toBe(0);
  }, 60_000);
});
