import { describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import type { OverlapSummary, StatsSummary } from '../../src-main/contract/evaluation';
import { DomainError } from '../../src-main/common/errors';
import { EvaluationResults, type NewEvaluation } from '../../src-main/evaluation/results-store';
import { openDatabase } from '../../src-main/storage/database';
import { tempDbPath } from '../support/temp';
import { cardA, cardC, handComputedSessions, seedRun } from './support';

// Stored evaluations on a real database file through the real migrations: saved in one
// transaction, listed, read back as they were computed, deleted with their scores.

async function seeded(): Promise<AppContext> {
  const ctx = createAppContext({ dbPath: tempDbPath(), version: '9.9.9' });
  await seedRun(ctx, 'zh', handComputedSessions(), 'pilot');
  await seedRun(ctx, 'zh', [
    { cardText: cardC, messages: ['你好', '请说。', '我和室友关系不好。', '再见'] },
    { cardText: cardA, messages: ['你好', '请说。', '我失眠。', '再见'] },
  ], 'second');
  return ctx;
}

const sample = (): NewEvaluation => ({
  measure: 'overlap',
  title: 't',
  language: 'zh',
  datasets: { a: { spec: { runIds: [1] }, language: 'zh', runs: [{ id: 1, kind: 'simulation', title: 't' }], sessionIds: [1, 2] }, b: null },
  settings: { seed: 1 },
  summary: {},
  scores: [
    { dataset: 'a', sessionId: 1, externalId: null, values: { mapping: 0.5 } },
    { dataset: 'a', sessionId: 2, externalId: 'x.json', values: { mapping: 0.25 } },
  ],
  appVersion: 'test',
});

describe('stored evaluations', () => {
  it('overlap of two datasets is kept with its settings, session ids and scores, and read back unchanged', async () => {
    const ctx = await seeded();
    try {
      const stored = await ctx.evaluation.run({ measure: 'overlap', a: { runIds: [1] }, b: { runIds: [2] }, seed: 7 }, { inline: true });
      expect(stored).toMatchObject({ measure: 'overlap', title: 'pilot vs second', language: 'zh', appVersion: '9.9.9', sizes: { a: 4, b: 2 } });
      expect(stored.datasets.a).toEqual({ spec: { runIds: [1] }, language: 'zh', runs: [{ id: 1, kind: 'simulation', title: 'pilot' }], sessionIds: [1, 2, 3, 4] });
      expect(stored.datasets.b?.sessionIds).toEqual([5, 6]);
      expect(stored.settings).toMatchObject({ seed: 7, stopwords: null, tokeniser: expect.stringMatching(/^@node-rs\/jieba/) });
      const summary = stored.summary as unknown as OverlapSummary;
      // The hand-computed mapping rates of overlap.test.ts: 7/15, 6/14, 4/12 (session 3 has no card).
      expect(summary.a.n).toBe(3);
      expect(summary.a.mapping.mean).toBeCloseTo((7 / 15 + 6 / 14 + 4 / 12) / 3, 12);
      expect(summary.a.excluded).toEqual([{ sessionId: 3, externalId: null, reason: 'no card' }]);
      expect(summary.b?.n).toBe(2);
      expect(summary.between?.student.df).toBe(3);
      const a = stored.scores.filter((s) => s.dataset === 'a');
      expect(a.map((s) => s.values.mapping)).toEqual([7 / 15, 6 / 14, 4 / 12]);
      expect(a.map((s) => s.sessionId)).toEqual([1, 2, 4]);
      expect(stored.scores.filter((s) => s.dataset === 'b').map((s) => s.sessionId)).toEqual([5, 6]);

      // Reopened from another connection: nothing is recomputed, the numbers are the stored ones.
      const other = openDatabase(ctx.dbPath);
      try {
        expect(new EvaluationResults(other).get(stored.id)).toEqual(stored);
      } finally {
        other.close();
      }
    } finally {
      ctx.close();
    }
  });

  it('lists newest first with dataset sizes, filters by measure, and deletes an evaluation with its scores', async () => {
    const ctx = await seeded();
    try {
      const first = await ctx.evaluation.run({ measure: 'stats', a: { runIds: [1] } }, { inline: true });
      const second = await ctx.evaluation.run({ measure: 'overlap', a: { runIds: [1, 2] } }, { inline: true });
      expect((first.summary as unknown as StatsSummary).a.sessions).toBe(4);
      expect(first.scores.map((s) => s.values.turns)).toEqual([3, 3, 2, 2]);
      const list = ctx.evaluation.results.list();
      expect(list.map((e) => [e.id, e.measure, e.sizes])).toEqual([
        [second.id, 'overlap', { a: 6, b: null }],
        [first.id, 'stats', { a: 4, b: null }],
      ]);
      expect(ctx.evaluation.results.list('stats').map((e) => e.id)).toEqual([first.id]);

      ctx.evaluation.results.remove(second.id);
      expect(ctx.db.prepare('SELECT count(*) AS n FROM evaluation_scores WHERE evaluation_id = ?').get(second.id)).toEqual({ n: 0 });
      expect(() => ctx.evaluation.results.get(second.id)).toThrow(new DomainError('not_found', `Evaluation ${second.id} does not exist; the latest are ${first.id} (simpsy eval list shows them all).`));
      expect(() => ctx.evaluation.results.remove(second.id)).toThrow(/does not exist/);
      // The dialogues are untouched; deleting a dialogue leaves the kept evaluation as it was.
      expect(ctx.db.prepare('SELECT count(*) AS n FROM sim_sessions').get()).toEqual({ n: 6 });
      ctx.simulation.dialogues.remove([1]);
      expect(ctx.evaluation.results.get(first.id).datasets.a.sessionIds).toEqual([1, 2, 3, 4]);
    } finally {
      ctx.close();
    }
  });

  it('writes all of an evaluation or none of it', async () => {
    const ctx = await seeded();
    try {
      const store = ctx.evaluation.results;
      const bad = sample();
      // The same session twice in one dataset breaks the scores' key half-way through the writes.
      bad.scores.push({ dataset: 'a', sessionId: 1, externalId: null, values: { mapping: 1 } });
      expect(() => store.save(bad)).toThrow(/UNIQUE/);
      expect(ctx.db.prepare('SELECT (SELECT count(*) FROM evaluations) AS e, (SELECT count(*) FROM evaluation_scores) AS s').get()).toEqual({ e: 0, s: 0 });
      const id = store.save(sample());
      expect(store.get(id).scores.map((s) => s.externalId)).toEqual([null, 'x.json']);
    } finally {
      ctx.close();
    }
  });

  it('refuses a measure that calls a model (planned and started as a job instead), and a dataset that does not exist, storing nothing', async () => {
    const ctx = await seeded();
    try {
      await expect(ctx.evaluation.run({ measure: 'wai', a: { runIds: [1] } }, { inline: true })).rejects.toThrow('The wai measure calls a model: plan it and start it as a job (evaluation:plan, evaluation:start).');
      await expect(ctx.evaluation.run({ measure: 'overlap', a: { runIds: [9] } }, { inline: true })).rejects.toThrow('Run 9 does not exist; the runs are 1, 2.');
      expect(ctx.evaluation.results.list()).toEqual([]);
    } finally {
      ctx.close();
    }
  });

  it('runs overlap as a job on the worker pool with progress, the same numbers as inline', async () => {
    const ctx = await seeded();
    try {
      const progress: number[] = [];
      ctx.events.on('jobs:progress', (e) => progress.push(e.done));
      const pooled = await ctx.evaluation.run({ measure: 'overlap', a: { runIds: [1] }, seed: 7 });
      const inline = await ctx.evaluation.run({ measure: 'overlap', a: { runIds: [1] }, seed: 7 }, { inline: true });
      expect(pooled.scores).toEqual(inline.scores);
      expect(pooled.summary).toEqual(inline.summary);
      const job = ctx.jobs.list({ kind: 'evaluation.overlap' })[0]!;
      expect(job).toMatchObject({ status: 'done', total: 4, done: 4 });
      expect(progress.at(-1)).toBe(4);
    } finally {
      ctx.close();
    }
  });
  it('stops overlap on the worker pool when its job is cancelled, storing nothing', async () => {
    const ctx = createAppContext({ dbPath: tempDbPath() });
    try {
      // Long clients (3,000 characters each), so segmenting takes long enough to be stopped half-way.
      const talk = '我最近总是失眠，晚上躺在床上脑子停不下来，一直想白天和妈妈吵架的事情。'.repeat(85);
      await seedRun(ctx, 'zh', Array.from({ length: 120 }, (_, i) => ({ cardText: i % 2 ? cardA : cardC, messages: ['你好', '请说。', `${i}${talk}`, '再见'] })));
      let asked = false;
      ctx.events.on('jobs:progress', (e) => {
        if (asked || e.kind !== 'evaluation.overlap' || e.done === 0) return;
        asked = true; // once: cancelling reports progress itself
        ctx.runner.cancel(e.jobId);
      });
      await expect(ctx.evaluation.run({ measure: 'overlap', a: { runIds: [1] } })).rejects.toMatchObject({ code: 'cancelled' });
      const job = ctx.jobs.list({ kind: 'evaluation.overlap' })[0]!;
      expect(job.status).toBe('cancelled');
      expect(job.done).toBeLessThan(120);
      expect(ctx.evaluation.results.list()).toEqual([]);
    } finally {
      ctx.close();
    }
  }, 120_000);
});

describe('migration 011', () => {
  it('creates strict tables that refuse an unknown measure, a dataset key other than a or b, and text that is not JSON', () => {
    const db = openDatabase(tempDbPath());
    try {
      const insert = db.prepare("INSERT INTO evaluations (measure, language, dataset_a, settings, summary, app_version, created_at) VALUES (?, 'zh', ?, ?, '{}', 'v', 'now')");
      expect(() => insert.run('bleu', '{}', '{}')).toThrow(/CHECK/);
      expect(() => insert.run('overlap', 'not json', '{}')).toThrow(/CHECK/);
      const id = Number(insert.run('overlap', '{"sessionIds":[]}', '{"seed":1}').lastInsertRowid);
      const score = db.prepare('INSERT INTO evaluation_scores (evaluation_id, dataset, session_id, scores) VALUES (?, ?, ?, ?)');
      expect(() => score.run(id, 'c', 1, '{}')).toThrow(/CHECK/);
      expect(() => score.run(id, 'a', '1', '{}')).not.toThrow(); // STRICT converts a numeric text losslessly
      expect(() => score.run(id, 'a', 'one', '{}')).toThrow(/cannot store TEXT value in INTEGER column/);
      expect(() => score.run(999, 'a', 2, '{}')).toThrow(/FOREIGN KEY/);
    } finally {
      db.close();
    }
  });
});
