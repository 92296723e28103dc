import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext } from '../../../src-main/app/context';
import { startLlmServer, type LlmServer } from '../../llm-server/server';
import { setTimeout as sleep } from 'node:timers/promises';
import { simpsy, startSimpsy } from '../../support/cli';
import { tempDbPath, tempDir } from '../../support/temp';
import { seedRun } from '../support';

// The built `simpsy eval topics|wai` as a user runs it: a real process, a real database, the
// test LLM server answering as a judge. Run `npm run build` first.

const SLOW = 120_000;
let server: LlmServer;
beforeAll(async () => {
  server = await startLlmServer();
});
afterAll(() => server.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const lastLine = (stdout: string) => JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as Record<string, any>;
const chatCalls = () => server.requests.filter((r) => r.path === '/v1/chat/completions').length;

async function seededDb(): Promise<string> {
  const db = tempDbPath();
  const ctx = createAppContext({ dbPath: db });
  try {
    await seedRun(ctx, 'zh', [
      { cardText: null, messages: ['你好', '请说。', '我最近总是失眠。', '再见'] },
      { cardText: null, messages: ['你好', '请说。', '我和男朋友总吵架。', '再见'] },
    ]);
    await seedRun(ctx, 'zh', [
      { cardText: null, messages: ['你好', '请说。', '工作压力太大了。', '再见'] },
      { cardText: null, messages: ['你好', '请说。', '我考试前很紧张。', '再见'] },
    ]);
  } finally {
    ctx.close();
  }
  expect(await simpsy(['--db', db, 'endpoints', 'add', '--name', 'judge', '--base-url', server.url, '--model', 'test-model', '--price-input', '1', '--price-output', '2'])).toMatchObject({ code: 0 });
  return db;
}

describe('simpsy eval wai and topics', () => {
  it('wai prints the plan, the factors as JSON and a CSV, and a second run asks nothing', { timeout: SLOW }, async () => {
    server.reset();
    server.respond((ctx) => (ctx.lastUserMessage!.includes('失眠') ? '我的评分是6分' : 'Score: 4'));
    const db = await seededDb();
    const cwd = tempDir();
    const args = ['--db', db, 'eval', 'wai', '--runs', '1', '--judge', 'judge', '--rounds', '2', '--json'];
    const first = await simpsy([...args, '--out', 'wai.csv'], {}, { cwd });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/^Plan: 48 questions, 0 answered by stored replies; 48 calls to make, about \d+ prompt \+ 384 answer tokens, about \$0\.\d{4}\./);
    const r = lastLine(first.stdout);
    expect(r).toMatchObject({ n: 2, rounds: 2, missing: 0, calls: 48, cached: 0 });
    // Session 1: every item 6, items 4 and 10 reversed to 2 → Goal (2+6+2+6)/4 = 4; session 2: 4 everywhere.
    expect(r.sessions.map((s: { goal: number; task: number; bond: number }) => [s.goal, s.task, s.bond])).toEqual([[4, 6, 6], [4, 4, 4]]);
    expect(r.goal).toEqual({ mean: 4, sd: 0, n: 2 });
    expect(r.task).toEqual({ mean: 5, sd: Math.SQRT2, n: 2 });
    expect(r.settings).toMatchObject({ measure: 'wai', language: 'zh', rounds: 2, attempts: 3, judge: { model: 'test-model', baseUrl: server.url } });
    expect(chatCalls()).toBe(48);
    const csv = readFileSync(join(cwd, 'wai.csv'), 'utf8').split('\r\n');
    expect(csv[0]).toBe('dataset,session_id,run_id,external_id,goal,task,bond,item_1,item_2,item_3,item_4,item_5,item_6,item_7,item_8,item_9,item_10,item_11,item_12,missing');
    expect(csv[1]).toBe('a,1,1,,4,6,6,6,6,6,2,6,6,6,6,6,2,6,6,0');

    const second = await simpsy(args);
    expect(second.stdout).toMatch(/^Plan: 48 questions, 48 answered by stored replies; 0 calls to make/);
    expect(lastLine(second.stdout)).toMatchObject({ goal: r.goal, task: r.task, bond: r.bond, calls: 0, cached: 48 });
    expect(chatCalls()).toBe(48);

    const table = await simpsy(['--db', db, 'eval', 'wai', '--runs', '1', '--judge', 'judge', '--rounds', '2']);
    expect(table.stdout).toContain('WAI-O-S: 2 sessions, 2 rounds averaged; items 4 and 10 reversed (8 − score)');
    expect(table.stdout).toMatch(/Goal\s+4\.000 ± 0\.000\s+2/);

    // Against run 2 (every answer 4): the tests per factor over sessions. Task: A [6, 4] vs B [4, 4];
    // scipy 1.17.1 ttest_ind: t = 1.0, p = 0.4226497308103742; Welch: df = 1.0, p = 0.5000000000000001.
    const compared = await simpsy(['--db', db, 'eval', 'wai', '--runs', '1', '--compare', '2', '--judge', 'judge', '--rounds', '2', '--json']);
    const c = lastLine(compared.stdout);
    expect(c).toMatchObject({ calls: 48, cached: 48, a: { task: r.task }, b: { task: { mean: 4, sd: 0, n: 2 } } });
    expect(c.task.student).toMatchObject({ t: 1, df: 2 });
    expect(c.task.student.p).toBeCloseTo(0.4226497308103742, 12);
    expect(c.task.welch.df).toBeCloseTo(1, 12);
    expect(c.task.welch.p).toBeCloseTo(0.5000000000000001, 12);
    expect(c.goal.student.t).toBeNull(); // both groups all 4: no variance, equal means (NaN, as scipy)
  });

  it('topics compares two datasets over the rounds, counts topics outside the list, and --plan calls nothing', { timeout: SLOW }, async () => {
    server.reset();
    let n = 0;
    server.respond((ctx) => {
      // The client's words only: the topic list in the prompt mentions work, exams and sleep too.
      const text = /来访者的话语开始\n([\s\S]*)\n来访者的话语结束/u.exec(ctx.lastUserMessage!)![1]!;
      n++;
      if (text.includes('失眠')) return '["睡眠问题", "焦虑"]';
      if (text.includes('男朋友')) return n % 2 === 0 ? '1. 恋爱关系\n2. 吵架' : '恋爱关系';
      if (text.includes('工作')) return '```json\n["工作压力"]\n```';
      return '["考试焦虑"]';
    });
    const db = await seededDb();
    const plan = await simpsy(['--db', db, 'eval', 'topics', '--runs', '1', '--compare', '2', '--judge', 'judge', '--plan', '--json']);
    expect(plan).toMatchObject({ code: 0 });
    expect(lastLine(plan.stdout)).toMatchObject({ questions: 12, answered: 0, calls: 12, completionTokens: 480, prices: { inputPerM: 1, outputPerM: 2 } });
    expect(chatCalls()).toBe(0);

    const run = await simpsy(['--db', db, 'eval', 'topics', '--runs', '1', '--compare', '2', '--judge', 'judge', '--concurrency', '1', '--json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const r = lastLine(run.stdout);
    expect(Object.keys(r)).toEqual(expect.arrayContaining(['a', 'b', 'student', 'welch', 'settings', 'calls']));
    expect(r.a.rounds).toHaveLength(3);
    expect(r.a.rounds[0].counts).toMatchObject({ 睡眠问题: 1, 焦虑: 1, 恋爱关系: 1 });
    expect(Object.keys(r.a.rounds[0].counts)).toHaveLength(60);
    // Asked in order (one at a time, session by session): session 2's rounds are calls 4, 5 and 6, the even ones name 吵架.
    expect(r.a.rounds.map((x: { outside: object }) => x.outside)).toEqual([{ 吵架: 1 }, {}, { 吵架: 1 }]);
    expect(r.a.outside).toEqual({ 吵架: 2 });
    // B: two sessions with one topic each in every round → H = 1 bit, sd 0.
    expect(r.b.entropy).toEqual({ mean: 1, sd: 0 });
    expect(r.b.rounds.map((x: { entropy: number }) => x.entropy)).toEqual([1, 1, 1]);
    expect(typeof r.student.p).toBe('number');
    expect(chatCalls()).toBe(12);
  });

  it('names what is wrong: no judge, an unknown judge, a bad topic list, a judge that never gives a number', { timeout: SLOW }, async () => {
    server.reset();
    const db = await seededDb();
    const noJudge = await simpsy(['--db', db, 'eval', 'topics', '--runs', '1']);
    expect(noJudge.code).not.toBe(0);
    expect(noJudge.stderr).toContain('Say which endpoint judges: --judge NAME');
    const unknown = await simpsy(['--db', db, 'eval', 'wai', '--runs', '1', '--judge', 'nobody']);
    expect(unknown.stderr).toContain("No endpoint named 'nobody'. Known: judge.");
    const cwd = tempDir();
    const list = join(cwd, 'topics.json');
    writeFileSync(list, '[{"topic": "焦虑"}]');
    const bad = await simpsy(['--db', db, 'eval', 'topics', '--runs', '1', '--judge', 'judge', '--topics', list]);
    expect(bad.stderr).toContain(`${list}, line 1, element 1, field "definition"`);
    expect(chatCalls()).toBe(0);

    // A judge that never gives a number: every answer missing, counted and named, no score made up.
    server.respond(() => 'The counselor shows warmth, but I cannot give a single number here.');
    const never = await simpsy(['--db', db, 'eval', 'wai', '--runs', '2', '--judge', 'judge', '--rounds', '1', '--attempts', '2']);
    expect(never).toMatchObject({ code: 0, stderr: '' });
    expect(chatCalls()).toBe(2 * 12 * 2);
    expect(never.stdout).toContain('24 answers without a readable score after every attempt (missing, not scored):');
    expect(never.stdout).toContain('session 3 items 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12; session 4 items 1, 2,');
    expect(never.stdout).toMatch(/Goal\s+–\s+±\s+–\s+0/);
  });

  it('Ctrl-C pauses with the calls in flight stored; --job resumes asking only the rest', { timeout: SLOW }, async () => {
    server.reset();
    server.setLatency(80);
    server.respond(() => '["焦虑"]');
    const db = await seededDb();
    const running = startSimpsy(['--db', db, 'eval', 'topics', '--runs', '1,2', '--judge', 'judge', '--rounds', '5', '--concurrency', '2', '--json']);
    while (chatCalls() < 4) await sleep(20);
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(130);
    expect(running.output.stderr).toContain('Pausing: letting the calls in flight finish and be stored');
    expect(running.output.stderr).toMatch(/Evaluation job 1 paused; resume with --job 1 \(stored answers are reused\)\./);
    const asked = chatCalls();
    expect(asked).toBeLessThan(20);
    server.setLatency(0);
    const resumed = await simpsy(['--db', db, 'eval', 'topics', '--job', '1', '--json']);
    expect(resumed).toMatchObject({ code: 0, stderr: '' });
    expect(resumed.stdout).toContain(`Plan: 20 questions, ${asked} answered by stored replies; ${20 - asked} calls to make`);
    expect(lastLine(resumed.stdout)).toMatchObject({ n: 4, calls: 20 - asked, cached: asked, entropy: { mean: 0, sd: 0 } });
    expect(chatCalls()).toBe(20);
  });
});
