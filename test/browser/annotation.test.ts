import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePackages } from '../../src-main/annotation/files';
import { openPackage } from '../../src-main/annotation/package';
import { arenaBattles } from '../../src-main/arena/store';
import { againstTheJudge, annotate, finishedArena, likeTheJudge } from '../annotation/support';
import { startBridge, type Bridge } from '../support/bridge';
import { eventually, openAppWindow, type AppWindow } from '../support/browser';
import { AppPage } from './app-page';

// Offline annotation end to end in headless Chromium over the real handlers. The annotator's
// app has its own empty database (no arena, nothing of the researcher's): they open their
// package and annotate with the keyboard only (1 2 3 4, arrows, S, Z, N, E), close the app,
// resume, export. Then the researcher's app imports two annotators' work files, and the
// human battles and the agreement figures follow. Screenshots (zh and en):
// test-results/screenshots/annotation-*.png. The time from a key press to the next item
// drawn is measured and printed.

const rendererIndex = join(resolve(__dirname, '../..'), 'out/renderer/index.html');

describe('annotation section (headless Chromium, real handlers over the bridge)', () => {
  let dir: string;
  let researcherDb: string;
  let arenaId: number;
  let removeArena: () => void;
  const packages: Record<string, string> = {};

  beforeAll(async () => {
    if (!existsSync(rendererIndex)) throw new Error(`The renderer is not built (${rendererIndex} is missing): run \`npm run build\` first.`);
    dir = mkdtempSync(join(tmpdir(), 'simpsy-annotation-ui-'));
    const arena = await finishedArena(2);
    ({ arenaId, remove: removeArena } = arena);
    researcherDb = arena.dbPath;
    const files = arena.ctx.annotation.buildPackages(arenaId, { annotators: ['王老师', 'li'], perItem: 2, seed: 11 });
    for (const w of writePackages(files, join(dir, 'packages'), {})) packages[w.annotator] = w.file;
    arena.ctx.close();
  }, 120_000);

  afterAll(() => {
    removeArena?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Waits for the item on screen to be `position` (0-based). */
  const at = (page: Page, position: number) => expect.poll(() => page.getByTestId('annotation-workbench').getAttribute('data-position'), eventually).toBe(String(position));
  const done = (page: Page) => page.getByTestId('annotation-progress').getAttribute('data-done');

  /** From now on, records the time from each key press to the frame that shows the next item. */
  // Run in the page (as text: the page's globals are not this file's).
  const timeMoves = (page: Page) =>
    page.evaluate(`(() => {
      window.moves = [];
      window.commits = [];
      window.addEventListener('keydown', (e) => (window.pressedAt = e.timeStamp), { capture: true });
      const bench = document.querySelector('[data-testid="annotation-workbench"]');
      new MutationObserver(() => {
        const pressed = window.pressedAt;
        window.commits.push(performance.now() - pressed);
        requestAnimationFrame(() => window.moves.push(performance.now() - pressed));
      }).observe(bench, { attributes: true, attributeFilter: ['data-item'] });
    })()`);
  const movesSoFar = (page: Page) => page.evaluate('window.moves') as Promise<number[]>;
  const commitsSoFar = (page: Page) => page.evaluate('window.commits') as Promise<number[]>;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

  /** The key that picks what the judge would: the reply naming the better counselor. */
  async function judgeKey(page: Page): Promise<'1' | '2'> {
    const left = (await page.getByTestId('annotation-left').textContent()) ?? '';
    const right = (await page.getByTestId('annotation-right').textContent()) ?? '';
    const strip = (s: string) => s.replace(/^(回复|Reply) [AB]/, '');
    return likeTheJudge({ left: strip(left), right: strip(right), itemId: '' }) === 'left' ? '1' : '2';
  }

  it('lets an annotator work offline with the keyboard only: open, pick, undo, skip, note, close and resume, export', async () => {
    const annotatorDir = join(dir, 'annotator');
    mkdirSync(annotatorDir);
    const bridge: Bridge = await startBridge({ dbPath: join(annotatorDir, 'simpsy.db'), systemLocale: 'zh-CN' });
    let win: AppWindow | undefined;
    try {
      expect(bridge.ctx.annotation.arenas()).toEqual([]);
      win = await openAppWindow(bridge, { locale: 'zh-CN', viewport: { width: 1280, height: 820 }, timeoutMs: 20_000, path: '#/annotation' });
      const { page } = win;
      const app = new AppPage(page);
      const total = openPackage(readFileSync(packages['王老师']!, 'utf8'), 'x', '王老师').items.length;

      // The wrong name: the package says whose it is, and nothing opens.
      await page.getByTestId('annotation-name').waitFor();
      await page.keyboard.type('li');
      bridge.filePicks.push(packages['王老师']!);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('annotation-open-error').textContent(), eventually).toMatch(/是 王老师 的标注包，不是 li 的/);
      await page.keyboard.press('Control+A');
      await page.keyboard.type('王老师');
      bridge.filePicks.push(packages['王老师']!);
      await page.keyboard.press('Enter');
      await page.getByTestId('annotation-workbench').waitFor();
      await at(page, 0);
      expect(await page.getByText('标注指南', { exact: true }).count()).toBe(1);

      await timeMoves(page);

      await page.keyboard.press(await judgeKey(page)); // item 1 → 2
      await at(page, 1);
      await page.keyboard.press('3'); // tie on item 2 → 3
      await at(page, 2);
      expect(await done(page)).toBe('2');
      await page.keyboard.press('z'); // undo: item 2 again, its tie gone
      await at(page, 1);
      expect(await done(page)).toBe('1');
      expect(await page.getByTestId('annotation-pick-tie').getAttribute('class')).not.toMatch(/ant-btn-primary/);
      await page.keyboard.press('s'); // skip item 2
      await at(page, 2);
      await page.keyboard.press('n');
      await page.getByTestId('annotation-note-input').waitFor();
      await page.keyboard.type('两条回复都没有回应来访者的失眠');
      await page.keyboard.press('Enter');
      await page.getByTestId('annotation-note-input').waitFor({ state: 'detached' });
      await expect.poll(() => page.getByTestId('annotation-note').textContent(), eventually).toContain('两条回复都没有回应来访者的失眠');
      await page.keyboard.press('4'); // both bad on item 3 → 4
      await at(page, 3);
      await page.keyboard.press('ArrowLeft');
      await at(page, 2);
      await page.keyboard.press('ArrowRight');
      await at(page, 3);
      await app.screenshot('annotation-annotate-zh');

      // Close the app (a new page load) and come back: the work and the place are kept.
      const moves = await movesSoFar(page);
      const commits = await commitsSoFar(page);
      await page.reload();
      await page.getByTestId('annotation-resume').waitFor();
      await app.screenshot('annotation-resume-zh');
      await page.keyboard.press('Enter');
      await page.getByTestId('annotation-workbench').waitFor();
      await at(page, 3);
      expect(await done(page)).toBe('2');
      await timeMoves(page);
      // The skipped item stays open; the rest are picked as the judge would.
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await at(page, 1);
      await page.keyboard.press(await judgeKey(page));
      await at(page, 2);
      await page.keyboard.press('ArrowRight');
      await at(page, 3);
      for (let i = 3; i < total; i++) {
        await at(page, Math.min(i, total - 1));
        await page.keyboard.press(await judgeKey(page));
      }
      await expect.poll(() => done(page), eventually).toBe(String(total));
      await page.getByTestId('annotation-all-done').waitFor();

      moves.push(...(await movesSoFar(page)));
      commits.push(...(await commitsSoFar(page)));
      console.log(
        `annotation: next item on screen ${median(moves).toFixed(1)} ms after the key (median of ${moves.length} moves, max ${Math.max(...moves).toFixed(1)} ms); ` +
          `DOM updated after ${median(commits).toFixed(1)} ms (median)`,
      );
      expect(moves.length).toBeGreaterThan(5);
      // The frame after the change waits on the compositor, which a loaded shared machine delays; what this screen
      // controls is the change itself, from the key to the new item in the DOM.
      expect(median(commits)).toBeLessThan(50);

      const exported = join(dir, 'work', '王老师.json');
      mkdirSync(join(dir, 'work'));
      bridge.filePicks.push(exported);
      await page.keyboard.press('e');
      await expect.poll(() => existsSync(exported), eventually).toBe(true);
      const work = JSON.parse(readFileSync(exported, 'utf8')) as { annotator: string; revision: number; verdicts: { itemId: string; choice: string; note?: string }[] };
      expect(work).toMatchObject({ annotator: '王老师', revision: 1 });
      expect(work.verdicts).toHaveLength(total);
      expect(work.verdicts.filter((v) => v.choice === 'bothbad')).toHaveLength(1);
      expect(work.verdicts.find((v) => v.choice === 'bothbad')!.note).toBe('两条回复都没有回应来访者的失眠');

      // The same screen in English.
      await app.goTo('settings');
      await app.chooseLanguage('en');
      await app.waitForTitle('Settings');
      await app.goTo('annotation');
      await page.getByTestId('annotation-workbench').waitFor();
      await page.getByText('Guidelines', { exact: true }).click();
      await app.screenshot('annotation-annotate-en');
      expect(win.errors).toEqual([]);
    } finally {
      await win?.close();
      await bridge.close();
    }
  }, 240_000);

  it('lets the researcher import two annotators\' work; the human battles and the agreement follow', async () => {
    const li = openPackage(readFileSync(packages.li!, 'utf8'), 'x', 'li');
    writeFileSync(join(dir, 'work', 'li.json'), JSON.stringify(annotate(li, againstTheJudge)));
    const bridge: Bridge = await startBridge({ dbPath: researcherDb, systemLocale: 'zh-CN' });
    let win: AppWindow | undefined;
    try {
      expect(arenaBattles(bridge.ctx.db, arenaId, 'human')).toHaveLength(0);
      win = await openAppWindow(bridge, { locale: 'zh-CN', viewport: { width: 1280, height: 900 }, timeoutMs: 20_000, path: '#/annotation' });
      const { page } = win;
      const app = new AppPage(page);
      await page.getByTestId('annotation-tab-research').click();
      await page.getByTestId('annotation-research').waitFor();
      bridge.filePicks.push(join(dir, 'work'));
      await page.getByTestId('annotation-import-folder').click();
      await expect.poll(() => page.getByTestId('import-status').allTextContents(), eventually).toEqual(['新增', '新增']);
      const human = arenaBattles(bridge.ctx.db, arenaId, 'human');
      const wang = JSON.parse(readFileSync(join(dir, 'work', '王老师.json'), 'utf8')) as { verdicts: unknown[] };
      expect(human).toHaveLength(wang.verdicts.length + li.items.length);
      await page.getByTestId('annotation-agreement').waitFor();
      expect(await page.getByTestId('agreement-human-verdicts').textContent()).toContain(String(human.length));
      // 王老师 chose as the judge on all but the skipped-then-picked and the both-bad item; li always against it.
      const accuracy = await page.getByTestId('agreement-accuracy').textContent();
      expect(accuracy).toMatch(/\d+\.\d%/);
      expect(await page.getByTestId('agreement-pairs').textContent()).toMatch(/li · 王老师/);
      await expect.poll(() => page.getByTestId('chart-annotation-confusion').locator('svg').count(), eventually).toBeGreaterThan(0);
      await app.screenshot('annotation-research-zh');
      await page.getByTestId('annotation-agreement').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await app.screenshot('annotation-agreement-zh');

      // The same files again: nothing changes.
      bridge.filePicks.push(join(dir, 'work'));
      await page.getByTestId('annotation-import-folder').click();
      await expect.poll(() => page.getByTestId('import-status').allTextContents(), eventually).toEqual(['与之前相同', '与之前相同']);
      expect(arenaBattles(bridge.ctx.db, arenaId, 'human')).toHaveLength(human.length);

      await page.getByTestId('annotation-disagreements').locator('.ant-collapse-header').click();
      await app.goTo('settings');
      await app.chooseLanguage('en');
      await app.waitForTitle('Settings');
      await app.goTo('annotation');
      await page.getByTestId('annotation-tab-research').click();
      await page.getByTestId('annotation-agreement').waitFor();
      await page.getByTestId('annotation-disagreements').locator('.ant-collapse-header').click();
      await app.screenshot('annotation-research-en');
      await page.getByTestId('annotation-disagreements').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await app.screenshot('annotation-disagreements-en');
      expect(win.errors).toEqual([]);
    } finally {
      await win?.close();
      await bridge.close();
    }
  }, 240_000);
});
