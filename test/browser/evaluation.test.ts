import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedRun, type SessionPlan } from '../evaluation/support';
import { startBridge, type Bridge } from '../support/bridge';
import { openAppWindow, type AppWindow } from '../support/browser';
import { AppPage, screenshotDir } from './app-page';

// The Evaluation section in headless Chromium over the real handlers: run the vocabulary
// overlap of two seeded runs (segmented on the worker pool, with progress), read its table,
// t-tests and histograms, save a chart as SVG and PNG and the report, then reopen the kept
// evaluation after a reload without recomputing. Screenshots (zh and en):
// test-results/screenshots/evaluation-*.png.

const repoRoot = resolve(__dirname, '../..');
const rendererIndex = join(repoRoot, 'out/renderer/index.html');

const occupations = ['公司职员', '大学生', '护士', '程序员', '教师', '销售', '自由职业者', '研究生', '会计', '厨师', '设计师', '司机', '医生', '高中生'];
const complaints = [
  '最近总是失眠，晚上脑子停不下来，和妈妈经常吵架。',
  '工作压力很大，经常加班到深夜，担心被领导批评。',
  '和室友关系紧张，觉得自己被孤立，不想回宿舍。',
  '考研失败以后一直很沮丧，觉得对不起父母。',
  '刚分手三个月，还是忍不住翻看前任的朋友圈。',
  '孩子上初中后总是顶嘴，我不知道怎么和他沟通。',
  '总担心自己得了重病，反复去医院检查。',
  '在新公司没有朋友，午饭都是一个人吃。',
  '父亲住院了，我既要照顾他又要上班，快撑不住了。',
  '一到考试就手心出汗，脑子一片空白。',
  '婚后和婆婆住在一起，生活习惯差别很大。',
  '被同事在背后议论，心里很委屈又不敢说。',
  '对未来很迷茫，不知道自己适合做什么工作。',
  '经常暴饮暴食，吃完又特别后悔。',
];

const card = (i: number) => `性别：${i % 2 ? '男性' : '女性'}\n年龄：${19 + ((i * 7) % 30)}岁\n职业：${occupations[i % occupations.length]}\n来访者的主诉问题：${complaints[i % complaints.length]}`;

/** Clients who say their own card's complaint back in pieces (the simulated run), or talk in general terms (the other). */
function plans(count: number, faithful: boolean, offset: number): SessionPlan[] {
  return Array.from({ length: count }, (_, k) => {
    const i = k + offset;
    const complaint = complaints[i % complaints.length]!;
    const said = faithful
      ? [`我是${occupations[i % occupations.length]}，${complaint.slice(0, 8 + (k % 5))}。`, `${complaint.slice(6)}`, '嗯，我想试试看。']
      : ['最近心情不太好，说不上来为什么。', k % 3 === 0 ? complaint.slice(0, 6) : '可能是事情太多了吧。', '谢谢你听我说。'];
    return {
      cardText: card(i),
      messages: ['你好', '你好，今天想聊些什么？', said[0]!, '能多说一些吗？', said[1]!, '听起来很不容易。', said[2]!, '我们下次再聊，再见'],
    };
  });
}

