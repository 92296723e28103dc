import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedRun, type SessionPlan } from '../evaluation/support';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { startBridge, type Bridge } from '../support/bridge';
import { openAppWindow, type AppWindow } from '../support/browser';
import { AppPage } from './app-page';

// The measures a model computes, run from the Evaluation section in headless Chromium over
// the real handlers, against the test LLM server: semantic (embeddings), topics and WAI (a
// judge). Each shows its plan before any call, runs as a job (WAI is paused and resumed from
// the window), and opens its kept evaluation with its charts. Screenshots in zh and en:
// test-results/screenshots/evaluation-{semantic,topics,wai}-*.png.

const rendererIndex = join(resolve(__dirname, '../..'), 'out/renderer/index.html');

const complaints = ['最近总是失眠，晚上脑子停不下来。', '工作压力很大，经常加班到深夜。', '和室友关系紧张，觉得自己被孤立。', '考试前特别紧张，脑子一片空白。'];
const card = (i: number) => `性别：${i % 2 ? '男性' : '女性'}\n职业：${['护士', '程序员', '大学生', '高中生'][i % 4]}\n来访者的主诉问题：${complaints[i % 4]}`;
const plans = (faithful: boolean): SessionPlan[] =>
  complaints.map((c, i) => ({
    cardText: card(i),
    messages: ['你好', '今天想聊些什么？', faithful ? c : '最近心情不太好。', '能多说一些吗？', faithful ? c.slice(2) : '说不上来。', '我们下次再聊，再见'],
  }));

/** The judge: topics by the client's words (one outside the list), WAI 6 for the sleepless, else 4. */
function judge(text: string): string {
  const client = /来访者的话语开始\n([\s\S]*)\n来访者的话语结束/u.exec(text);
  if (client) {
    const said = client[1]!;
    if (said.includes('失眠')) return '["睡眠问题", "焦虑"]';
    if (said.includes('工作')) return '["工作压力", "加班"]';
    if (said.includes('室友')) return '["宿舍与室友关系"]';
    if (said.includes('考试')) return '["考试焦虑"]';
    return '["情绪波动"]';
  }
  return text.includes('失眠') ? '我的评分是6分' : '评分：4';
}

let held: { promise: Promise<void>; release: () => void } | null = null;
function hold(): void {
  let release!: () => void;
  held = { promise: new Promise<void>((r) => (release = r)), release };
}

