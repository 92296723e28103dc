import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext } from '../../src-main/app/context';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { collectPageErrors, launchBrowser } from '../support/browser';
import { simpsy } from '../support/cli';
import { tempDbPath, tempDir } from '../support/temp';
import { cardA, cardB, cardC, seedRun } from './support';

// The measures a model computes (semantic, topics, WAI) are kept like stats and overlap: the
// built `simpsy eval semantic|topics|wai` stores each result, `eval list` lists it, `eval
// show` reopens it without a call, and `eval report` writes it with its charts, which
// Chromium shows (SVGs counted; screenshots in test-results/screenshots/report-*.png).

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const lastLine = (stdout: string) => JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as Record<string, any>;
const screenshots = resolve(__dirname, '../../test-results/screenshots');

let server: LlmServer;
beforeAll(async () => {
  server = await startLlmServer({ models: ['test-model', 'bge-m3'] });
  server.respond((ctx) => {
    const topics = /来访者的话语开始\n([\s\S]*)\n来访者的话语结束/u.exec(ctx.lastUserMessage ?? '');
    if (topics) {
      const text = topics[1]!;
      if (text.includes('失眠')) return '["睡眠问题", "焦虑"]';
      if (text.includes('工作')) return '["工作压力", "加班"]'; // 加班 is not on the list
      return '["宿舍与室友关系"]';
    }
    return (ctx.lastUserMessage ?? '').includes('失眠') ? '我的评分是6分' : 'Score: 4';
  });
});
afterAll(() => server.close());

const calls = (path: string) => server.requests.filter((r) => r.path === path).length;

async function seededDb(): Promise<string> {
  const db = tempDbPath();
  const ctx = createAppContext({ dbPath: db });
  try {
    await seedRun(ctx, 'zh', [
      { cardText: cardA, messages: ['你好', '请说。', '我最近总是失眠，和家人关系紧张。', '再见'] },
      { cardText: cardB, messages: ['你好', '请说。', '工作压力大，总是加班。', '再见'] },
      { cardText: cardC, messages: ['你好', '请说。', '我和室友关系不好。', '再见'] },
    ], '模拟一');
    await seedRun(ctx, 'zh', [
      { cardText: cardA, messages: ['你好', '请说。', '睡不好。', '再见'] },
      { cardText: cardB, messages: ['你好', '请说。', '工作很累。', '再见'] },
      { cardText: cardC, messages: ['你好', '请说。', '室友很吵。', '再见'] },
    ], '真实');
  } finally {
    ctx.close();
  }
  for (const [name, model] of [['judge', 'test-model'], ['embedder', 'bge-m3']]) {
    expect(await simpsy(['--db', db, 'endpoints', 'add', '--name', name!, '--base-url', server.url, '--model', model!, '--price-input', '1', '--price-output', '2'])).toMatchObject({ code: 0 });
  }
  return db;
}

