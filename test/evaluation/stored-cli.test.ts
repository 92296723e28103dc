import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppContext } from '../../src-main/app/context';
import { collectPageErrors, launchBrowser } from '../support/browser';
import { simpsy } from '../support/cli';
import { tempDbPath, tempDir } from '../support/temp';
import { cardA, cardB, cardC, handComputedSessions, seedRun } from './support';

// The built `simpsy eval` keeps what it computes: list, show and report read it back without
// recomputing. The report is opened in headless Chromium with the network cut off: every
// chart is there as SVG, nothing is fetched. Screenshots: test-results/screenshots/report-*.png.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const lastLine = (stdout: string) => JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as Record<string, any>;
const screenshots = resolve(__dirname, '../../test-results/screenshots');

async function seededDb(): Promise<string> {
  const db = tempDbPath();
  const ctx = createAppContext({ dbPath: db });
  try {
    await seedRun(ctx, 'zh', handComputedSessions(), '模拟一');
    await seedRun(ctx, 'zh', [
      { cardText: cardC, messages: ['你好', '请说。', '我和室友关系不好，总是失眠。', '再见'] },
      { cardText: cardA, messages: ['你好', '请说。', '我失眠，家人关系紧张。', '再见'] },
      { cardText: cardB, messages: ['你好', '请说。', '工作压力大。', '再见'] },
    ], 'pilot two');
  } finally {
    ctx.close();
  }
  return db;
}

