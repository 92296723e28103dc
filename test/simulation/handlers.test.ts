import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Result } from '../../src-main/contract';
import { createDispatch } from '../../src-main/ipc/dispatch';
import { createHandlerTable } from '../../src-main/ipc/handlers';
import { tempDir } from '../support/temp';
import { harness, paperFixtures, play, type Harness } from './support';

// The simulation domain through the IPC dispatch, as the renderer reaches it.

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function call<T>(h: Harness, channel: string, payload: unknown = {}): Promise<T> {
  const result = (await createDispatch(createHandlerTable(), h.ctx, () => {})(channel, payload)) as Result<T>;
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value;
}

async function until(check: () => boolean | Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(10);
  }
}

describe('simulation over IPC', () => {
  it('gives the form its defaults: templates, opener, phrases, rules', async () => {
    h = await harness();
    const zh = await call<{ opener: string; terminationPhrases: string[]; templates: { counselor: { released: string | null } }; refinement: { maxLength: number } }>(h, 'simulation:defaults', { language: 'zh' });
    expect(zh).toMatchObject({ opener: '你好', refinement: { maxLength: 200, maxAttempts: 3 }, maxTurns: 50, concurrency: 8 });
    expect(zh.terminationPhrases).toContain('期待再次');
    expect(zh.templates.counselor.released).toContain('100轮');
    const en = await call<{ opener: string; templates: { client: { default: string }; counselor: { released: string | null } } }>(h, 'simulation:defaults', { language: 'en' });
    expect(en.opener).toBe('Hello');
    expect(en.templates.client.default).toContain('{role_card}');
    expect(en.templates.counselor.released).toBeNull();
  });

  it('start in the background, announce progress, pause, resume, and browse the result', async () => {
    h = await harness({ cards: 4, latencyMs: 10 });
    h.server.respond(play({ counselor: (_c, turn) => (turn === 3 ? '今天就到这里，下次见。' : '嗯，你能多说一点吗？') }));
    const progress: number[] = [];
    h.ctx.events.on('jobs:progress', (e) => progress.push(e.done));
    const started = await call<{ id: number; jobId: number; status: string; sessions: number }>(h, 'simulation:start', h.input({ concurrency: 2 }));
    expect(started).toMatchObject({ sessions: 4 });
    await until(() => h!.ctx.simulation.dashboard(started.id).calls >= 3);
    await call(h, 'simulation:pause', { id: started.id });
    await until(() => h!.ctx.simulation.summary(started.id).status === 'paused');
    await call(h, 'simulation:resume', { id: started.id });
    await until(() => h!.ctx.simulation.summary(started.id).status === 'done');
    expect(progress.at(-1)).toBe(4);

    const runs = await call<{ id: number; status: string; completed: number }[]>(h, 'simulation:runs');
    expect(runs).toMatchObject([{ id: started.id, status: 'done', completed: 4 }]);
    const detail = await call<{ config: { maxTurns: number }; dashboard: { sessions: { completed: number }; endReasons: { phrase: number } } }>(h, 'simulation:run', { id: started.id });
    expect(detail).toMatchObject({ config: { maxTurns: 5 }, dashboard: { sessions: { completed: 4 }, endReasons: { phrase: 4 } } });

    const page = await call<{ total: number; items: { id: number; endPhrase: string }[] }>(h, 'dialogues:list', { query: '下次见', limit: 2 });
    expect(page.total).toBe(4);
    expect(page.items).toHaveLength(2);
    const one = await call<{ messages: { role: string }[] }>(h, 'dialogues:get', { id: page.items[0]!.id });
    expect(one.messages).toHaveLength(6);
    expect(await call(h, 'dialogues:tag', { ids: [page.items[0]!.id], add: ['标注'] })).toEqual({ affected: 1 });
    expect(await call(h, 'dialogues:star', { ids: [page.items[0]!.id], starred: true })).toEqual({ affected: 1 });
    expect(await call(h, 'dialogues:tags')).toEqual([{ tag: '标注', count: 1 }]);

    const path = join(tempDir(), 'out.jsonl');
    expect(await call(h, 'dialogues:export', { path, format: 'paper', filter: { tags: ['标注'] } })).toMatchObject({ count: 1 });
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(1);
    expect(await call(h, 'dialogues:remove', { ids: [page.items[1]!.id] })).toEqual({ affected: 1 });
    expect(await call(h, 'dialogues:import', { path: join(paperFixtures, 'dialogue') })).toMatchObject({ sessions: 1 });
    expect(await call(h, 'simulation:remove', { id: started.id })).toEqual({ removed: true });
    expect((await call<unknown[]>(h, 'simulation:runs')).length).toBe(1);
  });

  it('cancel a paused run from the generic jobs list, ending its unfinished sessions', async () => {
    h = await harness({ cards: 3, latencyMs: 10 });
    h.server.respond(play({ counselor: () => '嗯，你能多说一点吗？' }));
    const started = await call<{ id: number; jobId: number }>(h, 'simulation:start', h.input({ concurrency: 1 }));
    await until(() => h!.ctx.simulation.dashboard(started.id).calls >= 2);
    await call(h, 'simulation:pause', { id: started.id });
    await until(() => h!.ctx.simulation.summary(started.id).status === 'paused');
    const job = await call<{ status: string }>(h, 'jobs:cancel', { id: started.jobId });
    expect(job.status).toBe('cancelled');
    const open = h.ctx.db.prepare("SELECT count(*) AS n FROM sim_sessions WHERE run_id = ? AND status != 'ended'").get(started.id);
    expect(open).toEqual({ n: 0 });
    const cancelled = h.ctx.db.prepare("SELECT count(*) AS n FROM sim_sessions WHERE run_id = ? AND end_reason = 'cancelled'").get(started.id) as { n: number };
    expect(cancelled.n).toBeGreaterThan(0);
  });

  it('retry the sessions that ended in error, in the background; refuse a run with none, or one another process runs', async () => {
    h = await harness({ cards: 2 });
    let broken = true;
    const inner = play({ client: (ctx) => `我是${/第(\d+)号/.exec(ctx.systemPrompt ?? '')?.[1]}号`, counselor: (_c, turn) => (turn === 2 ? '再见' : '嗯？') });
    h.server.respond((ctx) => (broken && ctx.lastUserMessage === '我是2号' ? { fault: 'server_error' } : inner(ctx)));
    const started = await call<{ id: number; jobId: number }>(h, 'simulation:start', h.input({ maxRetries: 0 }));
    await until(() => h!.ctx.simulation.summary(started.id).status === 'done');
    expect(await call(h, 'simulation:run', { id: started.id })).toMatchObject({ failed: 1, dashboard: { endReasons: { error: 1 } }, history: [], owner: null });

    broken = false;
    expect(await call(h, 'simulation:retry', { id: started.id })).toMatchObject({ id: started.id, status: 'running' });
    await until(() => h!.ctx.simulation.summary(started.id).status === 'done');
    expect(await call(h, 'simulation:run', { id: started.id })).toMatchObject({ completed: 2, failed: 0, history: [{ kind: 'resumed', from: 'done' }, { kind: 'sessions_retried', sessions: 1 }] });

    const dispatch = createDispatch(createHandlerTable(), h.ctx, () => {});
    expect(await dispatch('simulation:retry', { id: started.id })).toEqual({
      ok: false,
      error: { code: 'conflict', message: `Run ${started.id} has no session that ended in error; there is nothing to retry.` },
    });
    h.ctx.db.prepare(`UPDATE sim_sessions SET end_reason = 'error' WHERE run_id = ? AND seq = 1`).run(started.id);
    h.ctx.db.prepare(`UPDATE jobs SET status = 'running', owner_token = 'cli', owner_pid = 1, owner_host = ?, heartbeat_at = ? WHERE id = ?`).run(h.ctx.jobs.owner.host, Date.now(), started.jobId);
    expect(await dispatch('simulation:retry', { id: started.id })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/^Run \d+ is running in process 1 on /) } });
  });

  it('use the user’s prompt override as the default template, in the form and in the run', async () => {
    h = await harness({ cards: 1 });
    const override = '你是咨询师小天（本机改写版）。请简短回答。';
    await call(h, 'prompts:set', { kind: 'counselor', language: 'zh', template: override });
    const defaults = await call<{ templates: { counselor: { default: string } } }>(h, 'simulation:defaults', { language: 'zh' });
    expect(defaults.templates.counselor.default).toBe(override);
    h.server.respond(play({ counselor: () => '好的，下次见。' }));
    const started = await call<{ id: number }>(h, 'simulation:start', h.input());
    await until(() => h!.ctx.simulation.summary(started.id).status === 'done');
    const detail = await call<{ config: { counselor: { template: string } } }>(h, 'simulation:run', { id: started.id });
    expect(detail.config.counselor.template).toBe(override);
    expect(h.server.requests.some((r) => JSON.stringify(r.body).includes('本机改写版'))).toBe(true);
  });

  it('report domain problems as typed errors', async () => {
    h = await harness();
    const dispatch = createDispatch(createHandlerTable(), h.ctx, () => {});
    expect(await dispatch('simulation:start', h.input({ client: { endpointId: 99 } }))).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await dispatch('simulation:start', h.input({ language: 'en' }))).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ path: 'cards' }] } });
    expect(await dispatch('simulation:start', h.input({ client: { endpointId: h.endpointId, templateText: 'no card here' } }))).toMatchObject({
      ok: false,
      error: { code: 'validation', issues: [{ path: 'client.templateText' }] },
    });
    expect(await dispatch('simulation:start', h.input({ language: 'en', cards: { ids: h.cardIds }, counselor: { endpointId: h.endpointId, templateName: 'released' } }))).toMatchObject({
      ok: false,
      error: { code: 'validation' },
    });
    expect(await dispatch('simulation:resume', { id: 42 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await dispatch('dialogues:get', { id: 42 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
