import { afterEach, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import { loadDataset } from '../../src-main/evaluation/dataset';
import { compareMapping, overlapEvaluation, vocabularyOverlap } from '../../src-main/evaluation/overlap';
import { tokeniserFor } from '../../src-main/evaluation/words';
import { tempDbPath } from '../support/temp';
import { seedRun } from './support';

let ctx: AppContext | undefined;
afterEach(() => {
  ctx?.close();
  ctx = undefined;
});
const open = () => (ctx = createAppContext({ dbPath: tempDbPath() }));

const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected));

const cardA = '性别：女性\n年龄：25岁\n来访者的主诉问题：最近总是失眠，和家人关系紧张。';
const cardB = '性别：男性\n职业：公司职员\n来访者的主诉问题：工作压力大，总是加班。';
const cardC = '性别：女性\n职业：学生\n来访者的主诉问题：和室友关系不好。';

/** Three sessions with cards, one imported-like session without, one still running. */
async function threeSessions(c: AppContext) {
  return seedRun(c, 'zh', [
    { cardText: cardA, messages: ['你好', '请说。', '我最近总是失眠，和家人吵架。', '多久了？', '我今年25岁。', '再见'] },
    { cardText: cardB, messages: ['你好', '请说。', '我是公司职员，工作压力很大。', '嗯。', '总是加班到很晚。', '再见'] },
    { cardText: null, messages: ['你好', '请说。', '我最近总是失眠。', '再见'] },
    { cardText: cardC, messages: ['你好', '请说。', '我是学生，和室友相处不好。', '再见'] },
    { cardText: cardA, messages: ['你好', '请说。', '我最近总是失眠。'], end: null },
  ]);
}

