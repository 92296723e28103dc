import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../../src-main/app/context';
import type { TopicsResult } from '../../../src-main/evaluation/judge/topics';
import type { WaiResult } from '../../../src-main/evaluation/judge/wai';
import { readWaiItems } from '../../../src-main/evaluation/judge/materials';
import { findResourcesDir } from '../../../src-main/simulation/resources';
import { startLlmServer, type LlmServer } from '../../llm-server/server';
import type { ResponderContext } from '../../llm-server/types';
import { tempDbPath } from '../../support/temp';
import { seedRun } from '../support';

// The judged measures as durable jobs, against the test LLM server with replies scripted per
// request: the calls a plan promises, the answers used, retries of unreadable replies,
// pause, cancel and failure resumed without asking anything twice, and the cache proven by
// the server's own count of requests.

let server: LlmServer;
beforeAll(async () => {
  server = await startLlmServer();
});
afterAll(() => server.close());

const contexts: AppContext[] = [];
afterEach(() => {
  for (const ctx of contexts.splice(0)) ctx.close();
  server.reset();
});

const chatCalls = () => server.requests.filter((r) => r.path === '/v1/chat/completions');
/** How often each distinct prompt was asked. */
const askedPerPrompt = () => {
  const seen = new Map<string, number>();
  for (const r of chatCalls()) {
    const content = (r.body as { messages: { content: string }[] }).messages[0]!.content;
    seen.set(content, (seen.get(content) ?? 0) + 1);
  }
  return [...seen.values()];
};

/** The nth time (1-based) this exact prompt is asked. */
function nthTime() {
  const seen = new Map<string, number>();
  return (ctx: ResponderContext) => {
    const n = (seen.get(ctx.lastUserMessage!) ?? 0) + 1;
    seen.set(ctx.lastUserMessage!, n);
    return n;
  };
}

async function open(sessions: Record<string, string[]>[] = []) {
  const ctx = createAppContext({ dbPath: tempDbPath() });
  contexts.push(ctx);
  const endpoint = ctx.endpoints.create({ name: 'judge', baseUrl: server.url, model: 'test-model', priceInputPerM: 2, priceOutputPerM: 8 });
  const runs: number[] = [];
  for (const run of sessions) {
    const { runId } = await seedRun(ctx, 'zh', Object.values(run).map((lines) => ({ cardText: null, messages: ['你好', '请说。', ...lines, '再见'] })));
    runs.push(runId);
  }
  return { ctx, judge: ctx.judges, endpointId: endpoint.id, runs };
}

const items = readWaiItems(findResourcesDir(process.env), 'zh');
const itemOf = (prompt: string) => items.find((it) => prompt.includes(`问卷题目：${it.text}\n`))!.item;

describe('WAI-O-S as a job', () => {
  it('asks 12 items × rounds per session, retries unreadable replies, records the unreadable as missing, and never asks twice', async () => {
    const { judge, endpointId, runs } = await open([{ a: ['我最近总是失眠，睡不着。'], b: ['我工作压力很大。'] }]);
    const nth = nthTime();
    server.respond((ctx) => {
      const prompt = ctx.lastUserMessage!;
      const item = itemOf(prompt);
      const n = nth(ctx);
      if (prompt.includes('失眠')) return item === 4 ? '我的评分是2分' : item === 10 ? '1' : '根据指南，双方关系良好。\n评分：6';
      if (item === 5) return n === 1 ? 'I cannot judge this from the dialogue.' : 'Score: 3';
      if (item === 7) return '来访者与咨询师的关系难以判断。';
      return 'Score: 5';
    });
    const start = { measure: 'wai' as const, a: { runIds: runs }, endpointId, rounds: 2, concurrency: 3 };
    const job = judge.create(start);
    const plan = judge.plan(job.id);
    expect(plan).toMatchObject({ questions: 48, answered: 0, calls: 48 });
    expect(plan.cost).toBeCloseTo((plan.promptTokens * 2 + plan.completionTokens * 8) / 1e6, 12);
    expect(plan.completionTokens).toBe(48 * 8);

    const { job: ended, evaluation } = await judge.execute(job.id);
    expect(ended.status).toBe('done');
    // 48 questions, one retry of item 5, and item 7 of session b tried 3 times in each of 2 rounds.
    expect(chatCalls()).toHaveLength(48 + 1 + 4);
    const r = evaluation!.a as WaiResult;
    expect(r.sessions.map((s) => [s.goal, s.task, s.bond])).toEqual([[6.25, 6, 6], [4, 5, null]]);
    expect(r.sessions[1]!.items[4]).toEqual({ item: 5, scores: [3, 3], mean: 3 });
    expect(r.sessions[1]!.items[6]).toEqual({ item: 7, scores: [null, null], mean: null });
    expect(r.missing).toBe(2);
    expect(r.goal).toMatchObject({ mean: 5.125, n: 2 });
    expect(r.bond).toEqual({ mean: 6, sd: null, n: 1 });
    expect(evaluation!.tally).toMatchObject({ calls: 53, cached: 0 });
    expect(JSON.parse(JSON.stringify(evaluation))).toEqual(evaluation);

    // The same evaluation again: every answer is stored, nothing is asked.
    const again = judge.create(start);
    expect(judge.plan(again.id)).toMatchObject({ questions: 48, answered: 48, calls: 0, cost: 0 });
    const second = await judge.execute(again.id);
    expect(chatCalls()).toHaveLength(53);
    expect(second.evaluation!.a).toEqual(r);
    expect(second.evaluation!.tally).toMatchObject({ calls: 0, cached: 53 });
    // And the finished job's result rebuilds from the stored answers alone.
    expect((await judge.result(job.id)).a).toEqual(r);
  });
});

