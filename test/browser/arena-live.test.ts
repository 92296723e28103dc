import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arenaPlay } from '../arena/support';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { makeCard } from '../role-cards/support';
import { startBridge, type Bridge } from '../support/bridge';
import { openAppWindow, type AppWindow } from '../support/browser';
import { AppPage } from './app-page';

// The arena's human live mode in headless Chromium over the real handlers, the test LLM
// server playing the AI client and two counselors: a counselor starts a session, judges its
// turns with the keyboard (and a note), sees their choices, and reopens a session that waits
// for a choice after a reload: the same pair, nothing asked of the models again.
// Screenshots (zh and en): test-results/screenshots/arena-live-*.png.

const rendererIndex = join(resolve(__dirname, '../..'), 'out/renderer/index.html');

const complaints = ['最近总是失眠，晚上脑子停不下来，和妈妈经常吵架。', '工作压力很大，经常加班到深夜，担心被领导批评。', '考研失败以后一直很沮丧，觉得对不起父母。'];

describe('human live judging (headless Chromium, real handlers over the bridge)', () => {
  let dir: string;
  let server: LlmServer;
  let bridge: Bridge;
  let appWindow: AppWindow;
  let page: Page;
  let app: AppPage;

  const chatCalls = () => server.requests.filter((r) => r.path === '/v1/chat/completions').length;
  const session = () => page.getByTestId('live-session');
  /** The pair of `turn` shown, waiting for a choice. */
  const waitingAt = (turn: number) =>
    page.locator('[data-testid="live-session"][data-status="waiting"] .ant-card-head-title', { hasText: new RegExp(`^(第 ${turn} 轮|Turn ${turn} )`) }).waitFor({ timeout: 30_000 });

  async function choose(testId: string, label: string): Promise<void> {
    await page.getByTestId(testId).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: label }).first().click();
    await page.locator('.ant-select-dropdown:visible').waitFor({ state: 'hidden' });
  }

  beforeAll(async () => {
    if (!existsSync(rendererIndex)) throw new Error(`The renderer is not built (${rendererIndex} is missing): run \`npm run build\` first.`);
    server = await startLlmServer({ models: ['test-model', 'alpha', 'beta'], latencyMs: 150 });
    server.respond(
      arenaPlay({
        counselor: (ctx, turn) =>
          ctx.model === 'alpha'
            ? `[alpha] 第${turn}轮：听起来这件事让你很疲惫，能具体说说最近一次失眠的晚上，你脑子里在想些什么吗？`
            : `[beta] 第${turn}轮：我理解你的感受。每个人都会遇到困难，重要的是保持积极的心态。`,
      }),
    );
    dir = mkdtempSync(join(tmpdir(), 'simpsy-live-ui-'));
    bridge = await startBridge({ dbPath: join(dir, 'simpsy.db'), systemLocale: 'zh-CN' });
    const endpoint = bridge.ctx.endpoints.create({ name: 'local', baseUrl: server.url, model: 'test-model' });
    for (const name of ['alpha', 'beta']) bridge.ctx.arena.counselors.create({ name, endpointId: endpoint.id, model: name });
    complaints.forEach((chiefComplaint, i) => bridge.ctx.cards.create(makeCard({ chiefComplaint, occupation: ['公司职员', '护士', '研究生'][i]! })));
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

  it('plays a session with the keyboard: each choice is a human battle, the client answers, the next pair appears', async () => {
    await app.goTo('arena');
    await page.getByTestId('live-form').waitFor();
    await choose('live-counselor-a', 'alpha');
    await choose('live-counselor-b', 'beta');
    await choose('live-card', '护士');
    await page.locator('input[data-testid="live-max-turns"], [data-testid="live-max-turns"] input').first().fill('3');
    await page.getByTestId('live-annotator').fill('李老师');
    await app.screenshot('arena-live-form-zh');
    // The first pair takes its time, so the spinner can be seen.
    server.enqueue({ delayMs: 2_000 }, { delayMs: 2_000 });
    await page.getByTestId('live-start').click();

    // The spinner while the two counselors write, then the pair.
    await page.getByTestId('live-writing').waitFor();
    await session().evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await app.screenshot('arena-live-writing-zh');
    await waitingAt(1);
    await session().evaluate((el) => el.scrollIntoView({ block: 'start' }));
    const a1 = (await page.getByTestId('live-candidate-A').textContent())!;
    const b1 = (await page.getByTestId('live-candidate-B').textContent())!;
    expect([a1, b1].map((x) => /\[(\w+)\]/.exec(x)![1]).sort()).toEqual(['alpha', 'beta']);
    await app.screenshot('arena-live-zh');

    // 1 = A: the reply shown as A enters the history, the client answers it.
    await page.keyboard.press('1');
    await waitingAt(2);
    const history = page.getByTestId('live-history');
    await expect.poll(() => history.getByTestId('live-message-counselor').count(), { timeout: 10_000 }).toBe(1);
    expect(await history.getByTestId('live-message-counselor').textContent()).toContain(a1.replace(/^回复A/, ''));
    expect(await history.getByTestId('live-message-client').last().textContent()).toContain('来访者第1次回应');

    // N opens the note; the keys are text there; Escape leaves it, then 2 = B.
    await page.keyboard.press('n');
    await page.keyboard.type('回复B更空泛 3');
    await page.keyboard.press('Escape');
    await page.keyboard.press('2');
    await waitingAt(3);
    await page.keyboard.press('4');
    await page.getByTestId('live-ended').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('live-pick-row').count(), { timeout: 10_000 }).toBe(3);
    const picks = (await page.getByTestId('live-picks').textContent())!;
    expect(picks).toContain('“回复B更空泛 3”');
    expect(picks).toContain('都不好');
    // Revealed at the end: whose reply won.
    expect(picks).toMatch(/胜者：(alpha|beta)/);
    await session().evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await app.screenshot('arena-live-ended-zh');

    const rows = bridge.ctx.db.prepare(`SELECT turn, winner, source, annotator, judge_output FROM battles ORDER BY turn`).all() as { turn: number; winner: string; source: string; annotator: string; judge_output: string | null }[];
    expect(rows.map((r) => [r.turn, r.source, r.annotator])).toEqual([
      [1, 'human', '李老师'],
      [2, 'human', '李老师'],
      [3, 'human', '李老师'],
    ]);
    expect(rows[1]!.judge_output).toBe('回复B更空泛 3');
    expect(rows[2]!.winner).toBe('tie (bothbad)');
    expect(appWindow.errors).toEqual([]);
  }, 180_000);

  it('reopens a session that waits for a choice after a reload, in English: the same pair, no model asked again', async () => {
    await page.getByTestId('live-back').click();
    await choose('live-counselor-a', 'beta');
    await choose('live-counselor-b', 'alpha');
    await choose('live-card', '研究生');
    // The name is remembered on this computer.
    expect(await page.getByTestId('live-annotator').inputValue()).toBe('李老师');
    await page.getByTestId('live-start').click();
    await waitingAt(1);
    const pair = [await page.getByTestId('live-candidate-A').textContent(), await page.getByTestId('live-candidate-B').textContent()];
    const calls = chatCalls();

    await app.goTo('settings');
    await app.chooseLanguage('en');
    await app.waitForTitle('Settings');
    await page.reload();
    await app.goTo('arena');
    const arenaId = bridge.ctx.arena.store.arenas().at(-1)!.id;
    await page.getByTestId(`live-open-${arenaId}`).click();
    await waitingAt(1);
    expect([await page.getByTestId('live-candidate-A').textContent(), await page.getByTestId('live-candidate-B').textContent()]).toEqual(
      pair.map((p) => p!.replace(/^回复/, 'Reply ')),
    );
    expect(chatCalls()).toBe(calls);
    expect(await session().textContent()).toContain('Keys: 1 = A, 2 = B, 3 = tie, 4 = both bad, N = note');
    await session().evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await app.screenshot('arena-live-en');

    await page.getByTestId('live-pick-tie').click();
    await waitingAt(2);
    await expect.poll(() => page.getByTestId('live-pick-row').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('live-picks').textContent()).toContain('Tie');
    // Blind while it goes on.
    expect(await page.getByTestId('live-picks').textContent()).not.toMatch(/won:/);
    await session().evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await app.screenshot('arena-live-next-en');
    expect(appWindow.errors).toEqual([]);
  }, 180_000);
});