describe('simpsy eval keeps its results', () => {
  it('saves by default, lists, shows and reports them; --no-save keeps nothing', async () => {
    const db = await seededDb();
    const cwd = tempDir();
    const overlap = await simpsy(['--db', db, 'eval', 'overlap', '--runs', '1', '--compare', '2', '--seed', '7', '--json']);
    expect(overlap).toMatchObject({ code: 0, stderr: '' });
    const computed = lastLine(overlap.stdout);
    expect(computed.evaluationId).toBe(1);
    const stats = await simpsy(['--db', db, 'eval', 'stats', '--runs', '1']);
    expect(stats.stdout).toContain('Kept as evaluation 2: simpsy eval show 2, simpsy eval report 2 report.html');
    const unsaved = await simpsy(['--db', db, 'eval', 'stats', '--runs', '2', '--no-save', '--json']);
    expect(lastLine(unsaved.stdout).evaluationId).toBeUndefined();

    const list = lastLine((await simpsy(['--db', db, 'eval', 'list', '--json'])).stdout) as unknown as { id: number; measure: string; title: string; sizes: unknown }[];
    expect(list.map((e) => [e.id, e.measure, e.title, e.sizes])).toEqual([
      [2, 'stats', '模拟一', { a: 4, b: null }],
      [1, 'overlap', '模拟一 vs pilot two', { a: 4, b: 3 }],
    ]);
    const table = await simpsy(['--db', db, 'eval', 'list']);
    expect(table.stdout).toMatch(/^ID\s+MEASURE\s+DATASETS\s+SESSIONS\s+CREATED\n2\s+stats\s+模拟一\s+4\s+\d{4}-/);
    expect(table.stdout).toMatch(/\n1\s+overlap\s+模拟一 vs pilot two\s+4 \/ 3\s+/);

    // Shown as computed: the same numbers, nothing recomputed.
    const shown = lastLine((await simpsy(['--db', db, 'eval', 'show', '1', '--json'])).stdout);
    expect(shown.summary.a.mapping).toEqual(computed.a.mapping);
    expect(shown.summary.between.student).toEqual(computed.student);
    expect(shown.settings).toMatchObject({ seed: 7, stopwords: null });
    expect(shown.scores.filter((s: { dataset: string }) => s.dataset === 'a').map((s: { values: { mapping: number } }) => s.values.mapping)).toEqual(
      computed.a.sessions.map((s: { mapping: number }) => s.mapping),
    );
    const text = await simpsy(['--db', db, 'eval', 'show', '1']);
    expect(text.stdout).toContain('Evaluation 1: Vocabulary overlap (Eq. 1)');
    expect(text.stdout).toMatch(/A: 模拟一 mapping\s+3\s+0\.4095\s+0\.0687/);
    expect(text.stdout).toMatch(/A: 模拟一, mapping vs random: Student t\(4\) = /);
    expect(text.stdout).toContain('Mapping, A vs B: Student t(4) = ');

    // Report and CSV.
    const report = await simpsy(['--db', db, 'eval', 'report', '1', 'report.html', '--csv', 'scores.csv'], {}, { cwd });
    expect(report).toMatchObject({ code: 0, stderr: '' });
    const html = readFileSync(join(cwd, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    expect(html.match(/<figure data-chart="overlap-[ab]"><svg/g)).toHaveLength(2);
    expect(html).toContain('词汇重叠率（公式 1）'); // the dataset's language by default
    const csv = readFileSync(join(cwd, 'scores.csv'), 'utf8').split('\r\n');
    expect(csv[0]).toBe('dataset,session_id,run_id,external_id,mapping,random,random_card_of,card_words,client_words');
    expect(csv[1]).toBe(`a,1,1,,${7 / 15},${computed.a.sessions[0].random},${computed.a.sessions[0].randomCardOf},15,11`);
    expect(csv.filter((l) => l.startsWith('b,'))).toHaveLength(3);
    const again = await simpsy(['--db', db, 'eval', 'report', '1', 'report.html'], {}, { cwd });
    expect(again).toMatchObject({ code: 1, stderr: expect.stringMatching(/report\.html already exists/) });
    expect(await simpsy(['--db', db, 'eval', 'report', '1', 'report.html', '--force', '--lang', 'en'], {}, { cwd })).toMatchObject({ code: 0 });
    expect(readFileSync(join(cwd, 'report.html'), 'utf8')).toContain('Vocabulary overlap (Eq. 1)');

    // Bad ids say what to do.
    expect(await simpsy(['--db', db, 'eval', 'show', '9'])).toMatchObject({ code: 1, stderr: 'simpsy: Evaluation 9 does not exist; the latest are 2, 1 (simpsy eval list shows them all).\n' });
    expect(await simpsy(['--db', db, 'eval', 'show', 'x'])).toMatchObject({ code: 1, stderr: "simpsy: An evaluation id is a whole number, got 'x'; see them with: simpsy eval list\n" });
    expect(await simpsy(['--db', db, 'eval', 'report', '1', 'r.html', '--lang', 'fr'], {}, { cwd })).toMatchObject({ code: 1, stderr: "simpsy: --lang takes zh or en, got 'fr'.\n" });
    expect(existsSync(join(cwd, 'r.html'))).toBe(false);
    expect(await simpsy(['--db', db, 'eval', 'delete', '2'])).toMatchObject({ code: 0, stdout: 'Evaluation 2 deleted.\n' });
    expect(lastLine((await simpsy(['--db', db, 'eval', 'list', '--json'])).stdout)).toHaveLength(1);
  }, 240_000);

  it('writes a report that opens offline in Chromium with every chart', async () => {
    const db = await seededDb();
    const cwd = tempDir();
    expect(await simpsy(['--db', db, 'eval', 'overlap', '--runs', '1', '--compare', '2'])).toMatchObject({ code: 0 });
    expect(await simpsy(['--db', db, 'eval', 'stats', '--runs', '1', '--compare', '2'])).toMatchObject({ code: 0 });
    for (const [id, lang] of [['1', 'zh'], ['1', 'en'], ['2', 'en']] as const) {
      expect(await simpsy(['--db', db, 'eval', 'report', id, `report-${id}-${lang}.html`, '--lang', lang], {}, { cwd })).toMatchObject({ code: 0 });
    }
    mkdirSync(screenshots, { recursive: true });
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({ viewport: { width: 960, height: 900 }, offline: true });
      const page = await context.newPage();
      const errors: string[] = [];
      collectPageErrors(page, errors);
      const requests: string[] = [];
      page.on('request', (r) => void (r.url().startsWith('file:') || requests.push(r.url())));
      await page.goto(`file://${join(cwd, 'report-1-zh.html')}`);
      await expect.poll(() => page.locator('figure svg').count()).toBe(2);
      expect(await page.locator('h1').textContent()).toBe('词汇重叠率（公式 1）');
      expect(await page.locator('figure').first().textContent()).toContain('对应角色卡');
      const box = await page.locator('figure svg').first().boundingBox();
      expect(box!.width).toBeGreaterThan(500);
      await page.screenshot({ path: join(screenshots, 'report-overlap-zh.png'), fullPage: true });
      await page.goto(`file://${join(cwd, 'report-1-en.html')}`);
      expect(await page.locator('.test').first().textContent()).toMatch(/A: 模拟一, Mapping vs Random: Student t\(4\) = .*; Welch t\(/);
      await page.screenshot({ path: join(screenshots, 'report-overlap-en.png'), fullPage: true });
      await page.goto(`file://${join(cwd, 'report-2-en.html')}`);
      expect(await page.locator('table').first().textContent()).toContain('Turns per session');
      await page.screenshot({ path: join(screenshots, 'report-stats-en.png'), fullPage: true });
      expect(requests).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 180_000);
});