const topicSessions = (tag: string) => Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [`${tag}${i}`, [`我是${tag}${i}号来访者，我很焦虑。`]]));

describe('topic diversity as a job', () => {
  it('pauses with calls in flight stored, and resumes asking only what is left', async () => {
    const { judge, endpointId, runs } = await open([topicSessions('甲')]);
    server.setLatency(60);
    server.respond(() => '["焦虑"]');
    const job = judge.create({ measure: 'topics', a: { runIds: runs }, endpointId, rounds: 3, concurrency: 2 });
    const running = judge.execute(job.id);
    while (chatCalls().length < 4) await sleep(10);
    judge.pause(job.id);
    const paused = await running;
    expect(paused.job.status).toBe('paused');
    expect(paused.evaluation).toBeNull();
    const asked = chatCalls().length;
    expect(asked).toBeLessThan(18);
    expect(judge.plan(job.id)).toMatchObject({ questions: 18, answered: asked, calls: 18 - asked });

    const resumed = await judge.execute(job.id);
    expect(resumed.job.status).toBe('done');
    expect(chatCalls()).toHaveLength(18);
    expect(askedPerPrompt()).toEqual([3, 3, 3, 3, 3, 3]); // each session's prompt once per round, never again
    expect(resumed.evaluation!.tally).toEqual({ calls: 18 - asked, cached: asked, cost: expect.any(Number) });
    expect((resumed.evaluation!.a as TopicsResult).rounds.map((x) => x.counts['焦虑'])).toEqual([6, 6, 6]);
  });

  it('cancels, aborting calls in flight; a new evaluation reuses what was stored', async () => {
    const { judge, endpointId, runs } = await open([topicSessions('乙')]);
    server.setLatency(60);
    server.respond(() => '["焦虑"]');
    const start = { measure: 'topics' as const, a: { runIds: runs }, endpointId, rounds: 3, concurrency: 2 };
    const job = judge.create(start);
    const running = judge.execute(job.id);
    while (chatCalls().length < 4) await sleep(10);
    judge.cancel(job.id);
    expect((await running).job.status).toBe('cancelled');
    const stored = judge.plan(job.id).answered;
    const asked = chatCalls().length;
    expect(stored).toBeLessThan(asked + 1);
    const fresh = await judge.execute(judge.create(start).id);
    expect(fresh.job.status).toBe('done');
    expect(chatCalls().length - asked).toBe(18 - stored);
  });

  it('waits out a rate limit, fails naming the question when the judge refuses, and resumes where it stopped', async () => {
    const { judge, endpointId, runs } = await open([topicSessions('丙')]);
    server.respond(() => '焦虑');
    server.enqueue({ fault: 'rate_limit', retryAfter: 0.05 }, '["焦虑"]', '["焦虑"]', { fault: 'unauthorized' });
    const job = judge.create({ measure: 'topics', a: { runIds: runs }, endpointId, rounds: 3, concurrency: 1 });
    const failed = await judge.execute(job.id);
    expect(failed.job.status).toBe('failed');
    expect(failed.job.error).toMatch(/^The judge failed on session \d+, round 3 \(attempt 1\): .*Fix the endpoint, then resume the evaluation; the 2 answers so far are kept\./);
    const resumed = await judge.execute(job.id);
    expect(resumed.job.status).toBe('done');
    expect(chatCalls()).toHaveLength(1 + 3 + 16); // the 429, two answers and the 401, then the other 16
  });

  it('sends a question shared by two compared datasets once, even when both ask it at the same moment', async () => {
    const { judge, endpointId, runs } = await open([{ a: ['我是A。'], b: ['我是B。'], c: ['我是C。'] }]);
    server.setLatency(50);
    server.respond(() => '["焦虑"]');
    const { job, evaluation } = await judge.execute(judge.create({ measure: 'topics', a: { runIds: runs }, b: { runIds: runs }, endpointId, rounds: 2, concurrency: 12 }).id);
    expect(job.status).toBe('done');
    expect(chatCalls()).toHaveLength(6);
    expect(evaluation!.tally).toMatchObject({ calls: 6, cached: 6 });
    expect(evaluation!.b).toEqual(evaluation!.a);
  });

  it('compares two datasets by a t-test over the rounds\' entropies', async () => {
    const { judge, endpointId, runs } = await open([
      { a1: ['我是A1。'], a2: ['我是A2。'], a3: ['我是A3。'] },
      { b1: ['我是B1。'], b2: ['我是B2。'], b3: ['我是B3。'] },
    ]);
    const nth = nthTime();
    const script: Record<string, string[]> = {
      A1: ['["焦虑"]'], A2: ['["焦虑", "睡眠问题"]'], A3: ['["家庭冲突"]', '1. 焦虑', '工作压力、拖延症'],
      B1: ['["恋爱关系"]'], B2: ['```json\n["恋爱关系"]\n```'], B3: ['["恋爱关系"]', '["焦虑"]', '睡眠问题，焦虑'],
    };
    server.respond((ctx) => {
      const who = /我是([AB]\d)。/u.exec(ctx.lastUserMessage!)![1]!;
      const replies = script[who]!;
      return replies[Math.min(nth(ctx), replies.length) - 1]!;
    });
    const { evaluation } = await judge.execute(judge.create({ measure: 'topics', a: { runIds: [runs[0]!] }, b: { runIds: [runs[1]!] }, endpointId, rounds: 3, concurrency: 1 }).id);
    const a = evaluation!.a as TopicsResult;
    const b = evaluation!.b as TopicsResult;
    // Hand-computed: A rounds H(2,1,1) = 1.5, H(3,1), H(2,1,1); B rounds H(3) = 0, H(2,1), H(2,1,1).
    // (scipy 1.17.1 entropy(counts, base=2); it divides natural logs, so the last digit may differ)
    const near = (actual: (number | null)[], expected: number[]) => actual.forEach((h, i) => expect(Math.abs(h! - expected[i]!)).toBeLessThanOrEqual(1e-15));
    near(a.rounds.map((x) => x.entropy), [1.5, 0.8112781244591328, 1.5]);
    near(b.rounds.map((x) => x.entropy), [0, 0.9182958340544894, 1.5]);
    expect(a.outside).toEqual({ 拖延症: 1 });
    expect(a.rounds[2]!.outside).toEqual({ 拖延症: 1 });
    // scipy 1.17.1: ttest_ind([1.5, 0.8112781244591328, 1.5], [0.0, 0.9182958340544894, 1.5]) and equal_var=False
    const tests = evaluation!.tests as { entropy: { student: { t: number; p: number }; welch: { df: number; p: number } } };
    expect(tests.entropy.student.t).toBeCloseTo(0.9412555365164063, 12);
    expect(tests.entropy.student.p).toBeCloseTo(0.3998676484283931, 12);
    expect(tests.entropy.welch.df).toBeCloseTo(3.027286847966855, 12);
    expect(tests.entropy.welch.p).toBeCloseTo(0.41544489664396134, 12);
  });
});
