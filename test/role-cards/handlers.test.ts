import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import type { RequestChannel } from '../../src-main/contract/channels';
import type { ChannelResult } from '../../src-main/contract';
import { createDispatch, type Dispatch } from '../../src-main/ipc/dispatch';
import { createHandlerTable } from '../../src-main/ipc/handlers';
import { makeCard, paperFixtures } from './support';
import { tempDbPath, tempDir } from '../support/temp';

// The role-card channels end to end through dispatch, as the renderer calls them.

let ctx: AppContext;
let call: Dispatch;
beforeEach(() => {
  ctx = createAppContext({ dbPath: tempDbPath() });
  call = createDispatch(createHandlerTable(), ctx, () => {});
});
afterEach(() => ctx.close());

const value = async <C extends RequestChannel>(channel: C, payload: unknown): Promise<ChannelResult<C>> => {
  const result = await call(channel, payload);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value as ChannelResult<C>;
};

describe('role-card channels', () => {
  it('create, read, render, edit, read the history, revert and remove', async () => {
    const created = await value('cards:create', { ...makeCard(), tags: ['b', 'a', 'a'] });
    expect(created).toMatchObject({ id: 1, tags: ['a', 'b'], split: 'pool' });
    expect(await value('cards:get', { id: 1 })).toEqual(created);
    const text = await value('cards:text', { id: 1 });
    expect(text.text).toMatch(/^性别：女\n年龄：20岁\n/);
    expect(text.text).toMatch(/\n来访者的主诉问题：20岁女，总是渴望他人认可/);
    const edited = await value('cards:update', { id: 1, age: '21岁', bigFive: { openness: '可能偏高' }, ifUpdatedAt: created.updatedAt });
    expect(edited).toMatchObject({ age: '21岁', bigFive: { openness: '可能偏高', conscientiousness: created.bigFive.conscientiousness } });
    const history = await value('cards:history', { id: 1 });
    expect(await value('cards:revert', { id: 1, revisionId: history[0]!.id })).toMatchObject({ age: '20岁' });
    expect(await value('cards:tags', {})).toEqual([{ tag: 'a', count: 1 }, { tag: 'b', count: 1 }]);
    expect(await value('cards:remove', { id: 1 })).toEqual({ removed: true });
    expect(await call('cards:get', { id: 1 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('refuses a stale edit as a conflict the editor can show', async () => {
    await value('cards:create', makeCard());
    expect(await call('cards:update', { id: 1, age: '30岁', ifUpdatedAt: '2000-01-01T00:00:00Z' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('lists a page, acts in bulk on a filter, splits, finds duplicates, exports and imports', async () => {
    const imported = await value('cards:import', { path: paperFixtures });
    expect(imported).toMatchObject({ imported: 6, refused: false });
    await value('cards:create', makeCard({ chiefComplaint: `  ${ctx.cards.get(1).chiefComplaint}` }));
    const page = await value('cards:list', { split: 'test', limit: 2, sort: 'age', order: 'desc' });
    expect(page).toMatchObject({ total: 6, offset: 0, items: [{ age: '30岁', ageRange: { min: 30, max: 30 } }, { age: '30岁' }] });
    expect(await value('cards:bulk', { filter: { ageMin: 30 }, action: { kind: 'addTags', tags: ['三十'] } })).toEqual({ affected: 3 });
    expect(await value('cards:split', { test: 3, seed: 7 })).toMatchObject({ test: 3, pool: 4, dryRun: false });
    expect((await value('cards:list', { split: 'test' })).total).toBe(3);
    expect(await value('cards:duplicates', {})).toEqual([{ kind: 'exact', cardIds: [1, 7], pairs: [{ a: 1, b: 7, similarity: 1 }] }]);
    const path = join(tempDir(), 'cards.jsonl');
    expect(await value('cards:export', { path, format: 'jsonl', filter: { tags: ['三十'] } })).toMatchObject({ count: 3, files: [path] });
    expect(await value('cards:import', { path, dryRun: true })).toMatchObject({ found: 3, importable: 0, duplicateCount: 3 });
  });

  it('export: an existing file is a conflict the app asks about and resends with overwrite; the database never', async () => {
    await value('cards:create', makeCard());
    const path = join(tempDir(), 'cards.json');
    writeFileSync(path, 'keep me');
    expect(await call('cards:export', { path, format: 'json' })).toMatchObject({ ok: false, error: { code: 'conflict', issues: [{ path: 'overwrite' }] } });
    expect(readFileSync(path, 'utf8')).toBe('keep me');
    expect(await value('cards:export', { path, format: 'json', overwrite: true })).toMatchObject({ count: 1 });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ format: 'simpsy-role-cards', cards: [{ id: 1 }] });

    const before = readFileSync(ctx.dbPath);
    for (const target of [ctx.dbPath, `${ctx.dbPath}-wal`]) {
      const refused = await call('cards:export', { path: target, format: 'csv', overwrite: true });
      expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/is the database SimPsy Studio is using/) } });
      expect(refused.ok || refused.error.issues).toBeUndefined();
    }
    expect(readFileSync(ctx.dbPath)).toEqual(before);
    expect(ctx.cards.count()).toBe(1);
  });

  it('returns a refused import as a report, not an error, so the preview can list every problem', async () => {
    const result = await call('cards:import', { path: join(tempDir(), 'missing.json') });
    expect(result).toMatchObject({ ok: true, value: { refused: true, problems: [{ reason: expect.stringMatching(/Nothing is at this path/) }] } });
  });
});
