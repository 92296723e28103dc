import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { play } from '../simulation/support';
import { startBridge, type Bridge } from '../support/bridge';
import { collectPageErrors, eventually, openAppWindow, type AppWindow } from '../support/browser';
import { simpsy } from '../support/cli';

// The app stays current (issue 7, item 7): the built `simpsy` CLI writes the database the app
// has open, and the role-card pool, the dialogue browser and the runs list follow in headless
// Chromium, with no reload and no refresh click. The clicks below are a person's own choices
// (selecting a card, opening a dialogue), which the updates must keep.

const repoRoot = resolve(__dirname, '../..');
const paperFixtures = join(repoRoot, '../shared/fixtures/paper-format');

/** A paper-format folder with the first `n` test cards and their complaints. */
function paperCards(dir: string, n: number): string {
  const root = join(dir, `cards-${n}`);
  mkdirSync(join(root, 'raw_role_card/test'), { recursive: true });
  mkdirSync(join(root, 'user_profiles'), { recursive: true });
  for (let i = 0; i < n; i++) copyFileSync(join(paperFixtures, `raw_role_card/test/${i}.txt`), join(root, `raw_role_card/test/${i}.txt`));
  const complaints = JSON.parse(readFileSync(join(paperFixtures, 'user_profiles/test.json'), 'utf8')) as string[];
  writeFileSync(join(root, 'user_profiles/test.json'), JSON.stringify(complaints.slice(0, n)));
  return root;
}

/** Released-format sessions (N.json): short and long, one with merged client lines, each closing as the paper's do. */
function releasedDialogues(dir: string): string {
  const root = join(dir, 'dialogue');
  mkdirSync(root, { recursive: true });
  const sessions = [
    ['你好', '你好，今天想聊些什么？', '最近总是睡不着，脑子停不下来。', '失眠一定很辛苦。睡前通常在想什么呢？', '工作上的事，怕自己做不好。', '听起来你对自己要求很高。我们下次再继续聊，再见。'],
    ['你好', '你好，欢迎你来。', '我和室友闹矛盾了。', '发生了什么让你难受的事？', '她总是深夜打电话。', '我也不好意思说。', '想说又怕伤和气，这种为难很常见。期待下次见面。'],
    ['你好', '你好，有什么想聊的吗？', '考研失败了，不知道接下来怎么办。', '付出很多却没有结果，一定很失落。今天就先到这里，祝你一切顺利。'],
    ['你好', '你好。', '孩子不愿意上学，我很着急。', '作为家长，这份着急是因为在乎。孩子有说过原因吗？', '他说同学欺负他。', '这很重要，我们下次可以一起想想怎么和学校沟通。再见。'],
  ];
  sessions.forEach((lines, n) => {
    // Two client lines in a row (session 1) are joined into one turn by the importer.
    let role: 'client' | 'counselor' = 'counselor';
    const messages = lines.map((content, i) => {
      if (!(n === 1 && i === 5)) role = role === 'client' ? 'counselor' : 'client';
      return { role, content };
    });
    writeFileSync(join(root, `${n}.json`), JSON.stringify(messages, null, 2));
  });
  return root;
}

