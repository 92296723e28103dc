import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import { DomainError } from '../../src-main/common/errors';
import { cardJobKinds, type JobProgressEvent } from '../../src-main/contract';
import { createDispatch } from '../../src-main/ipc/dispatch';
import { createHandlerTable } from '../../src-main/ipc/handlers';
import { catchUpIndex, DUPLICATES_INLINE_BELOW, importCardsJob, searchDuplicates } from '../../src-main/role-cards/card-jobs';
import { findDuplicates } from '../../src-main/role-cards/duplicates';
import { writeJsonLines } from '../../src-main/role-cards/formats/json';
import { importCards } from '../../src-main/role-cards/import';
import { importTask } from '../../src-main/role-cards/import-task';
import { TaskCancelled } from '../../src-main/workers/task';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src-main/storage/database';
import { tempDbPath, tempDir } from '../support/temp';
import { makeCard, paperFixtures, syntheticCards } from './support';

// The duplicate search and large imports as jobs in a worker thread (worker.ts through tsx,
// as from sources everywhere in the tests): the same answers as inline, progress and cancel
// through the jobs table, and nothing written after a cancel.

const open: AppContext[] = [];
const context = (dbPath = tempDbPath()) => {
  const ctx = createAppContext({ dbPath });
  open.push(ctx);
  return ctx;
};
afterEach(() => {
  for (const ctx of open.splice(0)) ctx.close();
});

const real = JSON.parse(readFileSync(join(paperFixtures, 'user_profiles/test.json'), 'utf8')) as string[];
const stamp = '2025-01-01T00:00:00.000Z';
const jsonlOf = (n: number, seed = 3) => {
  const path = join(tempDir(), 'cards.jsonl');
  writeFileSync(path, writeJsonLines(syntheticCards(n, seed).map((c, i) => ({ ...c, id: i + 1, createdAt: stamp, updatedAt: stamp }))));
  return path;
};
const progressOf = (ctx: AppContext) => {
  const seen: JobProgressEvent[] = [];
  ctx.events.on('jobs:progress', (e) => seen.push(e));
  return seen;
};
const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a failure'); }, (error: unknown) => error as DomainError);

/** A pool with an exact pair, a near pair and many distinct complaints. */
function poolWithDuplicates(ctx: AppContext, extra: number) {
  const edited = real[2]!.replace('怎么改掉爱生气还很难消气的坏毛病？', '如何改掉爱生气的毛病？').replace('差点就大吵一架', '差一点就吵起来了');
  const complaints = [...real, `${real[5]}。`, edited, ...syntheticCards(extra, 5).map((c) => c.chiefComplaint)];
  ctx.cards.insertMany(complaints.map((chiefComplaint) => ({ card: makeCard({ chiefComplaint }) })));
}

describe('the duplicate search as a job', () => {
  it('runs a large pool in a worker thread as a job, with the answer an inline search gives', async () => {
    const ctx = context();
    poolWithDuplicates(ctx, DUPLICATES_INLINE_BELOW);
    const seen = progressOf(ctx);
    const groups = await searchDuplicates(ctx, { threshold: 0.7 });
    expect(groups).toEqual(findDuplicates(ctx.cards.complaints(), 0.7));
    expect(groups.map((g) => g.kind).sort()).toEqual(['exact', 'near', 'near']);
    const [job] = ctx.jobs.list({ kind: cardJobKinds.duplicates });
    expect(job).toMatchObject({ status: 'done', message: expect.stringMatching(/^3 groups of duplicates among \d+ cards$/) });
    const running = seen.filter((e) => e.jobId === job!.id && e.status === 'running' && e.total > 0);
    expect(running.length).toBeGreaterThan(1);
    expect(running.at(-1)).toMatchObject({ kind: 'cards.duplicates', done: running.at(-1)!.total });
  });

  it('keeps only the latest finished search in the jobs list', async () => {
    const ctx = context();
    poolWithDuplicates(ctx, 0);
    await searchDuplicates(ctx, { threshold: 0.7 }, { inline: false });
    await searchDuplicates(ctx, { threshold: 0.8 }, { inline: false });
    expect(ctx.jobs.list({ kind: cardJobKinds.duplicates })).toHaveLength(1);
  });

  it('answers a small pool inline, leaving no job', async () => {
    const ctx = context();
    poolWithDuplicates(ctx, 0);
    expect(await searchDuplicates(ctx, { threshold: 0.5 })).toHaveLength(3);
    expect(ctx.jobs.list()).toEqual([]);
  });

  it('stops when the job is cancelled: the request fails as cancelled, the job is cancelled, the thread stays', async () => {
    const ctx = context();
    poolWithDuplicates(ctx, 4000);
    const searching = failure(searchDuplicates(ctx, { threshold: 0.7 }));
    const jobId = await new Promise<number>((resolve) => ctx.events.on('jobs:progress', (e) => e.status === 'running' && e.done > 0 && resolve(e.jobId)));
    ctx.runner.cancel(jobId);
    const error = await searching;
    expect(error.toApiError()).toEqual({ code: 'cancelled', message: `Job ${jobId} was cancelled.`, key: 'jobCancelled', params: { id: jobId } });
    expect(ctx.jobs.get(jobId).status).toBe('cancelled');
    expect(await searchDuplicates(ctx, { threshold: 0.7, split: 'test' }, { inline: false })).toEqual([]);
  });

  it('answers cards:duplicates through dispatch, and a cancel as the error code the window stays quiet on', async () => {
    const ctx = context();
    poolWithDuplicates(ctx, 4000);
    const dispatch = createDispatch(createHandlerTable(), ctx);
    const asked = dispatch('cards:duplicates', { threshold: 0.7 });
    const jobId = await new Promise<number>((resolve) => ctx.events.on('jobs:progress', (e) => e.status === 'running' && resolve(e.jobId)));
    expect(await dispatch('jobs:cancel', { id: jobId })).toMatchObject({ ok: true, value: { cancelRequested: true } });
    expect(await asked).toEqual({ ok: false, error: expect.objectContaining({ code: 'cancelled', key: 'jobCancelled' }) });
  });
});

