import { afterEach, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import { loadDataset } from '../../src-main/evaluation/dataset';
import { datasetStatistics } from '../../src-main/evaluation/statistics';
import { tempDbPath } from '../support/temp';
import { seedRun } from './support';

let ctx: AppContext | undefined;
afterEach(() => {
  ctx?.close();
  ctx = undefined;
});
const open = () => (ctx = createAppContext({ dbPath: tempDbPath() }));

describe('datasets', () => {
  it('hold the ended sessions of the runs, filtered like the dialogue browser', async () => {
    const c = open();
    const a = await seedRun(c, 'zh', [
      { cardText: '卡一', messages: ['你好', '你好，请说。'] },
      { cardText: '卡二', messages: ['你好', '嗯。', '我失眠。', '多久了？'], end: 'turn_limit' },
      { cardText: '卡三', messages: ['你好', '嗯。', '我焦虑。'], end: null }, // still running
    ]);
    const b = await seedRun(c, 'zh', [{ cardText: null, messages: ['你好', '请讲。', '谢谢。', '再见'] }]);
    c.simulation.dialogues.tag([a.sessionIds[1]!], ['好样本']);

    const all = loadDataset(c.db, { runIds: [a.runId, b.runId] });
    expect(all.sessions.map((s) => s.id)).toEqual([a.sessionIds[0], a.sessionIds[1], b.sessionIds[0]]);
    expect(all.language).toBe('zh');
    expect(all.sessions[1]).toEqual({
      id: a.sessionIds[1],
      runId: a.runId,
      externalId: null,
      cardText: '卡二',
      messages: [
        { role: 'client', content: '你好' },
        { role: 'counselor', content: '嗯。' },
        { role: 'client', content: '我失眠。' },
        { role: 'counselor', content: '多久了？' },
      ],
    });
    expect(loadDataset(c.db, { runIds: [a.runId], endReasons: ['turn_limit'] }).sessions.map((s) => s.id)).toEqual([a.sessionIds[1]]);
    expect(loadDataset(c.db, { runIds: [a.runId, b.runId], minTurns: 2 }).sessions.map((s) => s.id)).toEqual([a.sessionIds[1], b.sessionIds[0]]);
    expect(loadDataset(c.db, { runIds: [a.runId], maxTurns: 1 }).sessions.map((s) => s.id)).toEqual([a.sessionIds[0]]);
    expect(loadDataset(c.db, { runIds: [a.runId], tags: ['好样本'] }).sessions.map((s) => s.id)).toEqual([a.sessionIds[1]]);
  });

  it('say which runs do not exist, which filter left nothing, and refuse mixed languages', async () => {
    const c = open();
    expect(() => loadDataset(c.db, { runIds: [4] })).toThrow('Run 4 does not exist; there are no runs yet: simulate or import dialogues first.');
    const zh = await seedRun(c, 'zh', [{ cardText: '卡', messages: ['你好', '再见'] }]);
    const en = await seedRun(c, 'en', [{ cardText: 'card', messages: ['Hello', 'Goodbye'] }]);
    expect(() => loadDataset(c.db, { runIds: [zh.runId, 9, 12] })).toThrow(`Runs 9, 12 do not exist; the runs are ${zh.runId}, ${en.runId}.`);
    expect(() => loadDataset(c.db, { runIds: [zh.runId], endReasons: ['error'], minTurns: 3 })).toThrow(
      `Run ${zh.runId} has no ended session ended by error, at least 3 turns; widen the filter or pick runs whose sessions have ended.`,
    );
    expect(() => loadDataset(c.db, { runIds: [zh.runId, en.runId] })).toThrow(`Runs ${zh.runId} (zh), ${en.runId} (en) are in different languages`);
    expect(() => loadDataset(c.db, { runIds: [zh.runId], minTurns: 5, maxTurns: 2 })).toThrow('The fewest turns (5) must not be above the most (2).');
  });
});

describe('Table 1 statistics', () => {
  it('match a hand computation (graphemes, opener counted, sample sd)', async () => {
    const c = open();
    // Session 1: client 你好(2) 我睡不着👨‍👩‍👧(5); counselor 嗯(1) 为什么呢？(5). 2 turns.
    // Session 2: client 你好(2) 我很好(3) 再说吧(3); counselor 请讲(2) 好的(2) 再见(2). 3 turns.
    // Session 3: client 你好(2); counselor 你好，今天想聊些什么？(11). 1 turn.
    const { runId } = await seedRun(c, 'zh', [
      { cardText: 'a', messages: ['你好', '嗯', '我睡不着👨‍👩‍👧', '为什么呢？'] },
      { cardText: 'b', messages: ['你好', '请讲', '我很好', '好的', '再说吧', '再见'] },
      { cardText: 'c', messages: ['你好', '你好，今天想聊些什么？'] },
    ]);
    const s = datasetStatistics(loadDataset(c.db, { runIds: [runId] }));
    expect(s.sessions).toBe(3);
    // turns 2, 3, 1: mean 2, sd √((0+1+1)/2) = 1
    expect(s.turns).toEqual({ mean: 2, sd: 1 });
    // client lengths 2, 5, 2, 3, 3, 2: mean 17/6
    expect(s.client.utterances).toBe(6);
    expect(s.client.chars.mean).toBeCloseTo(17 / 6, 14);
    const m = 17 / 6;
    expect(s.client.chars.sd).toBeCloseTo(Math.sqrt([2, 5, 2, 3, 3, 2].reduce((a, x) => a + (x - m) ** 2, 0) / 5), 14);
    // counselor lengths 1, 5, 2, 2, 2, 11: mean 23/6
    expect(s.counselor.utterances).toBe(6);
    expect(s.counselor.chars.mean).toBeCloseTo(23 / 6, 14);
    expect(s.client.words).toBeNull();
  });

  it('count English words with the overlap tokeniser', async () => {
    const c = open();
    const { runId } = await seedRun(c, 'en', [
      { cardText: 'x', messages: ['Hello', 'Tell me more.', "I can't sleep, honestly.", 'Goodbye'] },
      { cardText: 'y', messages: ['Hello', 'Hi there!'] },
    ]);
    const s = datasetStatistics(loadDataset(c.db, { runIds: [runId] }));
    // client: Hello (1), I can't sleep honestly (4), Hello (1) → mean 2, sd √((1+4+1)/2) = √3
    expect(s.client.words!.mean).toBe(2);
    expect(s.client.words!.sd).toBeCloseTo(Math.sqrt(3), 14);
    // counselor: Tell me more (3), Goodbye (1), Hi there (2) → mean 2, sd 1
    expect(s.counselor.words).toEqual({ mean: 2, sd: 1 });
    expect(s.client.chars.mean).toBeCloseTo((5 + 24 + 5) / 3, 14);
  });
});