describe('vocabulary overlap (Eq. 1)', () => {
  it('segments the cards and clients as the hand computation below assumes', () => {
    const zh = tokeniserFor('zh');
    expect(new Set(zh.words(cardA))).toEqual(new Set(['性别', '女性', '年龄', '25', '岁', '来访者', '的', '主诉', '问题', '最近', '总是', '失眠', '和', '家人', '关系紧张']));
    expect(new Set(zh.words(cardB))).toEqual(new Set(['性别', '男性', '职业', '公司', '职员', '来访者', '的', '主诉', '问题', '工作', '压力', '大', '总是', '加班']));
    expect(new Set(zh.words(cardC))).toEqual(new Set(['性别', '女性', '职业', '学生', '来访者', '的', '主诉', '问题', '和', '室友', '关系', '不好']));
    expect(new Set(zh.words('你好\n我最近总是失眠，和家人吵架。\n我今年25岁。'))).toEqual(new Set(['你好', '我', '最近', '总是', '失眠', '和', '家人', '吵架', '今年', '25', '岁']));
    expect(new Set(zh.words('你好\n我是公司职员，工作压力很大。\n总是加班到很晚。'))).toEqual(new Set(['你好', '我', '是', '公司', '职员', '工作', '压力', '很大', '总是', '加班', '到', '很', '晚']));
    expect(new Set(zh.words('你好\n我是学生，和室友相处不好。'))).toEqual(new Set(['你好', '我', '是', '学生', '和', '室友', '相处', '不好']));
    expect(vocabularyOverlap(new Set(['a', 'b', 'c', 'd']), new Set(['b', 'd', 'x']))).toBe(0.5);
  });

  it('scores each session with a card against its own and a deranged card, as computed by hand', async () => {
    const c = open();
    const { runId, sessionIds: [s1, s2, none, s3] } = await threeSessions(c);
    const r = overlapEvaluation(loadDataset(c.db, { runIds: [runId] }), { seed: 7 });

    expect(r.n).toBe(3);
    expect(r.seed).toBe(7);
    expect(r.stopwords).toBeNull();
    expect(r.excluded).toEqual([{ sessionId: none, externalId: null, reason: 'no card' }]);
    expect(r.note).toBe(`1 session has no card: id ${none}`);
    // Mapping: A∩c1 = {25 岁 最近 总是 失眠 和 家人} 7/15; B∩c2 = {公司 职员 工作 压力 总是 加班} 6/14; C∩c3 = {学生 和 室友 不好} 4/12.
    expect(r.sessions.map((s) => [s.sessionId, s.mapping, s.cardWords, s.clientWords])).toEqual([
      [s1, 7 / 15, 15, 11],
      [s2, 6 / 14, 14, 13],
      [s3, 4 / 12, 12, 8],
    ]);
    // Random: three sessions admit two derangements (3-cycles). c1∩B = {总是}, c1∩C = {和}, c2∩C = ∅, c2∩A = {总是}, c3∩A = {和}, c3∩B = ∅.
    const forward = r.sessions[0]!.randomCardOf === s2;
    expect(r.sessions.map((s) => s.randomCardOf)).toEqual(forward ? [s2, s3, s1] : [s3, s1, s2]);
    expect(r.sessions.map((s) => s.random)).toEqual(forward ? [1 / 14, 0, 1 / 15] : [1 / 12, 1 / 15, 0]);
    close(r.mapping.mean, (7 / 15 + 6 / 14 + 4 / 12) / 3);
    // scipy 1.17.1 ttest_ind(mapping, random) and equal_var=False, for each of the two pairings.
    const [student, welch] = forward
      ? [[7.9248717853585005, 4, 0.0013722473763892562], [7.9248717853585005, 3.213781150826117, 0.0032547167314474082]]
      : [[7.62989640486266, 4, 0.00158456411575739], [7.62989640486266, 3.4094851908879527, 0.002943979820752388]];
    [r.student.t, r.student.df, r.student.p].forEach((v, i) => close(v, student![i]!));
    [r.welch.t, r.welch.df, r.welch.p].forEach((v, i) => close(v, welch![i]!));
    expect(r.tokeniser).toMatch(/^@node-rs\/jieba/);
  });

  it('repeats by seed and removes stopwords from both sides', async () => {
    const c = open();
    const { runId } = await threeSessions(c);
    const dataset = loadDataset(c.db, { runIds: [runId] });
    const pairings = new Set<string>();
    for (let seed = 0; seed < 12; seed++) {
      const once = overlapEvaluation(dataset, { seed }).sessions.map((s) => s.randomCardOf);
      expect(overlapEvaluation(dataset, { seed }).sessions.map((s) => s.randomCardOf)).toEqual(once);
      pairings.add(once.join());
    }
    expect(pairings.size).toBe(2); // both derangements occur across seeds

    const stop = overlapEvaluation(dataset, { seed: 1, stopwords: new Set(['性别', '的', '和', '来访者', '主诉', '问题']) });
    expect(stop.stopwords).toBe(6);
    // A without the stopwords: 9 words; c1 shares {25 岁 最近 总是 失眠 家人}: 6/9.
    expect(stop.sessions[0]!.mapping).toBe(6 / 9);
    expect(stop.sessions[0]!.cardWords).toBe(9);
  });

  it('refuses datasets it cannot score, saying why', async () => {
    const c = open();
    const noCards = await seedRun(c, 'zh', [
      { cardText: null, messages: ['你好', '再见'] },
      { cardText: null, messages: ['你好', '再见'] },
    ]);
    expect(() => overlapEvaluation(loadDataset(c.db, { runIds: [noCards.runId] }), { seed: 1 })).toThrow(
      `None of the 2 sessions of run ${noCards.runId} has a card (import dialogues with their cards: simpsy dialogues import DIR/dialogue --cards DIR --split train), so no overlap can be measured.`,
    );
    const one = await seedRun(c, 'zh', [
      { cardText: cardA, messages: ['你好', '再见'] },
      { cardText: '，。！', messages: ['你好', '再见'] },
    ]);
    expect(() => overlapEvaluation(loadDataset(c.db, { runIds: [one.runId] }), { seed: 1 })).toThrow(
      `Only one session of run ${one.runId} can be scored (1 whose card has no words): the random group needs at least two sessions with cards.`,
    );
    // The released sample alone: one session, with its card, is not enough either; it says so.
    const single = await seedRun(c, 'zh', [{ cardText: cardA, messages: ['你好', '再见'] }]);
    expect(() => overlapEvaluation(loadDataset(c.db, { runIds: [single.runId] }), { seed: 1 })).toThrow(
      `Only one session of run ${single.runId} can be scored (it holds one session): the random group needs at least two sessions with cards.`,
    );
    const twins = await seedRun(c, 'zh', [
      { cardText: cardA, messages: ['你好', '再见'] },
      { cardText: cardA, messages: ['你好', '再见'] },
      { cardText: cardB, messages: ['你好', '再见'] },
    ]);
    expect(() => overlapEvaluation(loadDataset(c.db, { runIds: [twins.runId] }), { seed: 1 })).toThrow('One card is used by 2 of the 3 sessions');
  });

  it('compares the mapping groups of two datasets', async () => {
    const c = open();
    const a = await threeSessions(c);
    const b = await threeSessions(c);
    const ra = overlapEvaluation(loadDataset(c.db, { runIds: [a.runId] }), { seed: 1 });
    const rb = overlapEvaluation(loadDataset(c.db, { runIds: [b.runId] }), { seed: 1 });
    const between = compareMapping(ra, rb);
    expect(between.student).toEqual({ t: 0, df: 4, p: 1 });
  });
});
