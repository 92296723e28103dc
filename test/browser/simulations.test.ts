import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext } from '../../src-main/app/context';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import type { ResponderContext } from '../llm-server/types';
import { startBridge, type Bridge } from '../support/bridge';
import { openAppWindow, type AppWindow } from '../support/browser';
import { AppPage } from './app-page';

// The Simulations and Dialogues sections in headless Chromium over the real handlers: start a
// run from the form against the LLM test server (streaming slowly enough to watch), follow the
// dashboard and a live session, pause and resume, then find, star, tag and export the dialogues.
// Screenshots (zh and en) go to test-results/screenshots/simulations-*.png and dialogues-*.png.

const repoRoot = resolve(__dirname, '../..');
const rendererIndex = join(repoRoot, 'out/renderer/index.html');
const paperFixtures = join(repoRoot, '../shared/fixtures/paper-format');

/** Counselor turn 3 is first answered with a numbered list, which refinement (σ) refuses once. */
const listedOnce = new Set<string>();

/** The client's and counselor's lines; the counselor closes at turn 5 with 期待再次. */
function responder(ctx: ResponderContext): string {
  const system = ctx.systemPrompt ?? '';
  const isClient = system.includes('来访者的对话要求') || system.includes("Client's dialogue requirements");
  const counselorTurns = ctx.messages.filter((m) => m.role === (isClient ? 'user' : 'assistant')).length;
  if (isClient) {
    const occupation = /职业：([^（\n]+)/u.exec(system)?.[1]?.trim() ?? '上班族';
    const lines = [
      `我是${occupation}，最近总是失眠，晚上躺在床上脑子停不下来，一直想白天和妈妈吵架的事情。`,
      '我觉得她根本不理解我，每次说不了两句就开始指责我，我也忍不住顶嘴。',
      '可能是吧，其实我也希望她能认可我，只是不知道该怎么开口跟她说。',
      '嗯，我可以试着先写下来，等我们都冷静的时候再找她好好谈一谈。',
      '谢谢你，和你聊完我心里轻松了不少，感觉没那么乱了。',
    ];
    return lines[Math.min(counselorTurns - 1, lines.length - 1)]!;
  }
  const turn = counselorTurns + 1;
  const key = JSON.stringify(ctx.messages); // the sessions differ in what the client said
  if (turn === 3 && !listedOnce.has(key)) {
    listedOnce.add(key);
    return '你可以试试：1. 睡前写日记；2. 找朋友聊聊。';
  }
  if (turn >= 5) return '今天我们聊了很多，你已经找到了可以尝试的第一步，期待再次和你见面。';
  const lines = [
    '你好，很高兴见到你。今天是什么让你想来聊一聊呢？可以慢慢说。',
    '失眠一定让你很疲惫。和妈妈的争吵里，最让你难受的是哪一部分呢？',
    '被指责的时候会觉得委屈，也很想被理解。你希望她怎样回应你呢？',
    '想被认可是很自然的愿望。如果要开口，你觉得从哪里开始会容易一些？',
  ];
  return lines[turn - 1]!;
}

/** A paper-format folder holding the first six test cards and their complaints. */
function sixCards(dir: string): string {
  const root = join(dir, 'six-cards');
  mkdirSync(join(root, 'raw_role_card/test'), { recursive: true });
  mkdirSync(join(root, 'user_profiles'), { recursive: true });
  for (let i = 0; i < 6; i++) copyFileSync(join(paperFixtures, `raw_role_card/test/${i}.txt`), join(root, `raw_role_card/test/${i}.txt`));
  const complaints = JSON.parse(readFileSync(join(paperFixtures, 'user_profiles/test.json'), 'utf8')) as string[];
  writeFileSync(join(root, 'user_profiles/test.json'), JSON.stringify(complaints.slice(0, 6)));
  return root;
}