describe('semantic, topics and WAI are kept as evaluations', () => {
  it('each is stored, listed, shown without a call, and reported with its charts in zh and en', async () => {
    const db = await seededDb();
    const cwd = tempDir();
    const base = ['--db', db, 'eval'];
    const both = ['--runs', '1', '--compare', '2'];

    // Semantic is a job with a plan: the two runs share their 3 cards, and their 6 client texts
    // differ: 9 distinct texts; A's 6 in one request, then B's 3 clients in another.
    const plan = await simpsy([...base, 'semantic', ...both, '--embed', 'embedder', '--plan', '--json']);
    expect(plan).toMatchObject({ code: 0 });
    expect(lastLine(plan.stdout)).toMatchObject({ measure: 'semantic', unit: 'texts', total: 9, answered: 0, calls: 2, completionTokens: 0 });
    expect(calls('/v1/embeddings')).toBe(0);
    const semantic = await simpsy([...base, 'semantic', ...both, '--embed', 'embedder', '--json']);
    expect(semantic).toMatchObject({ code: 0, stderr: '' });
    expect(semantic.stdout).toMatch(/^Plan: 9 distinct texts, 0 from the cache; 2 requests to make, about \d+ tokens, about \$0\.\d{4}\./);
    const s = lastLine(semantic.stdout);
    expect(s).toMatchObject({ a: { n: 3 }, b: { n: 3 }, evaluationId: 1 });
    expect(calls('/v1/embeddings')).toBe(2);

    const topics = lastLine((await simpsy([...base, 'topics', ...both, '--judge', 'judge', '--rounds', '2', '--json'])).stdout);
    expect(topics).toMatchObject({ evaluationId: 2, a: { outside: { 加班: 2 } } });
    const wai = lastLine((await simpsy([...base, 'wai', ...both, '--judge', 'judge', '--rounds', '2', '--json'])).stdout);
    expect(wai).toMatchObject({ evaluationId: 3, a: { n: 3, missing: 0 } });
    const chat = calls('/v1/chat/completions');
    expect(chat).toBe(6 * 2 + 6 * 12 * 2);

    const list = lastLine((await simpsy([...base, 'list', '--json'])).stdout);
    expect(list.map((e: { measure: string; sizes: object }) => [e.measure, e.sizes])).toEqual([
      ['wai', { a: 3, b: 3 }],
      ['topics', { a: 3, b: 3 }],
      ['semantic', { a: 3, b: 3 }],
    ]);

    // Reopened as printed: the same numbers, per-session scores, and the exact settings (the prompt included).
    const shownSemantic = lastLine((await simpsy([...base, 'show', '1', '--json'])).stdout);
    expect(shownSemantic.summary.a.mapping).toEqual(s.a.mapping);
    expect(shownSemantic.summary.between.student).toEqual(s.student);
    expect(shownSemantic.settings).toMatchObject({ jobId: expect.any(Number), model: 'bge-m3', seed: 1, endpoint: server.url });
    expect(shownSemantic.scores.filter((x: { dataset: string }) => x.dataset === 'a').map((x: { values: { mapping: number } }) => x.values.mapping)).toEqual(
      s.a.sessions.map((x: { mapping: number }) => x.mapping),
    );
    const shownTopics = lastLine((await simpsy([...base, 'show', '2', '--json'])).stdout);
    expect(shownTopics.summary.a.entropy).toEqual(topics.a.entropy);
    expect(shownTopics.summary.between.student).toEqual(topics.student);
    expect(shownTopics.settings.template).toContain('来访者的话语开始');
    expect(shownTopics.scores[0].values).toMatchObject({ topics_1: '睡眠问题 | 焦虑', outside_1: '' });
    const shownWai = lastLine((await simpsy([...base, 'show', '3', '--json'])).stdout);
    expect(shownWai.summary.a.goal).toEqual(wai.a.goal);
    expect(shownWai.summary.between.task.student).toEqual(wai.task.student);
    // Session 1 scored 6 everywhere: items 4 and 10 reversed to 2.
    expect(shownWai.scores[0].values).toMatchObject({ goal: 4, task: 6, bond: 6, item_4: 2, item_1: 6, missing: 0 });
    const table = await simpsy([...base, 'show', '3']);
    expect(table.stdout).toMatch(/Goal: mean ± sd \(sessions\)\s+4\.000 ± 0\.000 \(3\)\s+4\.000 ± 0\.000 \(3\)/);
    expect(table.stdout).toContain('Task, A vs B: Student t(4) = ');
    expect(calls('/v1/chat/completions') + calls('/v1/embeddings')).toBe(chat + 2); // nothing called to show them

    mkdirSync(screenshots, { recursive: true });
    const browser = await launchBrowser();
    try {
      const page = await (await browser.newContext({ viewport: { width: 960, height: 900 }, offline: true })).newPage();
      const errors: string[] = [];
      collectPageErrors(page, errors);
      for (const [id, measure, svgs, heading] of [
        ['1', 'semantic', 2, { zh: '语义一致性（公式 2）', en: 'Semantic consistency (Eq. 2)' }],
        ['2', 'topics', 1, { zh: '话题多样性', en: 'Topic diversity' }],
        ['3', 'wai', 1, { zh: '工作联盟（WAI-O-S）', en: 'Working alliance (WAI-O-S)' }],
      ] as const) {
        for (const lang of ['zh', 'en'] as const) {
          const file = join(cwd, `report-${measure}-${lang}.html`);
          expect(await simpsy([...base, 'report', id, file, '--lang', lang])).toMatchObject({ code: 0 });
          await page.goto(`file://${file}`);
          await expect.poll(() => page.locator('figure svg').count()).toBe(svgs);
          expect(await page.locator('h1').textContent()).toBe(heading[lang]);
          await page.screenshot({ path: join(screenshots, `report-${measure}-${lang}.png`), fullPage: true });
        }
      }
      await page.goto(`file://${join(cwd, 'report-topics-zh.html')}`);
      expect(await page.locator('figure').textContent()).toContain('加班（列表外）');
      expect(await page.locator('figure').textContent()).toContain('熵 A 对 B');
      await page.goto(`file://${join(cwd, 'report-wai-en.html')}`);
      expect(await page.locator('figure').textContent()).toContain('Bond');
      expect(await page.locator('.test').allTextContents()).toHaveLength(3);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 300_000);
});
