import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext } from '../../src-main/app/context';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { agentOf, counselorTurnsBefore, paperFixtures } from '../simulation/support';
import { simpsy } from '../support/cli';
import { tempDbPath, tempDir } from '../support/temp';
import { seedRun } from './support';

// The built `simpsy eval` as a user runs it, from a folder of their own, on a real database.

// The CLI's JSON, read field by field as a person would read it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const lastLine = (stdout: string) => JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as Record<string, any>;
const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected));

const cardA = '性别：女性\n年龄：25岁\n来访者的主诉问题：最近总是失眠，和家人关系紧张。';
const cardB = '性别：男性\n职业：公司职员\n来访者的主诉问题：工作压力大，总是加班。';
const cardC = '性别：女性\n职业：学生\n来访者的主诉问题：和室友关系不好。';

/** The hand-computed dataset of overlap.test.ts (run 1) and an English run (run 2), written by the simulation's store. */
async function seededDb(): Promise<string> {
  const db = tempDbPath();
  const ctx = createAppContext({ dbPath: db });
  try {
    await seedRun(ctx, 'zh', [
      { cardText: cardA, messages: ['你好', '请说。', '我最近总是失眠，和家人吵架。', '多久了？', '我今年25岁。', '再见'] },
      { cardText: cardB, messages: ['你好', '请说。', '我是公司职员，工作压力很大。', '嗯。', '总是加班到很晚。', '再见'] },
      { cardText: null, messages: ['你好', '请说。', '我最近总是失眠。', '再见'] },
      { cardText: cardC, messages: ['你好', '请说。', '我是学生，和室友相处不好。', '再见'] },
    ]);
    await seedRun(ctx, 'en', [{ cardText: 'Gender: female', messages: ['Hello', 'Goodbye'] }]);
  } finally {
    ctx.close();
  }
  return db;
}

