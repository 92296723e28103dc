import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { agentOf, counselorTurnsBefore, paperFixtures } from '../simulation/support';
import { startBridge, type Bridge } from '../support/bridge';
import { openAppWindow, type AppWindow } from '../support/browser';
import { simpsy } from '../support/cli';
import { AppPage } from './app-page';

// Issue 9's "Done when", from the window: the fixture cards simulated against the test server
// (by the built CLI, on the same database) and the released dialogue imported with its card
// form dataset A; every measure runs from the Evaluation section on it and opens its result.
// Screenshots: test-results/screenshots/evaluation-released-*.png.

const rendererIndex = join(resolve(__dirname, '../..'), 'out/renderer/index.html');

describe('every measure from the window on simulated fixture cards and the released dialogue', () => {
  let dir: string;
  let db: string;
  let server: LlmServer;
  let bridge: Bridge;
  let appWindow: AppWindow;
  let page: Page;
  let app: AppPage;

  beforeAll(async () => {
    if (!existsSync(rendererIndex)) throw new Error(`The renderer is not built (${rendererIndex} is missing): run \`npm run build\` first.`);
    server = await startLlmServer({ models: ['test-model', 'bge-m3'] });
    server.respond((ctx) => {
      const user = ctx.lastUserMessage ?? '';
      if (/来访者的话语开始\n/u.test(user)) return user.includes('睡') ? '["睡眠问题", "家庭关系"]' : '["情绪波动"]';
      if (user.includes('问卷题目')) return '我的评分是5分';
      const turn = counselorTurnsBefore(ctx) + 1;
      if (agentOf(ctx) === 'counselor') return turn >= 3 ? '好的，今天就到这里，再见' : '能具体说说吗？';
      const complaint = (ctx.systemPrompt ?? '').split('来访者的主诉问题：')[1] ?? '';
      return `${complaint.slice(turn * 15, turn * 15 + 40)}。`;
    });
    dir = mkdtempSync(join(tmpdir(), 'simpsy-eval-released-'));
    db = join(dir, 'simpsy.db');
    const ok = async (args: string[]) => expect(await simpsy(['--db', db, ...args])).toMatchObject({ code: 0 });
    await ok(['endpoints', 'add', '--name', 'local', '--base-url', server.url, '--model', 'test-model']);
    await ok(['cards', 'import', paperFixtures]);
    await ok(['simulate', '--client', 'local', '--counselor', 'local', '--cards', 'test', '--max-turns', '10', '--title', '模拟对话']);
    await ok(['dialogues', 'import', join(paperFixtures, 'dialogue'), '--cards', paperFixtures, '--split', 'test', '--title', '公开对话']);
    bridge = await startBridge({ dbPath: db, systemLocale: 'zh-CN' });
    appWindow = await openAppWindow(bridge, { locale: 'zh-CN', viewport: { width: 1280, height: 900 }, timeoutMs: 20_000 });
    page = appWindow.page;
    app = new AppPage(page);
  }, 180_000);

  afterAll(async () => {
    await appWindow?.close();
    await bridge?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('stats, overlap, semantic, topics and WAI each run and open their result', async () => {
    await app.goTo('evaluation');
    await page.getByTestId('evaluation-new').waitFor();
    await page.getByTestId('measure-stats').click();
    // Dataset A starts as the newest run (the released dialogue); add the simulated one.
    await page.getByTestId('dataset-a-runs').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '模拟对话' }).click();
    await page.keyboard.press('Escape');
    for (const measure of ['stats', 'overlap', 'semantic', 'topics', 'wai'] as const) {
      await page.evaluate('window.scrollTo(0, 0)');
      await page.getByTestId(`measure-${measure}`).click();
      if (measure === 'topics' || measure === 'wai') await page.getByTestId('evaluation-rounds').locator('input').fill('1');
      await page.getByTestId('evaluation-run').click();
      if (measure === 'semantic' || measure === 'topics' || measure === 'wai') {
        await page.getByTestId('evaluation-plan').waitFor();
        await page.getByTestId('evaluation-start').click();
      }
      const result = page.locator(`[data-testid="evaluation-result"][data-measure="${measure}"]`);
      await result.waitFor({ timeout: 120_000 });
      const stored = bridge.ctx.evaluation.results.get(Number(await result.getAttribute('data-evaluation-id')));
      expect(stored.scores.length, measure).toBe(7); // six simulated sessions and the released one
      await result.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await app.screenshot(`evaluation-released-${measure}-zh`);
    }
    expect(appWindow.errors).toEqual([]);
  }, 600_000);
});
