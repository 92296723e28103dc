import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardListInput, type CardListInput } from '../../src-main/contract/role-card';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import { indexAll, scheduleIndexing } from '../../src-main/role-cards/indexer';
import { makeCard, syntheticCards } from './support';
import { tempDbPath } from '../support/temp';

let ctx: AppContext;
beforeEach(() => {
  ctx = createAppContext({ dbPath: tempDbPath() });
});
afterEach(() => ctx.close());

const list = (input: Partial<CardListInput> = {}) => ctx.cards.list(cardListInput.parse(input));
const ids = (input: Partial<CardListInput> = {}) => list(input).items.map((c) => c.id);

/** Four cards that differ in everything the pool filters on. */
function seed(): number[] {
  return [
    makeCard({ chiefComplaint: '考研压力很大，每天都睡不着，很焦虑。', age: '22岁', gender: '女', tags: ['考研'] }),
    makeCard({ chiefComplaint: '和丈夫经常吵架，婚姻出现危机。', age: '35岁', gender: '女性', split: 'test', bigFive: { ...makeCard().bigFive, neuroticism: '中' } }),
    makeCard({ chiefComplaint: '工作中被领导批评，感到焦虑和自责。', age: '29周岁', gender: '男', occupation: '程序员', resistance: '很高（不太相信心理咨询）', tags: ['职场', '考研'] }),
    makeCard({ language: 'en', gender: 'Male', chiefComplaint: 'I feel anxious at work and cannot sleep.', age: '41', occupation: 'Engineer' }),
  ].map((c) => ctx.cards.create(c).id);
}

describe('searching the pool', () => {
  it('finds Chinese words of three or more characters through the trigram index', () => {
    const [a, , c] = seed();
    expect(ids({ query: '睡不着' })).toEqual([a]);
    expect(ids({ query: '被领导批评' })).toEqual([c]);
    expect(ids({ query: '考研压力 睡不着' })).toEqual([a]);
    expect(ids({ query: '不存在的词' })).toEqual([]);
  });

  it('finds one- and two-character Chinese words, which a trigram index cannot, by scanning', () => {
    const [a, b, c, d] = seed();
    // 焦虑 is in complaints a and c, and in the neuroticism description of every card but b.
    expect(ids({ query: '焦虑' })).toEqual([a, c, d]);
    expect(ids({ query: '婚' })).toEqual([b]);
    expect(ids({ query: '焦虑 自责' })).toEqual([c]);
    expect(ids({ query: '焦虑 每天都睡' })).toEqual([a]);
  });

  it('searches the profile texts too, English case-insensitively, and treats % and _ literally', () => {
    const [, , c, d] = seed();
    expect(ids({ query: '程序员' })).toEqual([c]);
    expect(ids({ query: '相信心理咨询' })).toEqual([c]);
    expect(ids({ query: 'ANXIOUS' })).toEqual([d]);
    expect(ids({ query: '%' })).toEqual([]);
    expect(ids({ query: '"quoted" OR' })).toEqual([]);
  });

  it('ranks by relevance when asked', () => {
    const a = ctx.cards.create(makeCard({ chiefComplaint: `我睡不好。${'其他的事情。'.repeat(30)}` })).id;
    const b = ctx.cards.create(makeCard({ chiefComplaint: '睡不好，睡不好，每天都睡不好。' })).id;
    expect(ids({ query: '睡不好' })).toEqual([a, b]);
    expect(ids({ query: '睡不好', sort: 'relevance' })).toEqual([b, a]);
    expect(ids({ query: '睡不好', sort: 'relevance', order: 'desc' })).toEqual([a, b]);
  });
});

