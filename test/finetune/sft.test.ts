import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import type { AgentRole } from '../../src-main/contract/simulation';
import { exportSft, planSft, type SftOptions } from '../../src-main/finetune/sft/export';
import { sftRecord } from '../../src-main/finetune/sft/formats';
import { samplesOf, sampleSizes, shapeSessions } from '../../src-main/finetune/sft/samples';
import { trainingTurns } from '../../src-main/finetune/sft/shape';
import { approxConversationTokens, approxTokens } from '../../src-main/finetune/sft/tokens';
import { counselorTemplate } from '../../src-main/simulation/resources';
import { seedRun } from '../evaluation/support';
import { paperFixtures } from '../simulation/support';
import { tempDbPath, tempDir } from '../support/temp';
import { llamaFactoryRead } from './support';

let ctx: AppContext | undefined;
afterEach(() => {
  ctx?.close();
  ctx = undefined;
});
const open = () => (ctx = createAppContext({ dbPath: tempDbPath() }));

const m = (role: AgentRole, content: string) => ({ role, content });
const options = (o: Partial<SftOptions> = {}): SftOptions => ({ format: 'openai', mode: 'prefix', system: { kind: 'run' }, cutoffLen: 4096, ...o });

describe('shaping a session for LLaMA-Factory', () => {
  it('leaves an alternating session from the client to the counselor as it is', () => {
    const r = trainingTurns([m('client', '你好'), m('counselor', '你好，请说。'), m('client', '我失眠。'), m('counselor', '多久了？')]);
    expect(r.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(r.counts).toEqual({ empty: 0, merged: 0, counselorOpenings: 0, trailingClient: 0 });
  });

  it.each([
    {
      what: 'two client messages in a row are joined with a line break',
      input: [m('client', '你好'), m('client', '我睡不着'), m('counselor', '多久了？')],
      turns: [['user', '你好\n我睡不着'], ['assistant', '多久了？']],
      counts: { merged: 1 },
    },
    {
      what: 'a session ending on the client loses that unanswered message',
      input: [m('client', '你好'), m('counselor', '请说。'), m('client', '我……')],
      turns: [['user', '你好'], ['assistant', '请说。']],
      counts: { trailingClient: 1 },
    },
    {
      what: 'empty and blank messages are dropped, and what they separated is joined',
      input: [m('client', '你好'), m('counselor', '  '), m('client', '在吗'), m('counselor', ''), m('counselor', '在的。')],
      turns: [['user', '你好\n在吗'], ['assistant', '在的。']],
      counts: { empty: 2, merged: 1 },
    },
    {
      what: 'a counselor opening is dropped, not answered by an invented client line',
      input: [m('counselor', '欢迎你来。'), m('client', '你好'), m('counselor', '请说。')],
      turns: [['user', '你好'], ['assistant', '请说。']],
      counts: { counselorOpenings: 1 },
    },
    {
      what: 'a session with only a counselor opening and a client reply gives nothing',
      input: [m('counselor', '欢迎。'), m('client', '谢谢')],
      turns: [],
      counts: { counselorOpenings: 1, trailingClient: 1 },
    },
    { what: 'an empty session gives nothing', input: [], turns: [], counts: {} },
  ])('$what', ({ input, turns, counts }) => {
    const r = trainingTurns(input);
    expect(r.turns.map((t) => [t.role, t.content])).toEqual(turns);
    expect(r.counts).toEqual({ empty: 0, merged: 0, counselorOpenings: 0, trailingClient: 0, ...counts });
  });
});

describe('samples', () => {
  const session = { id: 7, runId: 1, externalId: null, cardText: null, messages: [m('client', '你好'), m('counselor', '请说。'), m('client', '我失眠。'), m('counselor', '多久了？'), m('client', '半年。'), m('counselor', '嗯。')] };
  const { shaped } = shapeSessions([session]);

  it('prefix: one per counselor turn, the history up to and including it; session: one with every turn', () => {
    const prefix = samplesOf(shaped[0]!, 'prefix');
    expect(prefix.map((s) => [s.turn, s.messages.length, s.messages.at(-1)!.content])).toEqual([
      [1, 2, '请说。'],
      [2, 4, '多久了？'],
      [3, 6, '嗯。'],
    ]);
    expect(samplesOf(shaped[0]!, 'session').map((s) => [s.turn, s.messages.length])).toEqual([[3, 6]]);
  });

  it('sizes from prefix sums equal the tokens of each built sample, counted directly', () => {
    const system = '你是咨询师。';
    for (const mode of ['prefix', 'session'] as const) {
      const sizes = sampleSizes(shaped[0]!, mode, approxTokens(system), 20);
      const direct = samplesOf(shaped[0]!, mode).map((s) => approxConversationTokens([{ content: system }, ...s.messages]));
      expect(sizes.samples).toBe(direct.length);
      expect(sizes.tokens).toBe(direct.reduce((a, b) => a + b, 0));
      expect(sizes.longest!.tokens).toBe(Math.max(...direct));
      expect(sizes.overCutoff).toBe(direct.filter((t) => t > 20).length);
      // The same counselor tokens are under the loss in both modes.
      expect(sizes.trainedTokens).toBe(approxTokens('请说。多久了？嗯。'));
    }
  });

  it('approximate tokens: one per CJK character, one per four other characters', () => {
    expect(approxTokens('你好，世界')).toBe(5);
    expect(approxTokens('hello world!')).toBe(3);
    expect(approxTokens('我用 CBT 方法')).toBe(4 + Math.ceil(5 / 4));
    expect(approxTokens('')).toBe(0);
  });

  it('records equal JSON.stringify of the record, in both formats', () => {
    const messages = [{ role: 'user' as const, content: '你好 "引号" \\ \n' }, { role: 'assistant' as const, content: '请说。' }];
    expect(JSON.parse(sftRecord('openai', JSON.stringify('系统'), messages))).toEqual({ messages: [{ role: 'system', content: '系统' }, ...messages] });
    expect(JSON.parse(sftRecord('sharegpt', JSON.stringify('系统'), messages))).toEqual({
      conversations: [{ from: 'human', value: messages[0]!.content }, { from: 'gpt', value: '请说。' }],
      system: '系统',
    });
  });
});

describe('the SFT export from a dataset of sessions', () => {
  it('writes what LLaMA-Factory accepts, every record, in each format and mode, from odd sessions too', async () => {
    const c = open();
    const run = await seedRun(c, 'zh', [
      { cardText: '卡一', messages: ['你好', '你好，请说。', '我失眠。', '多久了？'] },
      { cardText: '卡二', messages: ['你好', '请讲。', '我……'], end: 'refinement_failed' }, // ends on the client
      { cardText: '卡三', messages: ['你好', '嗯。', '我焦虑。'], end: null }, // still running: not in the dataset
      { cardText: '卡四', messages: ['你好', '   ', '在吗', '在的。'] }, // a blank counselor turn
    ]);
    const dir = tempDir();
    for (const format of ['openai', 'sharegpt'] as const) {
      for (const mode of ['prefix', 'session'] as const) {
        for (const jsonl of [false, true]) {
          const path = join(dir, `${format}-${mode}${jsonl ? '.jsonl' : '.json'}`);
          const name = `${format}-${mode}-${jsonl ? 'l' : 'a'}`;
          const result = await exportSft(c.db, c.resourcesDir, { runIds: [run.runId] }, { ...options({ format, mode }), path, jsonl, name, overwrite: true });
          const read = llamaFactoryRead(path, name);
          expect(read.rejected).toBe(0);
          expect(read.accepted).toHaveLength(result.statistics.samples);
          // Sessions 1 (2 turns), 2 (1 turn; its last client message dropped), 4 (blank dropped, then joined: 1 turn).
          expect(result.statistics).toMatchObject({ sessions: 3, sessionsUsed: 3, counselorTurns: 4, samples: mode === 'prefix' ? 4 : 3 });
          expect(result.statistics.shape).toEqual({ empty: 1, merged: 1, counselorOpenings: 0, trailingClient: 1 });
          // No counselor prompt was recorded by these seeded runs: the shipped default, and it is said.
          expect(result.statistics.systemPrompts).toEqual({ snapshot: 0, default: 3, chosen: 0 });
          for (const a of read.accepted) expect(a.system).toBe(counselorTemplate(c.resourcesDir, 'zh'));
          const last = read.accepted.at(-1)!.messages;
          expect(last).toEqual([{ role: 'user', content: '你好\n在吗' }, { role: 'assistant', content: '在的。' }]);
        }
      }
    }
    const info = JSON.parse(readFileSync(join(dir, 'dataset_info.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(info)).toHaveLength(8);
  });

  it('uses the prompt the run recorded, or the one chosen', async () => {
    const c = open();
    const run = await seedRun(c, 'zh', [{ cardText: null, messages: ['你好', '请说。'] }]);
    c.db.prepare('UPDATE sim_runs SET config = ? WHERE id = ?').run(JSON.stringify({ counselor: { template: '我是这次模拟里的咨询师。' } }), run.runId);
    const systemOf = (o: SftOptions) => {
      const plan = planSft(c.db, c.resourcesDir, { runIds: [run.runId] }, o);
      const record = JSON.parse([...plan.records()].flat()[0]!) as { messages: { content: string }[] };
      return [record.messages[0]!.content, plan.statistics.systemPrompts] as const;
    };
    expect(systemOf(options())).toEqual(['我是这次模拟里的咨询师。', { snapshot: 1, default: 0, chosen: 0 }]);
    expect(systemOf(options({ system: { kind: 'template', name: 'released' } }))).toEqual([counselorTemplate(c.resourcesDir, 'zh', 'released'), { snapshot: 0, default: 0, chosen: 1 }]);
    expect(systemOf(options({ system: { kind: 'text', text: '自定义' } }))[0]).toBe('自定义');
  });

  it('reports the longest sample against cutoff_len', async () => {
    const c = open();
    const long = '很'.repeat(3000);
    const run = await seedRun(c, 'zh', [{ cardText: null, messages: ['你好', '请说。', long, '嗯。'] }]);
    const system = approxTokens(counselorTemplate(c.resourcesDir, 'zh'));
    const plan = planSft(c.db, c.resourcesDir, { runIds: [run.runId] }, options({ cutoffLen: 2048 }));
    const expected = 2 + 4 + system + 4 * 4 + approxTokens('你好请说。嗯。') + 3000;
    expect(plan.statistics.longest).toEqual({ tokens: expected, sessionId: run.sessionIds[0], turn: 2 });
    expect(plan.statistics.overCutoff).toBe(1);
  });

  it('adds its entry to an existing dataset_info.json; refuses, writing nothing, to replace a file or an entry unasked, or to add to a file that is not JSON', async () => {
    const c = open();
    const run = await seedRun(c, 'zh', [{ cardText: null, messages: ['你好', '请说。'] }]);
    const dir = tempDir();
    const path = join(dir, 'counsel.json');
    writeFileSync(join(dir, 'dataset_info.json'), JSON.stringify({ identity: { file_name: 'identity.json' } }));
    const spec = { runIds: [run.runId] };
    const done = await exportSft(c.db, c.resourcesDir, spec, { ...options(), path, jsonl: false });
    expect(done.datasetName).toBe('counsel');
    expect(JSON.parse(readFileSync(join(dir, 'dataset_info.json'), 'utf8'))).toEqual({
      identity: { file_name: 'identity.json' },
      counsel: { file_name: 'counsel.json', formatting: 'sharegpt', columns: { messages: 'messages' }, tags: { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant', system_tag: 'system' } },
    });
    const before = readFileSync(path, 'utf8');
    const info = readFileSync(join(dir, 'dataset_info.json'), 'utf8');
    await expect(exportSft(c.db, c.resourcesDir, spec, { ...options(), path, jsonl: false })).rejects.toThrow(/counsel\.json already exists; nothing was written.*--force/);
    await expect(exportSft(c.db, c.resourcesDir, spec, { ...options(), path: join(dir, 'other.json'), name: 'counsel', jsonl: false })).rejects.toThrow(
      /dataset_info\.json already has a dataset named 'counsel'; nothing was written/,
    );
    expect(() => readFileSync(join(dir, 'other.json'))).toThrow();
    expect(readFileSync(join(dir, 'dataset_info.json'), 'utf8')).toBe(info);
    writeFileSync(join(dir, 'dataset_info.json'), '{\n  "a": {\n  oops\n}');
    await expect(exportSft(c.db, c.resourcesDir, spec, { ...options({ mode: 'session' }), path, jsonl: false, overwrite: true })).rejects.toThrow(/dataset_info\.json, line 3 is not valid JSON/);
    expect(readFileSync(path, 'utf8')).toBe(before);
    await expect(exportSft(c.db, c.resourcesDir, spec, { ...options(), path: join(dir, 'bad name.json'), jsonl: false })).rejects.toThrow(/'bad name' cannot name a LLaMA-Factory dataset/);
  });

  it('refuses a dataset with no counselor answer, writing nothing', async () => {
    const c = open();
    const run = await seedRun(c, 'zh', [{ cardText: null, messages: ['你好', ' '] }]); // a blank answer is none
    const path = join(tempDir(), 'x.json');
    await expect(exportSft(c.db, c.resourcesDir, { runIds: [run.runId] }, { ...options(), path, jsonl: false })).rejects.toThrow(/nothing to train on/);
    expect(() => readFileSync(path)).toThrow();
  });

  it("holds the paper's fixture dialogue and its released ShareGPT record as imported: one sample per counselor turn, the last equal to the released record", async () => {
    const c = open();
    const dialogue = await c.simulation.importDialogues({ path: join(paperFixtures, 'dialogue') });
    const released = await c.simulation.importDialogues({ path: join(paperFixtures, 'sharegpt', 'first_record.json') });
    const source = JSON.parse(readFileSync(join(paperFixtures, 'dialogue', '0.json'), 'utf8')) as { role: string; content: string }[];
    const record = (JSON.parse(readFileSync(join(paperFixtures, 'sharegpt', 'first_record.json'), 'utf8')) as { messages: { role: string; content: string }[] }[])[0]!;
    const dir = tempDir();
    for (const runId of [dialogue.runId, released.runId]) {
      const path = join(dir, `run${runId}.jsonl`);
      const result = await exportSft(c.db, c.resourcesDir, { runIds: [runId] }, { ...options({ system: { kind: 'template', name: 'released' } }), path, jsonl: true });
      const read = llamaFactoryRead(path, `run${runId}`);
      expect(read.rejected).toBe(0);
      expect(read.accepted).toHaveLength(source.length / 2);
      expect(result.statistics.shape).toEqual({ empty: 0, merged: 0, counselorOpenings: 0, trailingClient: 0 });
      // The last sample is the released record itself: its system prompt and every message.
      expect(read.accepted.at(-1)!.system).toBe(record.messages[0]!.content);
      expect(read.accepted.at(-1)!.messages).toEqual(record.messages.slice(1));
      read.accepted.forEach((a, i) => expect(a.messages).toEqual(record.messages.slice(1, 2 * i + 3)));
    }
  });
});

describe('the test checker itself', () => {
  it('rejects what LLaMA-Factory drops: a role out of place, an odd count, a client ending, a counselor opening', () => {
    const dir = tempDir();
    const sys = { role: 'system', content: 's' };
    const u = { role: 'user', content: 'u' };
    const a = { role: 'assistant', content: 'a' };
    const records = [[sys, u, a], [sys, u, u, a], [sys, u, a, u], [sys, a, u, a], [u, a], [sys]].map((messages) => ({ messages }));
    writeFileSync(join(dir, 'd.json'), JSON.stringify(records));
    writeFileSync(join(dir, 'dataset_info.json'), JSON.stringify({ d: { file_name: 'd.json', formatting: 'sharegpt', columns: { messages: 'messages' }, tags: { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant', system_tag: 'system' } } }));
    const read = llamaFactoryRead(join(dir, 'd.json'), 'd');
    expect(read.rejected).toBe(4);
    expect(read.accepted).toEqual([
      { system: 's', messages: [{ role: 'user', content: 'u' }, { role: 'assistant', content: 'a' }] },
      { system: '', messages: [{ role: 'user', content: 'u' }, { role: 'assistant', content: 'a' }] },
    ]);
  });
});

describe('approximate tokens', () => {
  it('counts CJK characters of every block, extension B included, and four other characters a token', () => {
    expect(approxTokens('。，！「」')).toBe(5); // CJK and full-width punctuation
    expect(approxTokens('ひらがなカタカナ한국어')).toBe(11);
    expect(approxTokens('𠀀𠀁')).toBe(2); // surrogate pairs
    expect(approxTokens('abcd😀')).toBe(2); // an emoji is other text (two code units)
  });
});