describe('simpsy eval on a hand-computed dataset', () => {
  it('overlap prints the hand-computed scores as JSON, a table and a CSV', async () => {
    const db = await seededDb();
    const cwd = tempDir();
    const json = await simpsy(['--db', db, 'eval', 'overlap', '--runs', '1', '--seed', '7', '--json', '--out', 'scores.csv'], {}, { cwd });
    expect(json).toMatchObject({ code: 0, stderr: '' });
    const r = lastLine(json.stdout);
    expect(r.n).toBe(3);
    expect(r.seed).toBe(7);
    expect(r.sessions.map((s: { mapping: number }) => s.mapping)).toEqual([7 / 15, 6 / 14, 4 / 12]);
    const forward = r.sessions[0].randomCardOf === 2;
    expect(r.sessions.map((s: { random: number }) => s.random)).toEqual(forward ? [1 / 14, 0, 1 / 15] : [1 / 12, 1 / 15, 0]);
    // scipy 1.17.1 ttest_ind on these two groups (see overlap.test.ts)
    close(r.student.p, forward ? 0.0013722473763892562 : 0.00158456411575739);
    close(r.welch.df, forward ? 3.213781150826117 : 3.4094851908879527);
    expect(r.excluded).toEqual([{ sessionId: 3, externalId: null, reason: 'no card' }]);
    expect(r.dataset).toEqual({ runIds: [1] });
    const csv = readFileSync(join(cwd, 'scores.csv'), 'utf8').split('\r\n');
    expect(csv[0]).toBe('dataset,session_id,run_id,external_id,mapping,random,random_card_of,card_words,client_words');
    expect(csv[1]).toBe(`a,1,1,,${7 / 15},${forward ? 1 / 14 : 1 / 12},${forward ? 2 : 4},15,11`);
    expect(csv).toHaveLength(5); // header, three sessions, the final line end

    const text = await simpsy(['--db', db, 'evaluate', 'overlap', '--run', '1', '--seed', '7'], {}, { cwd });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Vocabulary overlap (Eq. 1), run 1 (simulation, zh): 3 sessions scored');
    expect(text.stdout).toContain('  1 session has no card: id 3 (left out)\n');
    expect(text.stdout).toMatch(/Mapping\s+0\.4095\s+0\.0687/);
    expect(text.stdout).toMatch(/Student t\(4\) = 7\.(925|630), p = 0\.001(372|585)\n {2}Welch {3}t\(3\.(21|41)\) = 7\.(925|630), p = 0\.00(3255|2944)\n/);
    expect(text.stdout).toMatch(/seed 7; no stopwords; words: @node-rs\/jieba/);

    const again = await simpsy(['--db', db, 'eval', 'overlap', '--runs', '1', '--out', 'scores.csv'], {}, { cwd });
    expect(again).toMatchObject({ code: 1, stderr: expect.stringMatching(/^simpsy: .*scores\.csv already exists/) });
  });

  it('stats prints Table 1 for one dataset or two side by side', async () => {
    const db = await seededDb();
    const one = await simpsy(['--db', db, 'eval', 'stats', '--runs', '1', '--json']);
    expect(one.code).toBe(0);
    const s = lastLine(one.stdout);
    // turns 3, 3, 2, 2 → mean 2.5, sd √(1/3); client: 你好×4 (2 each), 14, 7, 14, 8, 8, 13 characters
    expect(s.sessions).toBe(4);
    expect(s.turns.mean).toBe(2.5);
    close(s.turns.sd, Math.sqrt(1 / 3));
    expect(s.client.utterances).toBe(10);
    close(s.client.chars.mean, (2 * 4 + 14 + 7 + 14 + 8 + 8 + 13) / 10);
    expect(s.counselor.utterances).toBe(10);

    const side = await simpsy(['--db', db, 'eval', 'stats', '--runs', '1', '--compare', '2']);
    expect(side.code).toBe(0);
    expect(side.stdout).toMatch(/A: run 1 \(simulation, zh\)\s+B: run 2 \(simulation, en\)/);
    expect(side.stdout).toMatch(/Sessions\s+4\s+1/);
    expect(side.stdout).toMatch(/Client length, words\s+–\s+1\.0 ± –/);
    const both = lastLine((await simpsy(['--db', db, 'eval', 'stats', '--runs', '1', '--vs-run', '2', '--json'])).stdout);
    expect(both.b).toMatchObject({ sessions: 1, client: { utterances: 1, words: { mean: 1, sd: null } } });
  });

  it('says what to do about bad input, in one line', async () => {
    const db = await seededDb();
    const cwd = tempDir();
    const cases: [string[], RegExp | string][] = [
      [['eval', 'overlap'], 'simpsy: Say which runs to evaluate: --runs 3 (or --runs 3,4); see them with: simpsy runs list\n'],
      [['eval', 'stats', '--runs', '1,x'], "simpsy: --runs takes run ids (whole numbers, comma-separated), got '1,x'; see them with: simpsy runs list\n"],
      [['eval', 'stats', '--runs', '9'], 'simpsy: Run 9 does not exist; the runs are 1, 2.\n'],
      [['eval', 'stats', '--runs', '1', '--end-reason', 'error'], 'simpsy: Run 1 has no ended session ended by error; widen the filter or pick runs whose sessions have ended.\n'],
      [['eval', 'stats', '--runs', '1', '--end-reason', 'bye'], /^simpsy: --end-reason takes phrase, turn_limit/],
      [['eval', 'stats', '--runs', '1,2'], /^simpsy: Runs 1 \(zh\), 2 \(en\) are in different languages/],
      [['eval', 'overlap', '--runs', '1', '--seed', '-3'], "simpsy: --seed must be a whole number, got '-3'.\n"],
      [['eval', 'overlap', '--runs', '2'], /^simpsy: Only one session of run 2 can be scored/],
      [['eval', 'overlap', '--runs', '1', '--stopwords', 'none.txt'], `simpsy: Cannot read the stopword list ${join(cwd, 'none.txt')}: no such file; give a UTF-8 text file with one word a line.\n`],
    ];
    for (const [args, stderr] of cases) {
      const r = await simpsy(['--db', db, ...args], {}, { cwd });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout, args.join(' ')).toBe('');
      if (typeof stderr === 'string') expect(r.stderr).toBe(stderr);
      else expect(r.stderr).toMatch(stderr);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    writeFileSync(join(cwd, 'stop.txt'), '性别\n的\n');
    const stopped = lastLine((await simpsy(['--db', db, 'eval', 'overlap', '--runs', '1', '--stopwords', 'stop.txt', '--json'], {}, { cwd })).stdout);
    expect(stopped.stopwords).toBe(2);
    expect(stopped.sessions[0].mapping).toBe(7 / 13); // card A without 性别 and 的: 13 words, 7 shared
  });
});

