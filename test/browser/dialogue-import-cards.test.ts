import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../support/bridge';
import { openAppWindow, type AppWindow } from '../support/browser';
import { AppPage } from './app-page';

// The Dialogues section's import with cards, in headless Chromium over the real handlers: the
// dialogue/ folder, the cards folder and the split, then the sessions carry their cards.
// Screenshots: test-results/screenshots/dialogues-import-cards-{zh,en}.png.

const repoRoot = resolve(__dirname, '../..');
const release = join(repoRoot, 'test/fixtures/paper-dialogues');

describe('importing dialogues with their cards from the app', () => {
  let dir: string;
  let bridge: Bridge;
  let appWindow: AppWindow;
  let page: Page;
  let app: AppPage;

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'out/renderer/index.html'))) throw new Error('The renderer is not built: run `npm run build` first.');
    dir = mkdtempSync(join(tmpdir(), 'simpsy-import-cards-'));
    bridge = await startBridge({ dbPath: join(dir, 'simpsy.db'), systemLocale: 'zh-CN' });
    appWindow = await openAppWindow(bridge, { locale: 'zh-CN' });
    page = appWindow.page;
    app = new AppPage(page);
  });

  afterAll(async () => {
    await appWindow?.close();
    await bridge?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pairs each dialogue with its card (zh), and imports without cards when none are chosen (en)', async () => {
    await app.goTo('dialogues');
    const dialog = page.getByTestId('import-cards-dialog');
    await page.getByTestId('dialogue-import').click();
    await page.getByTestId('import-with-cards').click();
    await dialog.waitFor();
    expect(await page.getByTestId('import-cards-ok').isDisabled()).toBe(true);
    bridge.filePicks.push(join(release, 'dialogue'), release);
    await page.getByTestId('import-cards-dialogues').click();
    await page.locator('[data-testid="import-cards-dialogues-path"]', { hasText: join(release, 'dialogue') }).waitFor();
    await page.getByTestId('import-cards-folder').click();
    await page.locator('[data-testid="import-cards-folder-path"]', { hasText: release }).waitFor();
    await app.screenshot('dialogues-import-cards-zh');
    await page.getByTestId('import-cards-ok').click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.ant-message', { hasText: '已导入 4 段对话，其中 4 段配有角色卡；新增 4 张角色卡' }).waitFor();
    await page.locator('[data-testid="dialogue-total"]', { hasText: '4' }).waitFor();
    const sessions = bridge.ctx.db.prepare('SELECT card_id, card_text FROM sim_sessions ORDER BY id').all() as { card_id: number; card_text: string }[];
    expect(sessions).toHaveLength(4);
    for (const s of sessions) {
      expect(s.card_id).not.toBeNull();
      expect(s.card_text).toContain('来访者的主诉问题：');
    }

    await app.goTo('settings');
    await app.chooseLanguage('en');
    await app.goTo('dialogues');
    await page.getByTestId('dialogue-import').click();
    await page.getByTestId('import-with-cards').click();
    await dialog.waitFor();
    bridge.filePicks.push(join(release, 'dialogue'), release);
    await page.getByTestId('import-cards-dialogues').click();
    await page.getByTestId('import-cards-folder').click();
    await page.locator('[data-testid="import-cards-folder-path"]', { hasText: release }).waitFor();
    await page.getByTestId('import-cards-split-test').click();
    await app.screenshot('dialogues-import-cards-en');
    // No cards after all: the dialogues alone.
    await page.getByTestId('import-cards-none').click();
    await page.locator('[data-testid="import-cards-folder-path"]', { hasText: 'Nothing chosen yet' }).waitFor();
    await page.getByTestId('import-cards-ok').click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('[data-testid="dialogue-total"]', { hasText: '8' }).waitFor();
    const last = bridge.ctx.db.prepare('SELECT count(*) AS n FROM sim_sessions WHERE card_text IS NULL').get() as { n: number };
    expect(last.n).toBe(4);
    expect(appWindow.errors).toEqual([]);
  });

  it('a bad pairing is said in the window and imports nothing', async () => {
    await app.goTo('dialogues');
    const before = bridge.ctx.db.prepare('SELECT count(*) AS n FROM sim_sessions').get() as { n: number };
    await page.getByTestId('dialogue-import').click();
    await page.getByTestId('import-with-cards').click();
    const dialog = page.getByTestId('import-cards-dialog');
    await dialog.waitFor();
    // The cards folder given is the dialogue folder itself: no raw_role_card/<split>/N.txt there
    // (the split stays as last chosen: test).
    bridge.filePicks.push(join(release, 'dialogue'), join(release, 'dialogue'));
    await page.getByTestId('import-cards-dialogues').click();
    await page.getByTestId('import-cards-folder').click();
    await page.locator('[data-testid="import-cards-folder-path"]', { hasText: 'dialogue' }).waitFor();
    await page.getByTestId('import-cards-ok').click();
    await page.locator('.ant-notification, .ant-message', { hasText: 'there is no card raw_role_card/test/0.txt' }).first().waitFor();
    expect(await dialog.isVisible()).toBe(true); // kept open, so the person can pick the right folder
    const after = bridge.ctx.db.prepare('SELECT count(*) AS n FROM sim_sessions').get() as { n: number };
    expect(after.n).toBe(before.n);
  });
});
