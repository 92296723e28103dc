import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src-main/app/context';
import { arenaAgreement } from '../../src-main/annotation/arena-agreement';
import { sealOf } from '../../src-main/annotation/integrity';
import { arenaItems } from '../../src-main/annotation/items';
import { arenaBattles } from '../../src-main/arena/store';
import { openDatabase } from '../../src-main/storage/database';
import { migrate } from '../../src-main/storage/migrate';
import { migrations } from '../../src-main/storage/migrations';
import { tempDbPath } from '../support/temp';
import { againstTheJudge, annotate, finishedArena, likeTheJudge } from './support';

// The researcher's store of offline annotation (migration 015) on a real database holding a
// real arena run: packages recorded, work files imported as human battles, idempotently.

const text = (x: unknown) => JSON.stringify(x, null, 2);
const count = (ctx: AppContext, sql: string) => (ctx.db.prepare(sql).get() as { n: number }).n;
const snapshot = (ctx: AppContext) => ctx.db.prepare(`SELECT * FROM battles WHERE source = 'human' ORDER BY id`).all();

describe('015 annotation', () => {
  it('upgrades a database migrated up to the previous migration, and a removed arena takes its packages along', () => {
    const file = tempDbPath();
    const raw = new Database(file);
    raw.pragma('foreign_keys = ON');
    migrate(raw, migrations.filter((m) => m.version < 15));
    raw.close();
    const db = openDatabase(file);
    expect(db.prepare('SELECT name FROM schema_migrations WHERE version = 15').get()).toEqual({ name: 'annotation' });
    db.exec(`INSERT INTO arena_runs (title, language, config, app_version, session_count, created_at, updated_at) VALUES ('t', 'zh', '{}', '0', 1, 'x', 'x')`);
    db.exec(`INSERT INTO annotation_packages (package_id, arena_id, annotators, per_item, seed, guidelines, items, created_at) VALUES ('p', 1, '[]', 1, 1, 'g', 0, 'x')`);
    expect(() => db.exec(`INSERT INTO annotation_packages (package_id, arena_id, annotators, per_item, seed, guidelines, items, created_at) VALUES ('q', 1, '[]', 0, 1, 'g', 0, 'x')`)).toThrow(/CHECK/);
    db.exec('DELETE FROM arena_runs');
    expect(db.prepare('SELECT count(*) AS n FROM annotation_packages').get()).toEqual({ n: 0 });
    db.close();
  });
});