describe('semantic, topics and WAI from the Evaluation section (headless Chromium, test LLM server)', () => {
  let dir: string;
  let server: LlmServer;
  let bridge: Bridge;
  let appWindow: AppWindow;
  let page: Page;
  let app: AppPage;

  /** Plans the measure, checks the plan, starts it, and waits for its evaluation to open. */
  async function planAndRun(measure: 'semantic' | 'topics' | 'wai', plan: RegExp, screenshot: string): Promise<number> {
    await page.evaluate('window.scrollTo(0, 0)');
    await page.getByTestId(`measure-${measure}`).click();
    const before = server.requests.length;
    await page.getByTestId('evaluation-run').click();
    const dialog = page.getByTestId('evaluation-plan');
    await expect.poll(() => dialog.textContent()).toMatch(plan);
    expect(server.requests.length).toBe(before); // planning calls nothing
    await app.screenshot(`${screenshot}-plan`);
    await page.getByTestId('evaluation-start').click();
    const result = page.locator(`[data-testid="evaluation-result"][data-measure="${measure}"]`);
    await result.waitFor({ timeout: 90_000 });
    return Number(await result.getAttribute('data-evaluation-id'));
  }

  async function shoot(key: string, name: string): Promise<void> {
    const chart = page.getByTestId(`chart-${key}`);
    await chart.locator('svg').first().waitFor();
    await chart.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await app.screenshot(name);
  }

  beforeAll(async () => {
    if (!existsSync(rendererIndex)) throw new Error(`The renderer is not built (${rendererIndex} is missing): run \`npm run build\` first.`);
    server = await startLlmServer({ models: ['test-model', 'bge-m3'] });
    server.respond(async (ctx) => {
      // Held while a test pauses the job: the calls in flight wait here until it lets them go.
      if (held) await held.promise;
      return judge(ctx.lastUserMessage ?? '');
    });
    dir = mkdtempSync(join(tmpdir(), 'simpsy-eval-models-'));
    bridge = await startBridge({ dbPath: join(dir, 'simpsy.db'), systemLocale: 'zh-CN' });
    await seedRun(bridge.ctx, 'zh', plans(true), '模拟对话');
    await seedRun(bridge.ctx, 'zh', plans(false), '对照对话');
    bridge.ctx.endpoints.create({ name: 'local', baseUrl: server.url, model: 'test-model', priceInputPerM: 1, priceOutputPerM: 2 });
    appWindow = await openAppWindow(bridge, { locale: 'zh-CN', viewport: { width: 1280, height: 900 }, timeoutMs: 20_000 });
    page = appWindow.page;
    app = new AppPage(page);
    await app.goTo('evaluation');
    await page.getByTestId('evaluation-new').waitFor();
    await page.getByTestId('measure-semantic').click();
    await app.pick('dataset-a-runs', ['对照对话', '模拟对话']);
    await page.getByTestId('evaluation-compare').click();
    await app.pick('dataset-b-runs', ['对照对话']);
  }, 120_000);

  afterAll(async () => {
    await appWindow?.close();
    await bridge?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('semantic: plan of the texts to embed, then the histograms of mapping vs random', async () => {
    // A's 4 cards and 4 clients, then B's clients (the same cards; all four say the same): 9 texts in 2 requests.
    const id = await planAndRun('semantic', /共 9 段不同文本，其中 0 段已嵌入.*需要调用 2 次/s, 'evaluation-semantic-zh');
    const stored = bridge.ctx.evaluation.results.get(id);
    expect(stored.measure).toBe('semantic');
    expect(stored.settings).toMatchObject({ model: 'bge-m3', seed: 1 });
    expect(server.requests.filter((r) => r.path === '/v1/embeddings')).toHaveLength(2);
    expect(await page.getByTestId('evaluation-tests').textContent()).toMatch(/对应角色卡组，A vs B: Student t\(6\)/);
    for (const k of ['a', 'b']) expect(await page.getByTestId(`chart-semantic-${k}`).locator('svg').first().textContent()).toContain('余弦相似度');
    await shoot('semantic-a', 'evaluation-semantic-zh');
    // A second plan finds every text cached.
    await page.evaluate('window.scrollTo(0, 0)');
    await page.getByTestId('evaluation-run').click();
    await expect.poll(() => page.getByTestId('evaluation-plan').textContent()).toMatch(/其中 9 段已嵌入.*需要调用 0 次/s);
    await page.locator('.ant-modal:visible .ant-btn').first().click();
    await page.getByTestId('evaluation-plan').waitFor({ state: 'hidden' });
    expect(appWindow.errors).toEqual([]);
  }, 180_000);

  it('topics: frequencies of two datasets with the outside names and the entropy test', async () => {
    await page.getByTestId('measure-topics').click();
    await page.getByTestId('evaluation-rounds').locator('input').fill('2');
    // 8 sessions × 2 rounds, at $1 / $2 per million tokens.
    await planAndRun('topics', /共 16 个问题，其中 0 个已有存储的回答.*需要调用 16 次.*约 \$0\.\d{4}/s, 'evaluation-topics-zh');
    const svg = await page.getByTestId('chart-topics').locator('svg').first().textContent();
    expect(svg).toContain('加班（列表外）');
    expect(svg).toContain('熵 A 对 B');
    expect(await page.getByTestId('evaluation-table').textContent()).toContain('加班 2');
    await shoot('topics', 'evaluation-topics-zh');
    expect(appWindow.errors).toEqual([]);
  }, 180_000);

  it('WAI: the job is paused and resumed from the window, then the Goal/Task/Bond box plots', async () => {
    await page.evaluate('window.scrollTo(0, 0)');
    await page.getByTestId('measure-wai').click();
    await page.getByTestId('evaluation-rounds').locator('input').fill('2');
    await page.getByTestId('evaluation-run').click();
    await expect.poll(() => page.getByTestId('evaluation-plan').textContent()).toMatch(/共 192 个问题/); // 8 sessions × 12 items × 2 rounds
    hold();
    await page.getByTestId('evaluation-start').click();
    const job = page.getByTestId('evaluation-job');
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 30_000 }).toBe('running');
    await page.getByTestId('evaluation-pause').click();
    held!.release(); // the calls in flight answer, are kept, and nothing new starts
    held = null;
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 30_000 }).toBe('paused');
    const asked = server.requests.filter((r) => r.path === '/v1/chat/completions').length;
    await app.screenshot('evaluation-wai-paused-zh');
    await page.getByTestId('evaluation-resume').click();
    const result = page.locator('[data-testid="evaluation-result"][data-measure="wai"]');
    await result.waitFor({ timeout: 90_000 });
    // Resuming asked only what the pause left. B's four clients say the same words, so identical
    // requests are asked once and their stored answer reused: topics 4×2 + 1×2 = 10 calls,
    // WAI 4×12×2 + 1×12×2 = 120 calls.
    expect(server.requests.filter((r) => r.path === '/v1/chat/completions').length).toBe(10 + 120);
    expect(asked).toBeLessThan(10 + 120);
    const stored = bridge.ctx.evaluation.results.get(Number(await result.getAttribute('data-evaluation-id')));
    expect(stored.summary).toMatchObject({ a: { n: 4, missing: 0, goal: { n: 4 } }, b: { n: 4, goal: { mean: 4, sd: 0 } } });
    expect(await page.getByTestId('chart-wai').locator('svg').first().textContent()).toContain('情感联结');
    await shoot('wai', 'evaluation-wai-zh');

    // In English, each kept evaluation reopens with its charts, nothing recomputed.
    const calls = server.requests.length;
    await app.goTo('settings');
    await app.chooseLanguage('en');
    await app.waitForTitle('Settings');
    await page.reload();
    await app.goTo('evaluation');
    for (const [measure, key] of [['wai', 'wai'], ['topics', 'topics'], ['semantic', 'semantic-a']] as const) {
      const item = page.locator('[data-testid="evaluation-past-item"]', { hasText: { wai: 'Working alliance', topics: 'Topic diversity', semantic: 'Semantic consistency' }[measure] });
      await item.first().click();
      await page.locator(`[data-testid="evaluation-result"][data-measure="${measure}"]`).waitFor();
      await page.getByTestId('evaluation-result').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await app.screenshot(`evaluation-${measure}-table-en`);
      await shoot(key, `evaluation-${measure}-en`);
    }
    expect(await page.getByTestId('chart-topics').count()).toBe(0);
    expect(server.requests.length).toBe(calls);
    expect(appWindow.errors).toEqual([]);
  }, 240_000);
});