describe('the app stays current while the CLI writes (headless Chromium, real handlers over the bridge)', () => {
  let dir: string;
  let db: string;
  let llm: LlmServer;
  let bridge: Bridge;
  let win: AppWindow;
  const pageErrors: string[] = [];
  let loads = 0;

  async function openPage(hash: string): Promise<Page> {
    const page = await win.context.newPage();
    page.setDefaultTimeout(15_000);
    collectPageErrors(page, pageErrors);
    page.on('load', () => loads++);
    await page.goto(`${bridge.url}${hash}`);
    return page;
  }

  const cli = async (...args: string[]) => {
    const result = await simpsy(['--db', db, ...args]);
    expect(result, result.stderr).toMatchObject({ code: 0 });
    return result;
  };

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'out/renderer/index.html')) || !existsSync(join(repoRoot, 'out/main/cli.js'))) {
      throw new Error('The app is not built: run `npm run build` first.');
    }
    dir = mkdtempSync(join(tmpdir(), 'simpsy-live-'));
    db = join(dir, 'simpsy.db');
    // Slow enough that the run is still going while the pages are looked at.
    llm = await startLlmServer({ latencyMs: 120, logRequests: false });
    llm.respond(play({ counselor: (_ctx, turn) => (turn >= 3 ? '今天我们先聊到这里，期待再次和你见面。' : '听起来这件事让你很困扰，能多说说吗？') }));
    bridge = await startBridge({ dbPath: db, systemLocale: 'zh-CN', changePollMs: 100 });
    // Each test opens its own pages (openPage) in this window's context; its first page stays unused.
    win = await openAppWindow(bridge, { locale: 'zh-CN' });
  });

  afterAll(async () => {
    await win?.close();
    await bridge?.close();
    await llm?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the role-card pool fills as the CLI imports, keeps the selection; an open card follows a change made elsewhere, or with unsaved edits says so', async () => {
    const page = await openPage('#/role-cards');
    await page.getByTestId('empty-import-folder').waitFor();
    const rows = page.getByTestId('card-row');

    await cli('cards', 'import', paperCards(dir, 3), '--format', 'paper');
    await expect.poll(() => rows.count(), eventually).toBe(3);

    // The person selects a card; the next import must not drop the selection or the scroll.
    const first = rows.first();
    const selectedId = await first.getAttribute('data-id');
    await first.getByTestId('card-row-select').click();
    await expect.poll(() => page.locator(`[data-testid="card-row"][data-id="${selectedId}"]`).getAttribute('aria-selected'), eventually).toBe('true');

    await cli('cards', 'import', paperCards(dir, 6), '--format', 'paper');
    await expect.poll(() => rows.count(), eventually).toBe(6);
    await expect.poll(() => page.getByTestId('card-count').textContent(), eventually).toContain('6');
    expect(await page.locator(`[data-testid="card-row"][data-id="${selectedId}"]`).getAttribute('aria-selected')).toBe('true');

    // An open card with no unsaved edits follows the CLI's change (the test split → the pool).
    await page.locator(`[data-testid="card-row"][data-id="${selectedId}"] [data-testid="card-row-profile"]`).click();
    await page.locator('.ant-segmented-item-selected [data-testid="card-split-test"]').waitFor();
    await cli('cards', 'split', '--test', '0', '--seed', '1');
    await page.locator('.ant-segmented-item-selected [data-testid="card-split-pool"]').waitFor();
    expect(await page.getByTestId('save-status').getAttribute('data-status')).not.toBe('conflict');

    // With unsaved edits (an emptied field autosave cannot save), a change elsewhere never
    // replaces them: the editor says the card changed elsewhere, and the person chooses.
    // (The complaint: every other element may be left empty, as real cards do.)
    const complaint = page.getByTestId('input-chiefComplaint');
    const savedComplaint = await complaint.inputValue();
    await complaint.fill('');
    await page.locator('[data-testid="save-status"][data-status="invalid"]').waitFor();
    await cli('cards', 'split', '--test', '6', '--seed', '1');
    await page.getByTestId('editor-conflict').waitFor();
    expect(await complaint.inputValue()).toBe('');
    await page.locator('.ant-segmented-item-selected [data-testid="card-split-pool"]').waitFor();
    await page.getByTestId('conflict-theirs').click();
    await page.locator('.ant-segmented-item-selected [data-testid="card-split-test"]').waitFor();
    expect(await complaint.inputValue()).toBe(savedComplaint);

    expect(loads).toBe(1);
    await page.close();
    loads = 0;
  }, 90_000);

  it('the dialogue browser and the runs list follow an import and a CLI run while it runs', async () => {
    const dialogues = await openPage('#/dialogues');
    const runs = await openPage('#/simulations');
    await dialogues.getByTestId('dialogue-import').waitFor();
    await runs.getByTestId('section-simulations').waitFor();
    expect(await runs.getByTestId('runs-table').count()).toBe(0);

    await cli('dialogues', 'import', releasedDialogues(dir));
    await expect.poll(() => dialogues.getByTestId('dialogue-list').getAttribute('data-total'), eventually).toBe('4');
    // The person opens one; it must stay open while the list changes under it.
    const opened = dialogues.getByTestId('dialogue-row').nth(1);
    const openedId = await opened.getAttribute('data-id');
    await opened.click();
    await dialogues.locator(`[data-testid="dialogue-view"][data-id="${openedId}"]`).waitFor();
    // An imported dataset is not a simulation run: the runs list stays empty.
    expect(await runs.getByTestId('runs-table').count()).toBe(0);

    await cli('cards', 'import', paperCards(dir, 6), '--format', 'paper'); // (already there after the first test)
    await cli('endpoints', 'add', '--name', 'local', '--base-url', llm.url, '--model', 'test-model');
    // Not awaited yet: the pages are checked while the CLI is still running.
    const run = simpsy(['--db', db, 'simulate', '--client', 'local', '--counselor', 'local', '--concurrency', '2', '--max-turns', '5', '--title', '命令行的模拟', '--json']);

    // While it runs: its six sessions are in the browser, the run in the list, running.
    await expect.poll(() => dialogues.getByTestId('dialogue-list').getAttribute('data-total'), { timeout: 20_000, interval: 100 }).toBe('10');
    const runRow = runs.getByTestId('run-row').filter({ hasText: '命令行的模拟' });
    await runRow.locator('[data-testid="run-status"][data-status="running"]').waitFor({ timeout: 20_000 });
    const progressWhileRunning = await runRow.getByTestId('run-progress-text').textContent();

    const done = await run;
    expect(done, done.stderr).toMatchObject({ code: 0 });
    await runRow.locator('[data-testid="run-status"][data-status="done"]').waitFor();
    await expect.poll(() => runRow.getByTestId('run-progress-text').textContent(), eventually).toContain('已结束 6 / 6');
    expect(await runRow.getByTestId('run-progress-text').textContent()).not.toBe(progressWhileRunning);
    // The rows appeared when the run was created (no turns yet); each now shows its three turns.
    const runRows = dialogues.getByTestId('dialogue-row').filter({ hasText: '命令行的模拟' });
    await expect.poll(() => runRows.count(), eventually).toBe(6);
    await expect.poll(async () => (await runRows.allTextContents()).filter((text) => text.includes('3 轮')).length, eventually).toBe(6);
    await dialogues.locator(`[data-testid="dialogue-view"][data-id="${openedId}"]`).waitFor();

    expect(loads).toBe(2); // each page loaded once: nothing was reloaded
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