describe('the annotation store', () => {
  let ctx: AppContext;
  let arenaId: number;
  let remove: () => void;
  beforeAll(async () => {
    ({ ctx, arenaId, remove } = await finishedArena(3));
  }, 60_000);
  afterAll(() => {
    ctx.close();
    remove();
  });

  it('takes every battle turn with its history before the turn, and refuses an arena without battles', () => {
    const items = arenaItems(ctx.db, arenaId);
    expect(items.length).toBe(count(ctx, `SELECT count(*) AS n FROM battles WHERE source = 'llm'`));
    for (const item of items) {
      expect(item.history).toHaveLength(2 * item.turn - 1);
      expect(item.history.at(-1)!.role).toBe('client');
      expect(item.a.startsWith(`[${item.modelA}]`)).toBe(true);
    }
    expect(() => ctx.annotation.buildPackages(999, { annotators: ['wang'], perItem: 1, seed: 1 })).toThrow(/Arena 999 was not found/);
  });

  it('records a package build once, with Prompt 2\'s principles as the default guidelines', () => {
    const files = ctx.annotation.buildPackages(arenaId, { annotators: ['wang', 'li'], perItem: 2, seed: 7 });
    expect(ctx.annotation.buildPackages(arenaId, { annotators: ['wang', 'li'], perItem: 2, seed: 7 })).toEqual(files);
    expect(ctx.annotation.packages(arenaId)).toHaveLength(1);
    expect(files[0]!.guidelines).toMatch(/^你是一名专业的心理咨询督导师[\s\S]*非评判性态度/);
    expect(files[0]!.guidelines).not.toMatch(/对话历史：|回复选项|\{dialogue_history\}/);
    const items = arenaItems(ctx.db, arenaId).length;
    expect(count(ctx, 'SELECT count(*) AS n FROM annotation_assignments')).toBe(2 * items);
  });

  it('imports work as human battles; the same file again changes nothing; a later export replaces it; a conflicting one is reported and changes nothing', () => {
    const [wang, li] = ctx.annotation.buildPackages(arenaId, { annotators: ['wang', 'li'], perItem: 2, seed: 7 });
    const partial = annotate(wang!, likeTheJudge, 1, 3);
    expect(ctx.annotation.importWork(text(partial), 'wang-1.json')).toMatchObject({ status: 'added', annotator: 'wang', verdicts: 3 });
    expect(arenaBattles(ctx.db, arenaId, 'human')).toHaveLength(3);
    const before = snapshot(ctx);
    expect(ctx.annotation.importWork(text(partial), 'wang-1-again.json')).toMatchObject({ status: 'unchanged' });
    expect(snapshot(ctx)).toEqual(before);

    const whole = annotate(wang!, likeTheJudge, 2);
    expect(ctx.annotation.importWork(text(whole), 'wang-2.json')).toMatchObject({ status: 'updated', verdicts: wang!.items.length });
    expect(ctx.annotation.importWork(text(partial), 'wang-1-late.json')).toMatchObject({ status: 'unchanged' });
    const human = arenaBattles(ctx.db, arenaId, 'human');
    expect(human).toHaveLength(wang!.items.length);
    // Liking the judge's favourite, wang agrees with the judge on every item.
    expect(arenaAgreement(ctx.db, arenaId).judges[0]).toMatchObject({ first: 'local/judge', n: wang!.items.length, accuracy: 1 });
    expect(human.every((b) => b.judge === 'wang' && b.source === 'human')).toBe(true);

    const stored = snapshot(ctx);
    const changedMind = annotate(wang!, againstTheJudge, 3);
    const report = ctx.annotation.importWork(text(changedMind), 'wang-3.json');
    expect(report.status).toBe('conflict');
    expect(report.message).toMatch(/wang-3.json \(wang, revision 3\) conflicts with the imported revision 2: item\(s\) s\d+t\d+.* differ. Nothing was changed/);
    expect(snapshot(ctx)).toEqual(stored);

    expect(ctx.annotation.importWork(text(annotate(li!, againstTheJudge)), 'li.json')).toMatchObject({ status: 'added', annotator: 'li' });
    const figures = arenaAgreement(ctx.db, arenaId);
    expect(figures.annotators).toEqual(['li', 'wang']);
    expect(figures.judges[0]).toMatchObject({ n: 2 * wang!.items.length });
    expect(figures.judges[0]!.accuracy).toBeCloseTo(0.5);
    expect(figures.between.pairs[0]).toMatchObject({ first: 'li', second: 'wang', accuracy: 0 });
    const d = figures.between.pairs[0]!.disagreements[0]!;
    expect(figures.items[d.itemId]!.history.length).toBeGreaterThan(0);
    expect(ctx.annotation.imports(arenaId).map((r) => r.status)).toEqual(['added', 'unchanged', 'updated', 'unchanged', 'conflict', 'added']);
  });

  it('refuses a tampered, truncated, foreign or wrong-annotator file and stores nothing from it', () => {
    const [wang] = ctx.annotation.buildPackages(arenaId, { annotators: ['wang', 'li'], perItem: 2, seed: 7 });
    const stored = snapshot(ctx);
    const imports = ctx.annotation.imports(arenaId).length;
    const work = annotate(wang!, likeTheJudge, 9);
    const tampered = { ...work, verdicts: work.verdicts.map((v, i) => (i === 0 ? { ...v, choice: v.choice === 'A' ? 'B' : 'A' } : v)) };
    expect(() => ctx.annotation.importWork(text(tampered), 'edited.json')).toThrow(/edited.json has been changed or damaged since it was made/);
    expect(() => ctx.annotation.importWork(text(work).slice(0, 200), 'cut.json')).toThrow(/cut.json is cut short or damaged/);
    const resealed = (content: Record<string, unknown>) => {
      const { seal: _seal, ...rest } = content;
      return text({ ...rest, seal: sealOf(rest) });
    };
    expect(() => ctx.annotation.importWork(resealed({ ...work, annotator: 'zhao' }), 'zhao.json')).toThrow(/signed by zhao, who is not an annotator of its package \(wang, li\)/);
    expect(() => ctx.annotation.importWork(resealed({ ...work, packageId: 'sha256:0000' }), 'other.json')).toThrow(/a package this database did not build/);
    const li = ctx.annotation.buildPackages(arenaId, { annotators: ['wang', 'li'], perItem: 2, seed: 7 })[1]!;
    const notHis = li.items.find((i) => !wang!.items.some((w) => w.itemId === i.itemId));
    if (notHis) {
      expect(() => ctx.annotation.importWork(resealed({ ...work, verdicts: [{ itemId: notHis.itemId, choice: 'A', at: work.verdicts[0]!.at }] }), 'extra.json')).toThrow(/verdicts\[0\] \(item s\d+t\d+\) is not an item of wang's package/);
    }
    expect(() => ctx.annotation.importWork(resealed({ ...work, verdicts: [{ ...work.verdicts[0]!, at: 'yesterday' }] }), 'time.json')).toThrow(/verdicts\[0\].*no valid time in field 'at'/);
    expect(() => ctx.annotation.importWork(resealed({ ...work, verdicts: 'all A' }), 'shape.json')).toThrow(/shape.json: field 'verdicts' must be a list/);
    expect(() => ctx.annotation.importWork(resealed({ ...work, verdicts: [{ ...work.verdicts[0]!, choice: 'C' }] }), 'c.json')).toThrow(/c.json: field 'verdicts\[0\].choice' must be one of A, B, tie, bothbad \(got 'C'\)/);
    expect(() => ctx.annotation.importWork(resealed({ ...work, verdicts: [work.verdicts[0], work.verdicts[0]] }), 'twice.json')).toThrow(/field 'verdicts\[1\].itemId' repeats item/);
    expect(() => ctx.annotation.importWork(resealed({ ...work, revision: 0 }), 'rev.json')).toThrow(/field 'revision' must be a whole number from 1/);
    expect(snapshot(ctx)).toEqual(stored);
    expect(ctx.annotation.imports(arenaId)).toHaveLength(imports);
  });
});