describe('simulations and dialogues (headless Chromium, real handlers over the bridge)', () => {
  let dir: string;
  let llm: LlmServer;
  let bridge: Bridge;
  let appWindow: AppWindow;
  let page: Page;
  let app: AppPage;

  const ipc = async (channel: string, payload: unknown) => {
    const res = await fetch(`${bridge.url}__bridge/ipc/${channel}`, { method: 'POST', body: JSON.stringify(payload) });
    return (await res.json()) as { ok: boolean; value?: unknown; error?: unknown };
  };

  const dashboard = () => page.getByTestId('run-dashboard');
  const waitStatus = (status: string, timeout = 20_000) => page.locator(`[data-testid="run-dashboard"][data-status="${status}"]`).waitFor({ timeout });
  const shoot = async (testId: string, name: string) => {
    await page.getByTestId(testId).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.evaluate('window.scrollBy(0, -24)');
    return app.screenshot(name);
  };
  const streamingBubble = () => page.locator('[data-testid="live-session"] [data-testid="bubble"][data-streaming="true"]').last();

  beforeAll(async () => {
    if (!existsSync(rendererIndex)) throw new Error(`The renderer is not built (${rendererIndex} is missing): run \`npm run build\` first.`);
    dir = mkdtempSync(join(tmpdir(), 'simpsy-sim-ui-'));
    llm = await startLlmServer({ latencyMs: 120, streamChunkDelayMs: 30, logRequests: false });
    llm.respond(responder);
    bridge = await startBridge({ dbPath: join(dir, 'simpsy.db'), systemLocale: 'zh-CN' });
    const imported = await ipc('cards:import', { path: sixCards(dir) });
    expect(imported.ok, JSON.stringify(imported.error)).toBe(true);
    bridge.ctx.endpoints.create({ name: 'client-model', baseUrl: llm.url, model: 'test-model', priceInputPerM: 1, priceOutputPerM: 2 });
    bridge.ctx.endpoints.create({ name: 'counselor-model', baseUrl: llm.url, model: 'test-model', priceInputPerM: 2, priceOutputPerM: 8 });

    appWindow = await openAppWindow(bridge, { locale: 'en-US' });
    page = appWindow.page;
    app = new AppPage(page);
  });

  afterAll(async () => {
    await appWindow?.close();
    if (bridge) await bridge.ctx.simulation.stopAll();
    await bridge?.close();
    await llm?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('starts a run from the form and streams its sessions live (zh, then en)', async () => {
    await app.goTo('simulations');
    await page.getByTestId('run-new').click();
    const form = page.getByTestId('run-form');
    await form.waitFor();
    await page.locator('#run_title').fill('失眠来访者试跑');
    await page.locator('#run_maxTurns').fill('8');
    await page.locator('#run_concurrency').fill('12');
    await page.locator('[data-testid="run-size"]', { hasText: '6 张角色卡 × 1 = 6 场会谈' }).waitFor();
    await app.screenshot('simulations-form-zh');
    await page.getByTestId('run-form-start').click();
    await form.waitFor({ state: 'detached' });

    await dashboard().waitFor();
    expect(await dashboard().getAttribute('data-status')).toMatch(/queued|running/);

    // Tokens arrive while a reply is being written: a streaming bubble's text grows between
    // two looks (a look may land just as a reply finishes, so a few tries are allowed).
    let grew = false;
    for (let i = 0; i < 20 && !grew; i++) {
      const bubble = streamingBubble();
      await bubble.waitFor({ timeout: 15_000 });
      const index = await bubble.getAttribute('data-index');
      const same = page.locator(`[data-testid="live-session"] [data-testid="bubble"][data-index="${index}"]`);
      const before = ((await same.textContent()) ?? '').length;
      await page.waitForTimeout(150);
      grew = ((await same.textContent()) ?? '').length > before;
    }
    expect(grew).toBe(true);
    expect(await page.getByTestId('card-text').textContent()).toContain('来访者的主诉问题');

    await page.locator('[data-testid="live-session"] [data-testid="bubble"][data-index="2"]').waitFor({ timeout: 15_000 });
    await streamingBubble().waitFor({ timeout: 10_000 });
    await shoot('live-view', 'simulations-live-zh');
    await shoot('run-dashboard', 'simulations-dashboard-zh');

    // The same views in English, still streaming.
    await app.goTo('settings');
    await app.chooseLanguage('en');
    await app.waitForTitle('Settings');
    await app.goTo('simulations');
    await dashboard().waitFor();
    await streamingBubble().waitFor({ timeout: 10_000 });
    await shoot('live-view', 'simulations-live-en');
    await shoot('run-dashboard', 'simulations-dashboard-en');
  });

  it('pauses and resumes the run, which then finishes', async () => {
    await dashboard().getByTestId('run-pause').click();
    await waitStatus('paused');
    // Paused means no new calls: the figures stop moving.
    const calls = await page.getByTestId('dash-calls').textContent();
    await page.waitForTimeout(1200);
    expect(await page.getByTestId('dash-calls').textContent()).toBe(calls);

    await dashboard().getByTestId('run-resume').click();
    await waitStatus('running');
    await waitStatus('done', 40_000);
    await page.locator('[data-testid="dash-completed"]', { hasText: '6' }).waitFor();
    expect(await page.locator('[data-testid="dash-end-reasons"] [data-key="phrase"]').getAttribute('data-value')).toBe('6');
    expect(await page.getByTestId('dash-rejected').textContent()).toContain('6');
    expect(await page.locator('[data-testid="run-row"] [data-testid="run-status"]').getAttribute('data-status')).toBe('done');
    // The finished session shows why it ended.
    await page.locator('[data-testid="live-view"] [data-testid="end-reason"][data-reason="phrase"]').waitFor();
    await shoot('run-dashboard', 'simulations-dashboard-done-en');
  });

  it('finds the dialogues by a Chinese search, stars, tags and exports them', async () => {
    await app.goTo('dialogues');
    await page.locator('[data-testid="dialogue-total"]', { hasText: '6' }).waitFor();
    // The paper's released dialogue (a folder of N.json) comes in beside the simulated ones.
    bridge.filePicks.push(join(paperFixtures, 'dialogue'));
    await page.getByTestId('dialogue-import').click();
    await page.getByTestId('import-folder').click();
    await page.locator('[data-testid="dialogue-total"]', { hasText: '7' }).waitFor();
    await page.getByTestId('dialogue-search').fill('妈妈吵架');
    await page.locator('[data-testid="dialogue-row"] mark', { hasText: '妈妈吵架' }).first().waitFor();
    expect(await page.getByTestId('dialogue-list').getAttribute('data-total')).toBe('6');

    const first = page.getByTestId('dialogue-row').first();
    const id = Number(await first.getAttribute('data-id'));
    await first.click();
    const view = page.getByTestId('dialogue-view');
    await view.waitFor();
    expect(await view.getByTestId('bubble').count()).toBe(10);
    await view.getByTestId('end-reason').waitFor();
    // The refused numbered-list reply is kept and shown on demand.
    expect(await view.getByTestId('rejected-attempt').count()).toBe(0);
    await view.getByTestId('toggle-rejected').click();
    expect(await view.getByTestId('rejected-attempt').textContent()).toContain('1. 睡前写日记');

    await view.getByTestId('dialogue-star').click();
    await page.locator('[data-testid="dialogue-star"][data-starred="true"]').waitFor();
    await view.getByTestId('dialogue-tags').click();
    await page.keyboard.type('good-example');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await expect.poll(() => bridge.ctx.simulation.dialogues.messages(id).length).toBe(10);
    await expect
      .poll(async () => ((await ipc('dialogues:list', { starred: true, tags: ['good-example'] })) as { value: { total: number } }).value.total)
      .toBe(1);
    await page.locator('[data-testid="dialogue-row"]', { hasText: '#good-example' }).waitFor();
    await page.getByTestId('section-title').click(); // closes the tag picker
    await page.locator('.ant-select-dropdown:visible').waitFor({ state: 'hidden' });
    await page.evaluate('window.scrollTo(0, 0)');
    await app.screenshot('dialogues-en');

    // Export what the search matches, in ShareGPT form, to a file the "dialog" picks.
    const out = join(dir, 'export.json');
    bridge.filePicks.push(out);
    await page.getByTestId('dialogue-export').click();
    await page.getByTestId('export-sharegpt').click();
    await expect.poll(() => existsSync(out), { timeout: 10_000 }).toBe(true);
    const records = JSON.parse(readFileSync(out, 'utf8')) as { messages: { role: string; content: string }[] }[];
    expect(records).toHaveLength(6);
    expect(records[0]!.messages.map((m) => m.role).slice(0, 3)).toEqual(['system', 'user', 'assistant']);
    expect(JSON.stringify(records)).toContain('失眠');

    // Again to the same file: the app asks before replacing it.
    writeFileSync(out, 'an older export');
    bridge.filePicks.push(out);
    await page.getByTestId('dialogue-export').click();
    await page.getByTestId('export-sharegpt').click();
    await page.locator('.ant-modal-confirm', { hasText: 'Replace the existing export?' }).waitFor();
    await page.getByTestId('confirm-replace').click();
    await expect.poll(() => readFileSync(out, 'utf8'), { timeout: 10_000 }).not.toBe('an older export');
    expect(JSON.parse(readFileSync(out, 'utf8'))).toHaveLength(6);

    // Starred only, in Chinese.
    await app.goTo('settings');
    await app.chooseLanguage('zh');
    await app.waitForTitle('设置');
    await app.goTo('dialogues');
    await page.getByTestId('filter-starred').click();
    await page.locator('[data-testid="dialogue-total"]', { hasText: '1' }).waitFor();
    await page.getByTestId('dialogue-row').first().click();
    await page.getByTestId('dialogue-view').waitFor();
    await app.screenshot('dialogues-zh');
    expect(appWindow.errors).toEqual([]);
  });

  it('stays smooth with 36 sessions streaming at once', async () => {
    const started = (await ipc('simulation:start', {
      title: 'load',
      client: { endpointId: 1 },
      counselor: { endpointId: 2 },
      repeat: 6,
      concurrency: 32,
      maxTurns: 3,
    })) as { ok: boolean; value: { id: number } };
    expect(started.ok).toBe(true);
    await app.goTo('simulations');
    await page.locator(`[data-testid="run-row"][data-run="${started.value.id}"]`).click();
    await page.locator('[data-testid="run-dashboard"]', { hasText: 'load' }).waitFor();
    await streamingBubble().waitFor({ timeout: 15_000 });
    // Frames drawn and main-thread stalls over two seconds while every session streams.
    // (A string: the test project has no DOM types.)
    const { frames, longest } = (await page.evaluate(`new Promise((done) => {
      let frames = 0, longest = 0, last = performance.now();
      const start = last;
      const tick = (now) => {
        frames++;
        longest = Math.max(longest, now - last);
        last = now;
        if (now - start < 2000) requestAnimationFrame(tick);
        else done({ frames, longest });
      };
      requestAnimationFrame(tick);
    })`)) as { frames: number; longest: number };
    console.log(`36 sessions streaming: ${frames} frames in 2 s, longest frame ${Math.round(longest)} ms`);
    expect(frames).toBeGreaterThan(40);
    await ipc('simulation:cancel', { id: started.value.id });
    await waitStatus('cancelled');
  });

  it('pages through 2,000 imported dialogues as the list scrolls, keeping few rows in the page', async () => {
    const file = join(dir, 'many.jsonl');
    const lines = Array.from({ length: 2000 }, (_, i) =>
      JSON.stringify({ messages: [{ role: 'user', content: '你好' }, { role: 'assistant', content: `第${i + 1}位来访者，你好，今天想聊些什么？` }] }),
    );
    writeFileSync(file, `${lines.join('\n')}\n`);
    const imported = (await ipc('dialogues:import', { path: file, title: 'many' })) as { ok: boolean; value: { sessions: number } };
    expect(imported.value.sessions).toBe(2000);

    await app.goTo('dialogues');
    await page.getByTestId('dialogue-search').fill('');
    await page.getByTestId('filter-starred').click(); // off again
    const list = page.getByTestId('dialogue-list');
    // 6 + 1 imported + 36 of the cancelled load run + 2,000.
    await expect.poll(async () => Number(await list.getAttribute('data-total'))).toBe(2043);
    expect(await page.getByTestId('dialogue-row').count()).toBeLessThan(40);
    // Jump to the end: the last page is read and drawn; the oldest session (the first simulated) is last.
    await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.locator('[data-testid="dialogue-row"]', { hasText: /会谈 1 ·|Session 1 ·/ }).first().waitFor();
    expect(await page.getByTestId('dialogue-row').count()).toBeLessThan(40);
    await list.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    await page.locator('[data-testid="dialogue-row"]', { hasText: '· many' }).first().waitFor();
    await app.screenshot('dialogues-many-zh');
    expect(appWindow.errors).toEqual([]);
  });

  it('retries the sessions that ended in error from the dashboard (en, then zh)', async () => {
    // The run's first call fails and, with no retries, ends its session in error; the other finishes.
    llm.enqueue({ fault: 'server_error' });
    const started = (await ipc('simulation:start', { title: 'retry me', client: { endpointId: 1 }, counselor: { endpointId: 2 }, cards: { limit: 2 }, concurrency: 1, maxRetries: 0 })) as {
      ok: boolean;
      value: { id: number };
    };
    expect(started.ok).toBe(true);
    await app.goTo('settings');
    await app.chooseLanguage('en');
    await app.waitForTitle('Settings');
    await app.goTo('simulations');
    await page.locator(`[data-testid="run-row"][data-run="${started.value.id}"]`).click();
    await page.locator('[data-testid="run-dashboard"]', { hasText: 'retry me' }).waitFor();
    await waitStatus('done', 40_000);
    await page.locator('[data-testid="dash-failed"]', { hasText: '1' }).waitFor();
    const retry = dashboard().getByTestId('run-retry');
    expect(await retry.textContent()).toContain('Retry failed sessions');
    await shoot('run-dashboard', 'simulations-retry-en');

    await retry.click();
    await waitStatus('done', 40_000);
    await page.locator('[data-testid="dash-completed"]', { hasText: '2' }).waitFor();
    await page.locator('[data-testid="dash-failed"]', { hasText: '0' }).waitFor();
    await page.locator('[data-testid="run-history"] [data-kind="sessions_retried"]', { hasText: 'Retried 1 session that ended in error' }).waitFor();
    expect(await dashboard().getByTestId('run-retry').count()).toBe(0);

    await app.goTo('settings');
    await app.chooseLanguage('zh');
    await app.waitForTitle('设置');
    await app.goTo('simulations');
    await page.locator('[data-testid="run-history"]', { hasText: '重试了 1 场因错误结束的会谈' }).waitFor();
    await shoot('run-dashboard', 'simulations-retried-zh');
    expect(appWindow.errors).toEqual([]);
  }, 120_000);

  it('pauses a run that another process (the CLI) is running', async () => {
    const cli = createAppContext({ dbPath: bridge.ctx.dbPath });
    try {
      const run = await cli.simulation.create({ title: 'run by the CLI', client: { endpointId: 1 }, counselor: { endpointId: 2 }, cards: { limit: 3 }, concurrency: 2, maxTurns: 8 });
      const execution = cli.simulation.execute(run.id);
      await app.goTo('simulations');
      // The app hears nothing from the other process: the run appears when the list is next read.
      await page.locator(`[data-testid="run-row"][data-run="${run.id}"]`).click({ timeout: 15_000 });
      await page.locator('[data-testid="run-dashboard"]', { hasText: 'run by the CLI' }).waitFor();
      await waitStatus('running');
      await expect.poll(() => cli.simulation.dashboard(run.id).calls, { timeout: 15_000 }).toBeGreaterThan(0);
      await dashboard().getByTestId('run-pause').click();
      expect((await execution).status).toBe('paused');
      await waitStatus('paused');
      await dashboard().getByTestId('run-resume').waitFor();
      expect(appWindow.errors).toEqual([]);
    } finally {
      await cli.simulation.stopAll();
      cli.close();
    }
  }, 120_000);
});
