import { afterEach, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import { findDuplicates, groupAroundCentres, jaccard, shingles } from '../../src-main/role-cards/duplicates';
import { seededShuffle } from '../../src-main/common/random';
import { splitCards } from '../../src-main/role-cards/split';
import { makeCard, paperFixtures, syntheticCards } from './support';
import { tempDbPath } from '../support/temp';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const open: AppContext[] = [];
const context = () => {
  const ctx = createAppContext({ dbPath: tempDbPath() });
  open.push(ctx);
  return ctx;
};
afterEach(() => {
  for (const ctx of open.splice(0)) ctx.close();
});

const testComplaints = (ctx: AppContext) => ctx.cards.all({ split: 'test' }).map((c) => c.chiefComplaint).sort();

describe('the seeded split', () => {
  it('is reproducible: the same cards and seed give the same test split, in any database and insertion order', () => {
    const cards = syntheticCards(60, 7);
    const a = context();
    const b = context();
    for (const card of cards) a.cards.create(card);
    for (const card of [...cards].reverse()) b.cards.create({ ...card, split: 'pool' });
    expect(splitCards(a.cards, { test: 10, seed: 42, dryRun: false })).toMatchObject({ test: 10, pool: 50, seed: 42 });
    splitCards(b.cards, { test: 10, seed: 42, dryRun: false });
    expect(testComplaints(a)).toHaveLength(10);
    expect(testComplaints(a)).toEqual(testComplaints(b));
    // Another seed gives another split; the first seed again gives the first split back.
    splitCards(a.cards, { test: 10, seed: 43, dryRun: false });
    const other = testComplaints(a);
    expect(other).not.toEqual(testComplaints(b));
    splitCards(a.cards, { test: 10, seed: 42, dryRun: false });
    expect(testComplaints(a)).toEqual(testComplaints(b));
  });

  it('reports moves in a dry run without making them, and records each move in the history', () => {
    const ctx = context();
    for (const card of syntheticCards(20, 3)) ctx.cards.create({ ...card, split: 'pool' });
    const dry = splitCards(ctx.cards, { test: 5, seed: 1, dryRun: true });
    expect(dry).toMatchObject({ moved: 5, dryRun: true });
    expect(ctx.cards.all({ split: 'test' })).toHaveLength(0);
    expect(splitCards(ctx.cards, { test: 5, seed: 1, dryRun: false }).moved).toBe(5);
    const moved = ctx.cards.all({ split: 'test' })[0]!;
    expect(ctx.cards.history(moved.id)[0]).toMatchObject({ reason: 'random split: 5 test cards, seed 1', card: { split: 'pool' } });
    expect(splitCards(ctx.cards, { test: 5, seed: 1, dryRun: false }).moved).toBe(0);
  });

  it('refuses more test cards than there are cards', () => {
    const ctx = context();
    ctx.cards.create(makeCard());
    expect(() => splitCards(ctx.cards, { test: 2, seed: 1, dryRun: false })).toThrow(/only 1 cards/);
  });

  it('shuffles every item exactly once, the same way for the same seed', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const once = seededShuffle(items, 2024);
    expect([...once].sort((x, y) => x - y)).toEqual(items);
    expect(seededShuffle(items, 2024)).toEqual(once);
    expect(seededShuffle(items, 2025)).not.toEqual(once);
    expect(seededShuffle(items, 2 ** 40 + 5)).not.toEqual(seededShuffle(items, 5));
  });
});

