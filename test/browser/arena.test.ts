import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext } from '../../src-main/app/context';
import { arenaPlay } from '../arena/support';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { makeCard } from '../role-cards/support';
import { startBridge, type Bridge } from '../support/bridge';
import { openAppWindow, type AppWindow } from '../support/browser';
import { AppPage } from './app-page';

// The Arena section in headless Chromium over the real handlers, against the test LLM server:
// add three counselors (one from a Table 3 preset), plan and start an arena over three fixture
// cards from the window, watch its battles arrive, open one (history, both replies, the
// judge's reasoning), then read the ratings with intervals and both heatmaps, in zh and en.
// A second connection (as the CLI) starts an arena and the window follows it.
// Screenshots: test-results/screenshots/arena-*.png.

const repoRoot = resolve(__dirname, '../..');
const rendererIndex = join(repoRoot, 'out/renderer/index.html');

const complaints = ['最近总是失眠，和妈妈经常吵架。', '工作压力很大，经常加班到深夜。', '考研失败以后一直很沮丧，觉得对不起父母。'];

describe('arena section (headless Chromium, real handlers over the bridge)', () => {
  let dir: string;
  let server: LlmServer;
  let bridge: Bridge;
  let appWindow: AppWindow;
  let page: Page;
  let app: AppPage;

  async function addCounselor(name: string, model: string, preset?: string): Promise<void> {
    await page.getByTestId('counselor-add').click();
    if (preset) await app.pick('counselor-preset', [preset], 'first');
    await page.getByTestId('counselor-name').fill(name);
    await page.getByTestId('counselor-model').fill(model);
    await page.getByTestId('counselor-save').click();
    await page.locator('[data-testid="counselors-table"] tr', { hasText: name }).waitFor();
  }

  beforeAll(async () => {
    if (!existsSync(rendererIndex)) throw new Error(`The renderer is not built (${rendererIndex} is missing): run \`npm run build\` first.`);
    dir = mkdtempSync(join(tmpdir(), 'simpsy-arena-ui-'));
    // Slow enough that battles arrive one by one while the window watches.
    server = await startLlmServer({ models: ['test-model', 'alpha', 'beta', 'gamma', 'judge'], latencyMs: 100 });
    server.respond(arenaPlay());
    bridge = await startBridge({ dbPath: join(dir, 'simpsy.db'), systemLocale: 'zh-CN' });
    bridge.ctx.endpoints.create({ name: 'local', baseUrl: server.url, model: 'test-model', priceInputPerM: 0.5, priceOutputPerM: 1.5 });
    for (const complaint of complaints) bridge.ctx.cards.create(makeCard({ chiefComplaint: complaint }));
    appWindow = await openAppWindow(bridge, { locale: 'zh-CN', viewport: { width: 1280, height: 900 }, timeoutMs: 20_000 });
    page = appWindow.page;
    app = new AppPage(page);
  }, 120_000);

  afterAll(async () => {
    await appWindow?.close();
    await bridge?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('adds three counselors, runs an arena from the window, shows battles as they arrive and the ratings with intervals and both heatmaps', async () => {
    await app.goTo('arena');
    // No counselors yet: the empty state says what to do first, and adds one.
    await page.getByTestId('empty-arena').waitFor();
    await app.screenshot('arena-empty-zh');
    await addCounselor('alpha', 'alpha', 'SoulChat');
    // From the first counselor on, the section opens on the counselors until there are two.
    await page.getByTestId('counselors-card').waitFor();
    await addCounselor('beta', 'beta');
    await addCounselor('gamma', 'gamma');
    const counselors = bridge.ctx.arena.counselors.list();
    expect(counselors.map((c) => [c.name, c.model, c.temperature, c.topP, c.preset])).toEqual([
      ['alpha', 'alpha', 0.95, 0.75, 'SoulChat'],
      ['beta', 'beta', null, null, null],
      ['gamma', 'gamma', null, null, null],
    ]);
    await app.screenshot('arena-counselors-zh');

    // The plan first (calls and cost), then the start.
    await page.getByTestId('arena-tab-runs').click();
    await page.getByTestId('arena-new').click();
    await app.pick('arena-counselors', ['alpha', 'beta', 'gamma'], 'first');
    await page.getByTestId('arena-judge-model').fill('judge');
    await page.getByTestId('arena-cards').getByText('全部卡片').click();
    await page.locator('#maxTurns').fill('3');
    // One call at a time, so the battles arrive one by one while the window watches.
    await page.locator('#concurrency').fill('1');
    await page.getByTestId('arena-plan-button').click();
    const plan = page.getByTestId('arena-plan');
    await plan.waitFor();
    const planText = (await plan.textContent()) ?? '';
    expect(planText).toContain('3 张卡，共 3 场会谈');
    expect(planText).toContain('最多 33 次调用');
    expect(planText).toMatch(/费用最多约 \$\d/);
    expect(bridge.ctx.arena.list()).toHaveLength(0);
    await app.screenshot('arena-plan-zh');
    await page.getByTestId('arena-start').click();

    // Battles arrive while the arena runs: the count shown grows, step by step, to 9.
    const seen = new Set<string>();
    const count = page.getByTestId('arena-battle-count');
    await count.waitFor();
    await expect
      .poll(
        async () => {
          const shown = (await count.textContent()) ?? '';
          seen.add(shown);
          return shown;
        },
        { timeout: 60_000, interval: 50 },
      )
      .toBe('9');
    // Partial counts were shown on the way: the view followed the arena as it ran.
    expect([...seen].filter((v) => /^[1-8]$/.test(v)).length).toBeGreaterThan(1);
    await page.locator('[data-testid="arena-status"]', { hasText: '已完成' }).waitFor({ timeout: 30_000 }).catch(() => undefined);
    await expect.poll(() => page.locator('[data-testid="arena-battles"] tbody tr.ant-table-row').count()).toBe(9);
    await app.screenshot('arena-battles-zh');

    // One battle: the history both replied to, both replies (the winner marked), the judge's reasoning.
    await page.locator('[data-testid="arena-battles"] tbody tr.ant-table-row', { hasText: '第 3 轮' }).first().click();
    const drawer = page.getByTestId('battle-drawer');
    await drawer.getByTestId('battle-reasoning').waitFor();
    expect(await drawer.getByTestId('battle-reasoning').textContent()).toContain('最后的选择');
    expect(await drawer.getByTestId('battle-reply-won').count()).toBe(1);
    expect(await drawer.getByTestId('chat').textContent()).toContain('你好');
    await app.screenshot('arena-battle-zh');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    // Ratings: the table (Table 4) and three charts, from the judge's verdicts.
    await page.getByTestId('arena-tab-ratings').click();
    await page.getByTestId('ratings-source-judge').click();
    await expect.poll(async () => (await page.getByTestId('ratings-basis').textContent()) ?? '', { timeout: 30_000 }).toContain('9 场对战 · 95% 置信区间来自 1000 次自助抽样（种子 42）');
    const rows = page.locator('[data-testid="ratings-table"] tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.first().textContent()).toMatch(/^alpha/);
    // Intervals as numbers "lo – hi", the CLI's ratings for the same battles and seed.
    expect(await rows.first().textContent()).toMatch(/\d+\.\d – \d+\.\d/);
    for (const key of ['ratings', 'battle-counts', 'win-rates']) {
      const svg = page.getByTestId(`chart-arena-${key}`).locator('svg').first();
      await svg.waitFor();
      expect((await svg.locator('path, rect').count()) > 5).toBe(true);
    }
    expect(await page.getByTestId('chart-arena-battle-counts').locator('svg').first().textContent()).toContain('每对咨询师的对战数');
    await page.getByTestId('arena-ratings').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await app.screenshot('arena-ratings-zh');
    await page.getByTestId('chart-arena-battle-counts').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await app.screenshot('arena-heatmaps-zh');

    // A heatmap as SVG, through the file dialog and the safe export path.
    const svgFile = join(dir, 'figure-14.svg');
    bridge.filePicks.push(svgFile);
    await page.getByTestId('chart-arena-battle-counts-export').click();
    await page.getByTestId('chart-arena-battle-counts-svg').click();
    await expect.poll(() => existsSync(svgFile), { timeout: 15_000 }).toBe(true);
    expect(readFileSync(svgFile, 'utf8')).toContain('每对咨询师的对战数');

    // No human has judged: that source has nothing to rate.
    await page.getByTestId('ratings-source-human').click();
    await page.locator('[data-testid="arena-ratings"]', { hasText: '这个来源还没有评判过的对战' }).waitFor();

    // In English.
    await app.goTo('settings');
    await app.chooseLanguage('en');
    await app.waitForTitle('Settings');
    await app.goTo('arena');
    await page.getByTestId('arena-tab-ratings').click();
    await page.getByTestId('ratings-source-all').click();
    await expect.poll(async () => (await page.getByTestId('ratings-basis').textContent()) ?? '', { timeout: 30_000 }).toContain('9 battles');
    await page.getByTestId('chart-arena-ratings').locator('svg').first().waitFor();
    expect(await page.getByTestId('chart-arena-ratings').locator('svg').first().textContent()).toContain('Ratings with 95% intervals');
    await page.getByTestId('arena-ratings').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await app.screenshot('arena-ratings-en');
    await page.getByTestId('chart-arena-win-rates').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await app.screenshot('arena-heatmaps-en');
    await page.evaluate('window.scrollTo(0, 0)');
    await app.screenshot('arena-runs-en');
    expect(appWindow.errors).toEqual([]);
  }, 240_000);

  it('follows an arena another process (the CLI) runs on the same database', async () => {
    const cli = createAppContext({ dbPath: join(dir, 'simpsy.db') });
    try {
      const endpoint = cli.endpoints.getByName('local');
      const created = cli.arena.create({ counselors: ['beta', 'gamma'], client: { endpointId: endpoint.id }, judge: { endpointId: endpoint.id, model: 'judge' }, cards: {}, maxTurns: 2, title: 'CLI arena' });
      const row = page.locator('[data-testid="arena-runs"] tr', { hasText: `#${created.id} ·` });
      await row.waitFor({ timeout: 15_000 });
      await row.click();
      await page.getByTestId('arena-tab-battles').click();
      await cli.arena.execute(created.id);
      await expect.poll(async () => (await page.getByTestId('arena-battle-count').textContent()) ?? '', { timeout: 20_000 }).toBe('6');
      await expect.poll(() => page.locator('[data-testid="arena-battles"] tbody tr.ant-table-row').count()).toBe(6);
      expect(appWindow.errors).toEqual([]);
    } finally {
      cli.close();
    }
  }, 120_000);
});