describe('a large import as a job', () => {
  it('reads, checks and writes in a worker thread: the same report and cards as inline', async () => {
    const path = jsonlOf(300);
    const inline = context();
    const threaded = context();
    const seen = progressOf(threaded);
    const dry = await importCardsJob(threaded, { path, format: 'auto', dryRun: true }, { inline: false });
    expect(dry).toEqual(importCards(inline.cards, { path, format: 'auto', dryRun: true }));
    const report = await importCardsJob(threaded, { path, format: 'auto', dryRun: false }, { inline: false });
    expect(report).toEqual(importCards(inline.cards, { path, format: 'auto', dryRun: false }));
    expect(report).toMatchObject({ refused: false, imported: 300 });
    expect(threaded.cards.all().map(({ id, ...card }) => ({ id, ...card, createdAt: '', updatedAt: '' }))).toEqual(
      inline.cards.all().map(({ id, ...card }) => ({ id, ...card, createdAt: '', updatedAt: '' })),
    );
    expect(threaded.jobs.list().map((j) => [j.kind, j.title, j.status, j.message])).toEqual([
      ['cards.import', 'cards.jsonl', 'done', 'Imported 300 of 300 cards'],
      ['cards.check', 'cards.jsonl', 'done', '300 of 300 cards can be imported'],
    ]);
    expect(seen.some((e) => e.kind === 'cards.check' && e.status === 'running' && e.done === 300 && e.total === 300)).toBe(true);
  });

  it('reports the problems of a refused file from the worker exactly as inline: file, line, field and reason', async () => {
    const lines = readFileSync(jsonlOf(40), 'utf8').split('\n');
    lines[7] = lines[7]!.replace(/"age":"[^"]*"/, '"age":25.5');
    lines[12] = '{"chiefComplaint": ';
    const path = join(tempDir(), 'broken.jsonl');
    writeFileSync(path, lines.join('\n'));
    const threaded = await importCardsJob(context(), { path, format: 'auto', dryRun: false }, { inline: false });
    expect(threaded).toEqual(importCards(context().cards, { path, format: 'auto', dryRun: false }));
    expect(threaded).toMatchObject({ refused: true, imported: 0, problems: [expect.objectContaining({ file: 'broken.jsonl', line: 8 }), expect.objectContaining({ line: 13 })] });
  });

  it('writes nothing when cancelled while checking', async () => {
    const ctx = context();
    const path = jsonlOf(6000);
    const importing = failure(importCardsJob(ctx, { path, format: 'auto', dryRun: false }));
    const jobId = await new Promise<number>((resolve) => ctx.events.on('jobs:progress', (e) => e.status === 'running' && resolve(e.jobId)));
    ctx.runner.cancel(jobId);
    expect(await importing).toMatchObject({ code: 'cancelled' });
    expect(ctx.jobs.get(jobId)).toMatchObject({ kind: 'cards.import', status: 'cancelled' });
    expect(ctx.cards.count()).toBe(0);
  });

  it('reads a small file or the paper fixtures inline, leaving no job', async () => {
    const ctx = context();
    expect(await importCardsJob(ctx, { path: jsonlOf(5), format: 'auto', dryRun: false })).toMatchObject({ imported: 5 });
    expect(await importCardsJob(ctx, { path: paperFixtures, format: 'auto', dryRun: false })).toMatchObject({ imported: 6 });
    expect(ctx.jobs.list()).toEqual([]);
  });

  it('writes in the worker through its own connection, never through this thread\'s', async () => {
    const ctx = context();
    // The window's repository would hold this thread for the whole insert (1-2 s at 10,000 cards).
    ctx.cards.insertMany = () => {
      throw new Error('the import wrote through the main connection');
    };
    const report = await importCardsJob(ctx, { path: jsonlOf(600), format: 'auto', dryRun: false }, { inline: false });
    expect(report).toMatchObject({ refused: false, imported: 600 });
    expect(ctx.cards.count()).toBe(600);
  });

  it('catches the search index up in the worker after a large import, through its own connection', async () => {
    const ctx = context();
    expect(await importCardsJob(ctx, { path: jsonlOf(600), format: 'auto', dryRun: false }, { inline: false })).toMatchObject({ imported: 600 });
    expect(ctx.cards.pendingCount()).toBe(600);
    ctx.cards.indexPending = () => {
      throw new Error('indexed on the main connection');
    };
    await catchUpIndex(ctx);
    expect(ctx.cards.pendingCount()).toBe(0);
    // A second call with nothing pending starts nothing.
    await catchUpIndex(ctx);
    expect(ctx.jobs.list({ kind: cardJobKinds.import })).toHaveLength(1);
  });

  it('a job\'s heartbeat and progress skip, not wait, while another connection holds the write lock', () => {
    const dbPath = tempDbPath();
    const ctx = context(dbPath);
    const job = ctx.jobs.create(cardJobKinds.import, 'cards.jsonl', {});
    ctx.jobs.claim(job.id, ['queued']);
    const worker = openDatabase(dbPath);
    worker.prepare('BEGIN IMMEDIATE').run();
    try {
      const started = performance.now();
      // Waiting would take the busy timeout (30 s), far past this test's limit.
      expect(ctx.jobs.heartbeat(job.id)).toBe(true);
      ctx.jobs.progress(job.id, 5, 10);
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      worker.prepare('COMMIT').run();
      worker.close();
    }
    expect(ctx.jobs.get(job.id)).toMatchObject({ done: 0 });
    ctx.jobs.progress(job.id, 6, 10);
    expect(ctx.jobs.get(job.id)).toMatchObject({ done: 6, total: 10 });
  });

  it('a cancel that comes while the worker writes undoes the write', async () => {
    const dbPath = tempDbPath();
    const ctx = context(dbPath);
    // Whether the import holds the write lock now: a second connection cannot take it at once.
    const writing = () => {
      const probe = new Database(dbPath, { timeout: 0 });
      try {
        probe.prepare('BEGIN IMMEDIATE').run();
        probe.prepare('ROLLBACK').run();
        return false;
      } catch {
        return true;
      } finally {
        probe.close();
      }
    };
    let cancelledWhileWriting = false;
    const control = {
      progress: () => undefined,
      checkpoint: () => {
        if (!writing()) return;
        cancelledWhileWriting = true;
        throw new TaskCancelled();
      },
    };
    await expect(importTask({ database: { path: dbPath }, input: { path: jsonlOf(600), format: 'auto', dryRun: false } }, control)).rejects.toThrow(TaskCancelled);
    expect(cancelledWhileWriting).toBe(true);
    expect(ctx.cards.count()).toBe(0);
    expect(ctx.db.prepare('SELECT count(*) AS n FROM role_card_fts_pending').get()).toEqual({ n: 0 });
    // The worker's connection is closed and the lock with it: this thread writes at once.
    expect(ctx.cards.insertMany([{ card: makeCard({ chiefComplaint: '最近总是失眠。' }) }])).toHaveLength(1);
  });

  it('an in-memory database (no file for a second connection) is written here after the worker reads', async () => {
    const ctx = context(':memory:');
    expect(await importCardsJob(ctx, { path: jsonlOf(300), format: 'auto', dryRun: false }, { inline: false })).toMatchObject({ imported: 300 });
    expect(ctx.cards.count()).toBe(300);
  });

  it('a card job interrupted by a crash is cancelled on the next start, not left paused', () => {
    const dbPath = tempDbPath();
    const first = context(dbPath);
    const job = first.jobs.create(cardJobKinds.duplicates, '', {});
    const run = first.jobs.create('simulation.run', 'Run 1', {});
    // Both left running by a process that died: no heartbeat since.
    first.db.prepare("UPDATE jobs SET status = 'running', owner_pid = ?").run(2 ** 22 + 12345);
    first.close();
    const second = context(dbPath);
    expect(second.jobs.get(job.id)).toMatchObject({ status: 'cancelled', message: expect.stringMatching(/^Interrupted: its process stopped.*; run it again$/) });
    expect(second.jobs.get(run.id)).toMatchObject({ status: 'paused' });
  });
});