describe('duplicate complaints', () => {
  const real = JSON.parse(readFileSync(join(paperFixtures, 'user_profiles/test.json'), 'utf8')) as string[];

  it('groups exact duplicates regardless of spacing, punctuation and case', () => {
    const groups = findDuplicates(
      [
        { id: 1, complaint: real[0]! },
        { id: 2, complaint: real[1]! },
        { id: 3, complaint: ` ${real[0]!.replace(/，/g, ',').replace(/ /g, '')}\n` },
      ],
      0.7,
    );
    expect(groups).toEqual([{ kind: 'exact', cardIds: [1, 3], pairs: [{ a: 1, b: 3, similarity: 1 }] }]);
  });

  it('groups near duplicates (a reworded title, a sentence changed) and leaves different complaints alone', () => {
    const original = real[2]!;
    const edited = original.replace('怎么改掉爱生气还很难消气的坏毛病？', '如何改掉爱生气的毛病？').replace('差点就大吵一架', '差一点就吵起来了');
    const similarity = jaccard(shingles(original), shingles(edited));
    expect(similarity).toBeGreaterThan(0.7);
    expect(similarity).toBeLessThan(1);
    const cards = real.slice(0, 40).map((complaint, i) => ({ id: i + 1, complaint }));
    cards.push({ id: 100, complaint: edited });
    const groups = findDuplicates(cards, 0.7);
    expect(groups).toEqual([{ kind: 'near', cardIds: [3, 100], pairs: [{ a: 3, b: 100, similarity: Math.round(similarity * 1000) / 1000 }] }]);
    // Above the pair's similarity, it is no longer flagged.
    expect(findDuplicates(cards, Math.min(1, similarity + 0.01))).toEqual([]);
  });

  it('finds the one near-duplicate in the paper\'s 100 test complaints: the same story posted under two titles', () => {
    const groups = findDuplicates(real.map((complaint, i) => ({ id: i, complaint })), 0.5);
    expect(groups).toEqual([{ kind: 'near', cardIds: [68, 94], pairs: [{ a: 68, b: 94, similarity: expect.closeTo(0.845, 2) }] }]);
    const story = '老师好，故事比较绕哈:与前男友分手的两个月的时间里';
    expect(real[68]).toContain(story);
    expect(real[94]).toContain(story);
  });

  it('copes with thousands of complaints written from one template, in one group, quickly', () => {
    // Near-identical texts share every MinHash bucket; checking all pairs would be quadratic.
    const template = real[7]!;
    const cards = Array.from({ length: 6000 }, (_, i) => ({ id: i + 1, complaint: `${template}（第${i}号）` }));
    const started = performance.now();
    const groups = findDuplicates(cards, 0.7);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ kind: 'near' });
    expect(groups[0]!.cardIds).toHaveLength(6000);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('groups around centres, so a chain of near-duplicates is not one group however unlike its ends', () => {
    // A ≈ B ≈ C ≈ D ≈ E, each only like its neighbours: connected components made one group of five.
    const chain = [0, 1, 2, 3].map((i) => ({ a: i, b: i + 1, similarity: 0.8 }));
    expect(groupAroundCentres(5, chain)).toEqual([[1, 0, 2], [3, 4]]);
    // A card whose near-duplicates all went to other groups is shown as a pair with its most similar one.
    const star = [
      { a: 0, b: 1, similarity: 0.9 },
      { a: 0, b: 2, similarity: 0.9 },
      { a: 0, b: 3, similarity: 0.9 },
      { a: 4, b: 1, similarity: 0.75 },
      { a: 4, b: 2, similarity: 0.8 },
    ];
    expect(groupAroundCentres(5, star)).toEqual([[0, 1, 2, 3], [4, 2]]);
    expect(groupAroundCentres(3, [])).toEqual([]);
  });

  it('keeps every group of varied generated complaints around a centre each member is like', () => {
    // Seeded varied text whose repeats make some near pairs: grouping by any pair joined 1,305
    // of these 3,000 into one group at 0.7.
    const hanzi = '我你他她们的了是在不有这个人来去说想要会能就也都和与但因为所以如果已经还没很太更最又再总觉得感到心里情绪压力焦虑害怕难过生气工作学习家庭父母孩子朋友同事老师领导自己别人时间晚上白天睡觉吃饭上班下班考试成绩未来希望失望放弃坚持努力改变关系沟通争吵冷战理解支持孤独';
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const words = (n: number) => Array.from({ length: n }, () => hanzi[Math.floor(rand() * hanzi.length)]).join('');
    const cards = Array.from({ length: 3000 }, (_, i) => ({ id: i + 1, complaint: `第 ${i} 号来访者：关于失眠的困扰。${words(80)}` }));
    const groups = findDuplicates(cards, 0.7).filter((g) => g.kind === 'near');
    expect(groups.length).toBeGreaterThan(100);
    const sets = new Map(cards.map((c) => [c.id, shingles(c.complaint)]));
    for (const group of groups) {
      const centre = group.cardIds.find((c) => group.cardIds.every((m) => m === c || jaccard(sets.get(c)!, sets.get(m)!) >= 0.7));
      expect(centre, `group ${group.cardIds.join(',')} has a centre`).toBeDefined();
      expect(group.cardIds.length).toBeLessThan(30);
    }
  });

  it('is available from the repository for the whole pool or one split', () => {
    const ctx = context();
    const a = ctx.cards.create(makeCard({ chiefComplaint: real[5]! })).id;
    const b = ctx.cards.create(makeCard({ chiefComplaint: `${real[5]!}。`, age: '40岁', split: 'test' })).id;
    expect(findDuplicates(ctx.cards.complaints(), 0.7)).toEqual([expect.objectContaining({ kind: 'exact', cardIds: [a, b] })]);
    expect(findDuplicates(ctx.cards.complaints('pool'), 0.7)).toEqual([]);
  });
});
