import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChangeWatcher } from '../../src-main/app/change-watcher';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import type { EventChannel } from '../../src-main/contract';
import { SimulationStore } from '../../src-main/simulation/store';
import { makeCard } from '../role-cards/support';
import { harness, paperFixtures, play } from '../simulation/support';
import { tempDbPath } from '../support/temp';

// The app's watcher on one connection; the "CLI" writes through a second, real connection to
// the same file (as `simpsy` does while the app is open). The watcher must name exactly the
// domains that changed, whoever changed them.

const domainEvents: EventChannel[] = ['cards:changed', 'dialogues:changed', 'runs:changed', 'jobs:changed', 'endpoints:changed'];

const open: AppContext[] = [];
afterEach(() => {
  for (const ctx of open.splice(0)) ctx.close();
});

function context(dbPath: string): AppContext {
  const ctx = createAppContext({ dbPath });
  open.push(ctx);
  return ctx;
}

/** The app: a context, its watcher (looked through by hand: no timers) and the events it heard. */
function app(dbPath: string, intervalMs?: number) {
  const ctx = context(dbPath);
  const heard: EventChannel[] = [];
  for (const channel of domainEvents) ctx.events.on(channel, () => heard.push(channel));
  const watcher = new ChangeWatcher(ctx.db, ctx.events, intervalMs);
  return {
    ctx,
    watcher,
    /** One look; the events heard in it, in a stable order. */
    look: (): string[] => {
      heard.length = 0;
      watcher.check();
      return [...heard].sort();
    },
  };
}