describe('simpsy eval end to end', () => {
  let server: LlmServer;
  beforeAll(async () => {
    server = await startLlmServer({ models: ['test-model', 'bge-m3'] });
  });
  afterAll(() => server.close());

  it('on fixture cards simulated against the test server, and on the released dialogue imported', async () => {
    // The client echoes a piece of its own card's complaint, so the mapping group must beat the random one.
    server.respond((ctx) => {
      const turn = counselorTurnsBefore(ctx) + 1;
      if (agentOf(ctx) === 'counselor') return turn >= 3 ? '好的，今天就到这里，再见' : '能具体说说吗？';
      const complaint = (ctx.systemPrompt ?? '').split('来访者的主诉问题：')[1] ?? '';
      return `${complaint.slice(turn * 15, turn * 15 + 40)}。`;
    });
    const db = tempDbPath();
    expect(await simpsy(['--db', db, 'endpoints', 'add', '--name', 'local', '--base-url', server.url, '--model', 'test-model'])).toMatchObject({ code: 0 });
    expect(await simpsy(['--db', db, 'cards', 'import', paperFixtures])).toMatchObject({ code: 0 });
    expect(await simpsy(['--db', db, 'simulate', '--client', 'local', '--counselor', 'local', '--cards', 'test', '--repeat', '2', '--max-turns', '10'])).toMatchObject({ code: 0 });
    expect(await simpsy(['--db', db, 'dialogues', 'import', join(paperFixtures, 'dialogue')])).toMatchObject({ code: 0 });

    const overlap = await simpsy(['--db', db, 'eval', 'overlap', '--runs', '1', '--seed', '3', '--json']);
    expect(overlap).toMatchObject({ code: 0, stderr: '' });
    const r = lastLine(overlap.stdout);
    expect(r.n).toBe(12); // six cards, twice each
    // twins (the same card, simulated twice) are never each other's random card
    const cardOf = new Map<number, number>(r.sessions.map((s: { sessionId: number }, i: number) => [s.sessionId, i % 6]));
    for (const s of r.sessions) expect(cardOf.get(s.randomCardOf)).not.toBe(cardOf.get(s.sessionId));
    expect(r.mapping.mean).toBeGreaterThan(r.random.mean);
    expect(r.student.p).toBeLessThan(0.001);

    // The released dialogue has no card: stats work, overlap says why it cannot.
    const stats = lastLine((await simpsy(['--db', db, 'eval', 'stats', '--runs', '1', '--compare', '2', '--json'])).stdout);
    const released = JSON.parse(readFileSync(join(paperFixtures, 'dialogue', '0.json'), 'utf8')) as { role: string; content: string }[];
    const graphemes = (t: string) => [...new Intl.Segmenter('zh', { granularity: 'grapheme' }).segment(t.trim())].length;
    const clientLengths = released.filter((m) => m.role === 'client').map((m) => graphemes(m.content));
    expect(stats.b.sessions).toBe(1);
    expect(stats.b.turns).toEqual({ mean: released.length / 2, sd: null });
    expect(stats.b.client.utterances).toBe(clientLengths.length);
    close(stats.b.client.chars.mean, clientLengths.reduce((a, b) => a + b, 0) / clientLengths.length);
    expect(stats.a.sessions).toBe(12);
    const noCard = await simpsy(['--db', db, 'eval', 'overlap', '--runs', '2']);
    expect(noCard).toMatchObject({ code: 1, stderr: 'simpsy: None of the 1 sessions of run 2 has a card (import dialogues with their cards: simpsy dialogues import DIR/dialogue --cards DIR --split train), so no overlap can be measured.\n' });
  });

  // Issue 9's "Done when": every measure from the built CLI on a simulated run and on the
  // released dialogue imported with its card (test/0.txt and user_profiles/test.json[0]).
  // The released session's numbers are recomputed here from the definitions, with jieba and
  // the server's vectors asked for directly, not through the app's code.
  it('every measure runs on simulated sessions and on the released dialogue imported with its card', async () => {
    server.respond((ctx) => {
      const user = ctx.lastUserMessage ?? '';
      if (/来访者的话语开始\n/u.test(user)) return user.includes('睡') ? '["睡眠问题", "家庭关系"]' : '["工作压力", "加班"]'; // 加班 is not on the list
      if (user.includes('问卷题目')) return '我的评分是5分';
      const turn = counselorTurnsBefore(ctx) + 1;
      if (agentOf(ctx) === 'counselor') return turn >= 3 ? '好的，今天就到这里，再见' : '能具体说说吗？';
      const complaint = (ctx.systemPrompt ?? '').split('来访者的主诉问题：')[1] ?? '';
      return `${complaint.slice(turn * 15, turn * 15 + 40)}。`;
    });
    const db = tempDbPath();
    const ok = async (args: string[]) => {
      const r = await simpsy(['--db', db, ...args]);
      expect(r, r.stderr).toMatchObject({ code: 0 });
      return r;
    };
    await ok(['endpoints', 'add', '--name', 'local', '--base-url', server.url, '--model', 'test-model']);
    await ok(['cards', 'import', paperFixtures]);
    await ok(['simulate', '--client', 'local', '--counselor', 'local', '--cards', 'test', '--max-turns', '10']);
    await ok(['dialogues', 'import', join(paperFixtures, 'dialogue'), '--cards', paperFixtures, '--split', 'test']);

    // The released session as stored: its card text and its client utterances.
    const file = new Database(db, { readonly: true });
    const released = file.prepare('SELECT id, card_text AS card FROM sim_sessions WHERE run_id = 2').get() as { id: number; card: string };
    const clients = (file.prepare("SELECT content FROM sim_messages WHERE session_id = ? AND role = 'client' ORDER BY idx").all(released.id) as { content: string }[]).map((m) => m.content);
    file.close();
    expect(released.card).toContain('来访者的主诉问题：');

    // Statistics and overlap on the simulated run and the released session as one dataset.
    const stats = lastLine((await ok(['eval', 'stats', '--runs', '1,2', '--json'])).stdout);
    expect(stats.sessions).toBe(7);
    const overlap = lastLine((await ok(['eval', 'overlap', '--runs', '1,2', '--seed', '5', '--json'])).stdout);
    expect(overlap.n).toBe(7);
    // Eq. 1 by its definition: jieba precise mode with HMM, lower-cased, tokens of only punctuation/symbols/space dropped.
    const load = createRequire(__filename);
    const { Jieba } = load('@node-rs/jieba') as { Jieba: { withDict(d: Uint8Array): { cut(t: string, hmm: boolean): string[] } } };
    const jieba = Jieba.withDict((load('@node-rs/jieba/dict') as { dict: Uint8Array }).dict);
    const words = (t: string) => new Set(jieba.cut(t, true).map((w) => w.toLowerCase()).filter((w) => !/^[\p{P}\p{S}\p{Z}\s]*$/u.test(w)));
    const cardWords = words(released.card);
    const clientWords = words(clients.join('\n'));
    const shared = [...cardWords].filter((w) => clientWords.has(w)).length;
    const mine = overlap.sessions.find((x: { sessionId: number }) => x.sessionId === released.id);
    expect(mine.mapping).toBeCloseTo(shared / cardWords.size, 12);
    expect(shared).toBeGreaterThan(10); // the released client talks about what the card says

    // Semantic (Eq. 2, bge-m3 by default): the cosine of the two vectors the server gives for them, asked for here directly.
    const semantic = lastLine((await ok(['eval', 'semantic', '--runs', '1,2', '--embed', 'local', '--json'])).stdout);
    expect(semantic.n).toBe(7);
    const reply = (await (await fetch(`${server.url}/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'bge-m3', input: [released.card, clients.join('\n')], encoding_format: 'float' }) })).json()) as { data: { embedding: number[] }[] };
    const [u, v] = reply.data.map((d) => d.embedding) as [number[], number[]];
    const dot = u.reduce((a, x, i) => a + x * v[i]!, 0);
    const cosine = dot / Math.sqrt(u.reduce((a, x) => a + x * x, 0) * v.reduce((a, x) => a + x * x, 0));
    expect(semantic.sessions.find((x: { sessionId: number }) => x.sessionId === released.id).mapping).toBeCloseTo(cosine, 6); // the app receives base64, float32: six places

    // Topics and WAI-O-S: the simulated run against the released session.
    const topics = lastLine((await ok(['eval', 'topics', '--runs', '1', '--compare', '2', '--judge', 'local', '--rounds', '1', '--json'])).stdout);
    expect(topics.b.rounds).toHaveLength(1);
    expect(Object.values(topics.b.rounds[0].counts as Record<string, number>).reduce((a, n) => a + n, 0)).toBeGreaterThan(0);
    const wai = lastLine((await ok(['eval', 'wai', '--runs', '2', '--judge', 'local', '--rounds', '1', '--json'])).stdout);
    // Every item answered 5: Goal holds item 4 and 10 reversed (8 - 5 = 3), so (3 + 5 + 3 + 5) / 4 = 4; Task and Bond 5.
    expect(wai).toMatchObject({ n: 1, rounds: 1, missing: 0, goal: { mean: 4 }, task: { mean: 5 }, bond: { mean: 5 } });
    expect(lastLine((await ok(['eval', 'list', '--json'])).stdout).map((e: { measure: string }) => e.measure)).toEqual(['wai', 'topics', 'semantic', 'overlap', 'stats']);
  });
});