describe('searching while the index catches up after a large import', () => {
  it('finds pending cards by scanning, and the same cards once they are indexed', () => {
    const cards = syntheticCards(60, 5);
    const early = ctx.cards.insertMany(cards.slice(0, 20).map((card) => ({ card })));
    ctx.cards.insertMany(cards.slice(20).map((card) => ({ card })), { deferIndex: true });
    expect(ctx.cards.pendingCount()).toBe(40);
    const word = [...cards[0]!.chiefComplaint.slice(8, 14)].join('');
    const queries: Partial<CardListInput>[] = [{ query: '男朋友' }, { query: '不知道' }, { query: word }, { query: '妈妈 不知道', sort: 'relevance' }];
    const before = queries.map((q) => ids(q).sort((a, b) => a - b));
    expect(before[2]).toContain(early[0]);
    expect(before.some((found) => found.some((id) => id > 20))).toBe(true);
    expect(ctx.cards.indexPending(15)).toBe(15);
    expect(ctx.cards.indexPending()).toBe(25);
    expect(ctx.cards.indexPending()).toBe(0);
    expect(queries.map((q) => ids(q).sort((a, b) => a - b))).toEqual(before);
  });

  it('catches up in the background and can be finished at once', async () => {
    ctx.cards.insertMany(syntheticCards(30, 9).map((card) => ({ card })), { deferIndex: true });
    scheduleIndexing(ctx.cards, 7);
    for (let i = 0; i < 50 && ctx.cards.pendingCount() > 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(ctx.cards.pendingCount()).toBe(0);
    ctx.cards.insertMany(syntheticCards(30, 10).map((card) => ({ card })), { deferIndex: true });
    expect(indexAll(ctx.cards)).toBe(30);
  });
});

describe('filtering, sorting and paging', () => {
  it('filters on split, gender, age range, tags, language, Big Five levels and resistance', () => {
    const [a, b, c, d] = seed();
    expect(ids({ split: 'test' })).toEqual([b]);
    expect(ids({ gender: 'female' })).toEqual([a, b]);
    expect(ids({ gender: 'male' })).toEqual([c, d]);
    expect(ids({ ageMin: 25, ageMax: 35 })).toEqual([b, c]);
    expect(ids({ tags: ['考研'] })).toEqual([a, c]);
    expect(ids({ tags: ['考研', '职场'] })).toEqual([c]);
    expect(ids({ language: 'en' })).toEqual([d]);
    expect(ids({ traits: { neuroticism: ['moderate'] } })).toEqual([b]);
    expect(ids({ traits: { neuroticism: ['moderate', 'high'], openness: ['moderately_low'] } })).toEqual([a, b, c, d]);
    expect(ids({ resistance: ['high'] })).toEqual([c]);
    expect(ids({ query: '被领导', gender: 'male' })).toEqual([c]);
    expect(ids({ query: '被领导', gender: 'female' })).toEqual([]);
  });

  it('sorts and pages, reporting the total', () => {
    const [a, b, c, d] = seed();
    expect(ids({ sort: 'age' })).toEqual([a, c, b, d]);
    expect(ids({ sort: 'age', order: 'desc' })).toEqual([d, b, c, a]);
    expect(list({ limit: 2, offset: 2 })).toMatchObject({ total: 4, offset: 2, items: [{ id: c }, { id: d }] });
  });

  it('filters and sorts on what the texts name: an age range reaches into the filter, free text matches no level', () => {
    const decade = ctx.cards.create(makeCard({ chiefComplaint: '三十多岁，事业停滞。', age: '30多岁', bigFive: { ...makeCard().bigFive, openness: '中等到较低，面对不喜欢的任务会拖延' } })).id;
    const span = ctx.cards.create(makeCard({ chiefComplaint: '婚后压力大。', age: '25-30岁', bigFive: { ...makeCard().bigFive, openness: '未具体提及。但感情不稳定可能与低尽责性有关' } })).id;
    const unknown = ctx.cards.create(makeCard({ chiefComplaint: '不知道自己多大。', age: '暂未提及', resistance: '可能中等偏高。表现为回避' })).id;
    const exact = ctx.cards.create(makeCard({ chiefComplaint: '刚毕业找不到工作。', age: '22岁（大学刚毕业）' })).id;
    expect(ids({ ageMin: 35 })).toEqual([decade]);
    expect(ids({ ageMin: 28, ageMax: 31 })).toEqual([decade, span]);
    expect(ids({ ageMax: 24 })).toEqual([exact]);
    expect(ids({ sort: 'age' })).toEqual([exact, span, decade, unknown]);
    expect(ids({ sort: 'age', order: 'desc' })).toEqual([decade, span, exact, unknown]);
    expect(ids({ traits: { openness: ['moderately_low'] } })).toEqual([decade, unknown, exact]);
    expect(ids({ resistance: ['moderately_high'] })).toEqual([unknown]);
    const summaries = list({ sort: 'id' }).items;
    expect(summaries.map((c) => [c.age, c.ageRange, c.levels.openness])).toEqual([
      ['30多岁', { min: 30, max: 39 }, 'moderately_low'],
      ['25-30岁', { min: 25, max: 30 }, null],
      ['暂未提及', null, 'moderately_low'],
      ['22岁（大学刚毕业）', { min: 22, max: 22 }, 'moderately_low'],
    ]);
    // The texts are kept exactly as written.
    expect(ctx.cards.get(span).bigFive.openness).toBe('未具体提及。但感情不稳定可能与低尽责性有关');
  });

  it('summarises each card for the list with a complaint preview and the duplicate count', () => {
    const long = '很长的主诉。'.repeat(100);
    const first = ctx.cards.create(makeCard({ chiefComplaint: long })).id;
    ctx.cards.create(makeCard({ chiefComplaint: `${long}  `, age: '40岁' }));
    const [item] = list({ limit: 1 }).items;
    expect(item).toMatchObject({ id: first, age: '20岁', ageRange: { min: 20, max: 20 }, complaintLength: long.length, sameComplaint: 1, levels: { neuroticism: 'high' }, resistance: 'moderate' });
    expect(item!.complaintPreview).toHaveLength(160);
    expect(ids({ sameComplaint: true })).toHaveLength(2);
  });

  it('uses the indexes for its filters', () => {
    seed();
    const plan = (where: string) =>
      (ctx.db.prepare(`EXPLAIN QUERY PLAN SELECT c.id FROM role_cards c WHERE ${where}`).all() as { detail: string }[]).map((p) => p.detail).join(' | ');
    expect(plan("c.split = 'test'")).toMatch(/USING (COVERING )?INDEX role_cards_by_split/);
    expect(plan('c.age_min >= 20 AND c.age_min <= 30')).toMatch(/USING (COVERING )?INDEX role_cards_by_age/);
    expect(plan("c.gender_key = 'male'")).toMatch(/USING (COVERING )?INDEX role_cards_by_gender/);
    for (const t of ['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism', 'resistance']) {
      expect(plan(`c.${t}_level IN ('high', 'low')`)).toMatch(new RegExp(`USING (COVERING )?INDEX role_cards_by_${t}`));
    }
    expect(plan("c.id IN (SELECT card_id FROM role_card_tags WHERE tag = 'x')")).toMatch(/role_card_tags_by_tag/);
    expect(plan("c.id IN (SELECT rowid FROM role_card_fts WHERE role_card_fts MATCH '\"焦虑症\"')")).toMatch(/VIRTUAL TABLE INDEX/);
  });
});

describe('editing with history', () => {
  it('keeps each previous version, newest first, and reverts to any of them', () => {
    const card = ctx.cards.create(makeCard());
    const v2 = ctx.cards.update({ id: card.id, age: '21岁', reason: 'fixed the age' });
    const v3 = ctx.cards.update({ id: card.id, bigFive: { openness: '高，很开放' }, tags: ['改过'] });
    expect(v3.bigFive.openness).toBe('高，很开放');
    expect(v3.bigFive.neuroticism).toEqual(card.bigFive.neuroticism);
    const history = ctx.cards.history(card.id);
    expect(history.map((h) => h.reason)).toEqual(['edited', 'fixed the age']);
    expect(history[1]!.card.age).toBe('20岁');
    expect(history[0]!.card).toMatchObject({ age: '21岁', tags: [] });
    expect(v2.updatedAt >= card.updatedAt).toBe(true);

    const reverted = ctx.cards.revert(card.id, history[1]!.id);
    expect(reverted).toMatchObject({ age: '20岁', tags: [], bigFive: card.bigFive });
    expect(ctx.cards.history(card.id)[0]).toMatchObject({ reason: expect.stringMatching(/^reverted to the version before/), card: { age: '21岁', tags: ['改过'] } });
    // The search index follows edits.
    ctx.cards.update({ id: card.id, chiefComplaint: '全新的主诉内容，关于失眠。' });
    expect(ids({ query: '关于失眠' })).toEqual([card.id]);
    expect(ids({ query: '渴望他人认可' })).toEqual([]);
  });

  it('records nothing when nothing changed, and refuses a stale edit', () => {
    const card = ctx.cards.create(makeCard());
    ctx.cards.update({ id: card.id, age: card.age });
    expect(ctx.cards.history(card.id)).toEqual([]);
    ctx.cards.update({ id: card.id, age: '30岁', ifUpdatedAt: card.updatedAt });
    expect(() => ctx.cards.update({ id: card.id, age: '31岁', ifUpdatedAt: '2000-01-01T00:00:00.000Z' })).toThrow(/saved elsewhere .* Reload it/);
  });

  it('refuses a revision of another card and unknown cards', () => {
    const a = ctx.cards.create(makeCard());
    const b = ctx.cards.create(makeCard({ age: '50岁' }));
    ctx.cards.update({ id: a.id, age: '22岁' });
    const revision = ctx.cards.history(a.id)[0]!.id;
    expect(() => ctx.cards.revert(b.id, revision)).toThrow(/Revision \d+ of role card \d+ was not found/);
    expect(() => ctx.cards.get(999)).toThrow(/Role card 999 was not found/);
    expect(() => ctx.cards.remove(999)).toThrow(/not found/);
  });

  it('removes a card with its tags, history and search entry', () => {
    const card = ctx.cards.create(makeCard({ tags: ['x'] }));
    ctx.cards.update({ id: card.id, age: '30岁' });
    ctx.cards.remove(card.id);
    for (const table of ['role_cards', 'role_card_tags', 'role_card_revisions']) {
      expect(ctx.db.prepare(`SELECT count(*) AS n FROM ${table}`).get()).toEqual({ n: 0 });
    }
    expect(ids({ query: '渴望他人认可' })).toEqual([]);
  });
});

describe('bulk actions', () => {
  it('tags, untags, moves and deletes, by ids or by filter, recording history', () => {
    const [a, b, c, d] = seed();
    expect(ctx.cards.bulk([a!, b!], { kind: 'addTags', tags: ['复核'] })).toBe(2);
    expect(ctx.cards.tags()).toEqual([
      { tag: '复核', count: 2 },
      { tag: '考研', count: 2 },
      { tag: '职场', count: 1 },
    ]);
    expect(ctx.cards.bulk([a!, c!], { kind: 'removeTags', tags: ['考研'] })).toBe(2);
    expect(ctx.cards.get(c!).tags).toEqual(['职场']);
    expect(ctx.cards.bulk(ctx.cards.ids({ gender: 'male' }), { kind: 'setSplit', split: 'test' })).toBe(2);
    expect(ids({ split: 'test' })).toEqual([b, c, d]);
    expect(ctx.cards.history(d!)[0]).toMatchObject({ reason: 'moved to test', card: { split: 'pool' } });
    expect(ctx.cards.bulk([a!, d!], { kind: 'delete' })).toBe(2);
    expect(ids()).toEqual([b, c]);
  });
});