describe('change watcher (two connections to one database)', () => {
  it('names each domain another connection changed, and nothing else', async () => {
    const dbPath = tempDbPath();
    const { look } = app(dbPath);
    const cli = context(dbPath);
    expect(look()).toEqual([]);

    cli.endpoints.create({ name: 'local', baseUrl: 'http://127.0.0.1:8000/v1', model: 'm' });
    expect(look()).toEqual(['endpoints:changed']);
    expect(look()).toEqual([]); // a change is announced once

    const [id] = cli.cards.insertMany([{ card: makeCard() }, { card: makeCard({ chiefComplaint: '第二张卡片的主诉：工作压力很大。' }) }]);
    expect(look()).toEqual(['cards:changed']);
    cli.cards.update({ id: id!, tags: ['焦虑'] });
    expect(look()).toEqual(['cards:changed']);
    cli.cards.remove(id!);
    expect(look()).toEqual(['cards:changed']);

    const imported = await cli.simulation.importDialogues({ path: join(paperFixtures, 'dialogue') });
    expect(imported.sessions).toBeGreaterThan(0);
    expect(look()).toEqual(['dialogues:changed', 'runs:changed']);
    cli.simulation.remove(imported.runId);
    expect(look()).toEqual(['dialogues:changed', 'runs:changed']);

    cli.jobs.create('evaluation', 'x');
    expect(look()).toEqual(['jobs:changed']);
  });

  it("sees its own connection's commits too, so changes made in the app take the same path", () => {
    const { ctx, look } = app(tempDbPath());
    ctx.endpoints.create({ name: 'here', baseUrl: 'http://127.0.0.1:8000/v1', model: 'm' });
    ctx.cards.create(makeCard());
    expect(look()).toEqual(['cards:changed', 'endpoints:changed']);
  });

  it('sees nothing of a transaction that rolled back', () => {
    const dbPath = tempDbPath();
    const { look } = app(dbPath);
    const cli = context(dbPath);
    expect(() =>
      cli.db.transaction(() => {
        cli.cards.create(makeCard());
        throw new Error('the import failed half-way');
      })(),
    ).toThrow('half-way');
    expect(look()).toEqual([]);
  });

  it('follows a simulation run in another process: its sessions, its run and its job', async () => {
    const dbPath = tempDbPath();
    const { look } = app(dbPath);
    const h = await harness({ dbPath, cards: 2 });
    try {
      h.server.respond(play({ counselor: (_ctx, turn) => (turn >= 3 ? '今天就先聊到这里，下次见。' : '能多说一点吗？') }));
      look();
      const run = await h.ctx.simulation.create(h.input({ cards: { ids: h.cardIds } }));
      expect(look()).toEqual(['dialogues:changed', 'jobs:changed', 'runs:changed']);
      const job = await h.ctx.simulation.execute(run.id);
      expect(job.status).toBe('done');
      expect(look()).toEqual(['dialogues:changed', 'jobs:changed', 'runs:changed']);
    } finally {
      await h.close();
    }
  });

  it('announces each saved turn and each refused call of a run, though no trigger counts them', async () => {
    const dbPath = tempDbPath();
    const { ctx, look } = app(dbPath);
    const onlyProgress: Record<string, boolean> = {};
    ctx.events.on('dialogues:changed', (e) => (onlyProgress.dialogues = e.onlyProgress));
    ctx.events.on('runs:changed', (e) => (onlyProgress.runs = e.onlyProgress));
    const engine = new SimulationStore(context(dbPath).db);
    const runId = engine.createRun({ kind: 'simulation', title: 't', language: 'zh', config: {}, appVersion: 't', jobId: null }, [{ cardId: 1, repetition: 1, cardText: '性别：女' }]);
    const [{ id: sessionId }] = engine.db.prepare('SELECT id FROM sim_sessions').all() as [{ id: number }];
    expect(look()).toEqual(['dialogues:changed', 'runs:changed']);
    expect(onlyProgress).toEqual({ dialogues: false, runs: false }); // a new run and its sessions
    await engine.startSession(runId, sessionId, '你好');
    expect(look()).toEqual(['dialogues:changed']);
    const call = { attempt: 1, retries: 0, model: 'm', finishReason: 'stop', usage: { promptTokens: 10, completionTokens: 5, cachedTokens: 0 }, cost: 0, latencyMs: 5 };
    await engine.saveTurn({ runId, sessionId, idx: 1, role: 'counselor', content: '你好，想聊些什么？', call, end: null });
    expect(look()).toEqual(['dialogues:changed', 'runs:changed']);
    expect(onlyProgress).toEqual({ dialogues: true, runs: true });
    await engine.saveRejected({ runId, sessionId, idx: 2, role: 'client', content: '1. 睡不着\n2. 吵架', reason: 'enumeration', detail: 'x', call, end: null });
    expect(look()).toEqual(['runs:changed']);
    await engine.saveTurn({ runId, sessionId, idx: 2, role: 'client', content: '最近总是睡不着。', call: { ...call, attempt: 2 }, end: { reason: 'phrase', phrase: '再见' } });
    expect(look()).toEqual(['dialogues:changed', 'runs:changed']);
    expect(onlyProgress).toEqual({ dialogues: false, runs: true }); // the session ended
    expect(look()).toEqual([]);
  });

  it('looks on its own at the interval it was given, and stops when asked', async () => {
    const dbPath = tempDbPath();
    const { ctx, watcher } = app(dbPath, 20);
    const cli = context(dbPath);
    let heard = 0;
    ctx.events.on('cards:changed', () => heard++);
    watcher.start();
    cli.cards.create(makeCard());
    await expect.poll(() => heard, { timeout: 2_000, interval: 10 }).toBe(1);
    cli.cards.create(makeCard({ chiefComplaint: '另一张卡片：总是担心考试。' }));
    await expect.poll(() => heard, { timeout: 2_000, interval: 10 }).toBe(2);
    watcher.stop();
    cli.cards.create(makeCard({ chiefComplaint: '第三张：睡眠很差。' }));
    await new Promise((done) => setTimeout(done, 200));
    expect(heard).toBe(2);
  });

  it('stops by itself once its database is closed', () => {
    const dbPath = tempDbPath();
    const ctx = createAppContext({ dbPath });
    const watcher = new ChangeWatcher(ctx.db, ctx.events, 10).start();
    ctx.close();
    expect(watcher.check()).toEqual([]);
  });
});