describe('evaluation section (headless Chromium, real handlers over the bridge)', () => {
  let dir: string;
  let bridge: Bridge;
  let appWindow: AppWindow;
  let page: Page;
  let app: AppPage;

  /** Picks options of an antd multi-select by their visible text. */
  beforeAll(async () => {
    if (!existsSync(rendererIndex)) throw new Error(`The renderer is not built (${rendererIndex} is missing): run \`npm run build\` first.`);
    dir = mkdtempSync(join(tmpdir(), 'simpsy-eval-ui-'));
    bridge = await startBridge({ dbPath: join(dir, 'simpsy.db'), systemLocale: 'zh-CN' });
    await seedRun(bridge.ctx, 'zh', plans(14, true, 0), '模拟对话');
    await seedRun(bridge.ctx, 'zh', plans(12, false, 3), '对照对话');
    appWindow = await openAppWindow(bridge, { locale: 'zh-CN', viewport: { width: 1280, height: 900 }, timeoutMs: 20_000 });
    page = appWindow.page;
    app = new AppPage(page);
  }, 120_000);

  afterAll(async () => {
    await appWindow?.close();
    await bridge?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the overlap of two datasets, shows its table, tests and histograms, and reopens it from the list', async () => {
    await app.goTo('evaluation');
    await page.getByTestId('evaluation-new').waitFor();
    // The measure list is main's: those it computes can be picked; the others are listed, not runnable.
    const computed = bridge.ctx.evaluation.measures().map((m) => m.measure);
    expect(computed).toEqual(expect.arrayContaining(['stats', 'overlap']));
    await expect.poll(() => page.locator('.ant-segmented-item-disabled').count()).toBe(5 - computed.length);
    await page.getByTestId('measure-overlap').click();
    // Dataset A starts as the newest run; make it the simulated one (a second click takes an option off), and compare with the other.
    await app.pick('dataset-a-runs', ['对照对话', '模拟对话']);
    await page.getByTestId('evaluation-compare').click();
    await app.pick('dataset-b-runs', ['对照对话']);
    await page.getByTestId('evaluation-seed').locator('input').fill('7');
    await app.screenshot('evaluation-form-zh');

    const progress: number[] = [];
    bridge.ctx.events.on('jobs:progress', (e) => void (e.kind === 'evaluation.overlap' && progress.push(e.done)));
    await page.getByTestId('evaluation-run').click();
    const result = page.getByTestId('evaluation-result');
    await result.waitFor({ timeout: 60_000 });
    expect(progress.at(-1)).toBe(26); // both datasets' sessions, segmented on the worker pool

    // The numbers shown are the stored ones.
    const stored = bridge.ctx.evaluation.results.list();
    expect(stored).toHaveLength(1);
    const detail = bridge.ctx.evaluation.results.get(stored[0]!.id);
    expect(detail.settings).toMatchObject({ seed: 7 });
    const summary = detail.summary as { a: { mapping: { mean: number }; random: { mean: number }; student: { t: number } } };
    expect(summary.a.mapping.mean).toBeGreaterThan(summary.a.random.mean);
    const table = await page.getByTestId('evaluation-table').textContent();
    expect(table).toContain(summary.a.mapping.mean.toFixed(4));
    expect(table).toContain('A: 模拟对话 · 对应角色卡');
    const tests = await page.getByTestId('evaluation-tests').textContent();
    expect(tests).toContain(`Student t(26) = ${summary.a.student.t.toFixed(3)}`);
    expect(tests).toMatch(/对应角色卡组，A vs B: Student t\(24\) = .*; Welch t\(\d+\.\d\d\)/);
    // Two histograms (Figure 2a), drawn as SVG by echarts, with Chinese labels.
    for (const key of ['overlap-a', 'overlap-b']) {
      const svg = page.getByTestId(`chart-${key}`).locator('svg').first();
      await svg.waitFor();
      expect(await svg.textContent()).toContain('对应角色卡');
    }
    await page.getByTestId('evaluation-result').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await app.screenshot('evaluation-result-zh');
    await page.getByTestId('chart-overlap-a').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await app.screenshot('evaluation-histogram-zh');

    // A chart as SVG and as PNG, through the file dialog and the safe export path.
    const svgFile = join(dir, 'figure-2a.svg');
    bridge.filePicks.push(svgFile);
    await page.getByTestId('chart-overlap-a-export').click();
    await page.getByTestId('chart-overlap-a-svg').click();
    await expect.poll(() => existsSync(svgFile), { timeout: 15_000 }).toBe(true);
    const svg = readFileSync(svgFile, 'utf8');
    expect(svg).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('随机角色卡');
    const pngFile = join(dir, 'figure-2a.png');
    bridge.filePicks.push(pngFile);
    await page.getByTestId('chart-overlap-a-export').click();
    await page.getByTestId('chart-overlap-a-png').click();
    await expect.poll(() => existsSync(pngFile), { timeout: 15_000 }).toBe(true);
    const png = readFileSync(pngFile);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThan(1000); // twice the chart's width

    // The report and the per-session scores beside it.
    const reportFile = join(dir, 'report.html');
    bridge.filePicks.push(reportFile);
    await page.getByTestId('evaluation-report').click();
    await expect.poll(() => existsSync(join(dir, 'report.csv')), { timeout: 15_000 }).toBe(true);
    expect(readFileSync(reportFile, 'utf8').match(/<figure data-chart=/g)).toHaveLength(2);
    expect(readFileSync(join(dir, 'report.csv'), 'utf8').split('\r\n')).toHaveLength(1 + 26 + 1);

    // In English, after a reload: the kept evaluation reopens from the list, nothing is recomputed.
    await app.goTo('settings');
    await app.chooseLanguage('en');
    await app.waitForTitle('Settings');
    await page.reload();
    await app.goTo('evaluation');
    const jobsBefore = bridge.ctx.jobs.list({ kind: 'evaluation.overlap' }).length;
    await page.getByTestId('evaluation-past-item').first().click();
    await result.waitFor();
    expect(await page.getByTestId('evaluation-table').textContent()).toContain('A: 模拟对话 · Mapping');
    expect(await page.getByTestId('chart-overlap-b').locator('svg').first().textContent()).toContain('Vocabulary overlap rate');
    expect(bridge.ctx.jobs.list({ kind: 'evaluation.overlap' })).toHaveLength(jobsBefore);
    await page.evaluate('window.scrollTo(0, 0)');
    await app.screenshot('evaluation-en');
    await page.getByTestId('evaluation-result').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await app.screenshot('evaluation-result-en');
    await page.getByTestId('chart-overlap-a').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await app.screenshot('evaluation-histogram-en');
    expect(appWindow.errors).toEqual([]);
  }, 240_000);

  it('runs the statistics (Table 1) of one dataset at once', async () => {
    await page.evaluate('window.scrollTo(0, 0)');
    await page.getByTestId('measure-stats').click();
    await page.getByTestId('evaluation-run').click();
    await page.locator('[data-testid="evaluation-result"]', { hasText: 'Dataset statistics' }).waitFor();
    const table = await page.getByTestId('evaluation-table').textContent();
    expect(table).toContain('Turns per session');
    expect(table).toContain('4.00 ± 0.00');
    await expect.poll(() => page.getByTestId('evaluation-past-item').count()).toBe(2);
    await page.getByTestId('evaluation-result').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await app.screenshot('evaluation-stats-en');
    expect(appWindow.errors).toEqual([]);
    // Tests do not write into tracked files unless asked: a test run leaves the tree clean.
    if (process.env.UPDATE_DOCS_SCREENSHOTS === '1') {
      copyFileSync(join(screenshotDir, 'evaluation-result-zh.png'), join(repoRoot, 'docs/screenshots/evaluation-zh.png'));
      copyFileSync(join(screenshotDir, 'evaluation-histogram-en.png'), join(repoRoot, 'docs/screenshots/evaluation-charts-en.png'));
    }
  }, 120_000);
});
