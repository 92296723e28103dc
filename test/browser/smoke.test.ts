import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { startBridge, type Bridge } from '../support/bridge';
import { openAppWindow, type AppWindow } from '../support/browser';
import { deadPort } from '../support/ports';
import { AppPage, sections, type Section } from './app-page';

// The built renderer in headless Chromium, with window.api bridged to the real main-process
// handlers over a fresh database, and a real OpenAI-compatible server on loopback. It walks
// every section, works the endpoints screen end to end, switches language, and leaves a
// 1280×800 screenshot of every section in both languages in test-results/screenshots/.

const rendererIndex = resolve(__dirname, '../../out/renderer/index.html');

const titles: Record<'zh' | 'en', Record<Section, string>> = {
  zh: {
    'role-cards': '角色卡',
    simulations: '模拟会谈',
    dialogues: '对话记录',
    evaluation: '评估',
    arena: '竞技场',
    annotation: '人工标注',
    'fine-tuning': '模型微调',
    settings: '设置',
  },
  en: {
    'role-cards': 'Role cards',
    simulations: 'Simulations',
    dialogues: 'Dialogues',
    evaluation: 'Evaluation',
    arena: 'Arena',
    annotation: 'Annotation',
    'fine-tuning': 'Fine-tuning',
    settings: 'Settings',
  },
};

const SECRET = 'sk-smoke-test-0123456789';

describe('renderer smoke (headless Chromium, real handlers over the bridge)', () => {
  let dir: string;
  let llm: LlmServer;
  let bridge: Bridge;
  let win: AppWindow;
  let page: Page;
  let app: AppPage;
  let deadUrl: string;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(rendererIndex)) {
      throw new Error(`The renderer is not built (${rendererIndex} is missing): run \`npm run build\` before the browser tests.`);
    }
    dir = mkdtempSync(join(tmpdir(), 'simpsy-smoke-'));
    llm = await startLlmServer();
    // The bridge reports a Chinese system locale, so a fresh install opens in Chinese.
    bridge = await startBridge({ dbPath: join(dir, 'simpsy.db'), systemLocale: 'zh-CN' });
    deadUrl = `http://127.0.0.1:${await deadPort()}/v1`;
    // Uncaught errors, CSP violations (reported as console errors) and failed requests fail the test at the end.
    win = await openAppWindow(bridge, {
      locale: 'en-US',
      watch: (p, errors) =>
        p.on('response', (response) => {
          if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
        }),
    });
    ({ page, errors: pageErrors } = win);
    app = new AppPage(page);
  });

  afterAll(async () => {
    await win?.close();
    await bridge?.close();
    await llm?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('opens in the system language (Chinese) on Role cards', async () => {
    await app.byTestId('section-role-cards').waitFor();
    expect(await app.sectionTitle()).toBe(titles.zh['role-cards']);
    expect(await page.evaluate('document.documentElement.lang')).toBe('zh-CN');
    expect(await app.byTestId('app-name').textContent()).toBe('SimPsy Studio');
  });

  it('shows a real empty state in every unbuilt section, pointing to Settings while no endpoint exists', async () => {
    // Annotation needs no endpoint (an annotator works offline from a package file): it opens on that, not on an empty state.
    await app.goTo('annotation');
    await app.byTestId('annotation-open').waitFor();
    for (const section of sections.filter((s) => s !== 'settings' && s !== 'annotation')) {
      const view = await app.goTo(section);
      expect(await app.sectionTitle()).toBe(titles.zh[section]);
      const empty = view.getByTestId(`empty-${section}`);
      await empty.getByTestId('empty-next').waitFor();
      expect((await empty.textContent())!.length).toBeGreaterThan(60);
      expect(await empty.getByTestId('empty-next-action').textContent()).toContain('添加模型接口');
    }
    // The empty state's button leads to Settings.
    await app.goTo('simulations');
    await app.screenshot('first-run-simulations-zh');
    await app.byTestId('empty-next-action').click();
    await app.byTestId('section-settings').waitFor();
    expect(page.url()).toMatch(/#\/settings$/);
  });

  it('shows a validation message beside the field for an invalid base URL', async () => {
    await app.goTo('settings');
    await app.openAddForm();
    await app.fillEndpoint({ name: 'local-test', baseUrl: 'not a url', model: 'test-model', keySource: 'none' });
    await app.saveForm();
    await app.fieldHelp('baseUrl').filter({ hasText: '请输入完整的 http:// 或 https:// 地址' }).waitFor();
    await app.screenshot('endpoint-form-zh');
    // Nothing was saved.
    expect(await app.row('local-test').count()).toBe(0);
  });

  it('adds an endpoint for the LLM test server with an encrypted key, and its test reports latency', async () => {
    await app.fillEndpoint({
      name: 'local-test',
      baseUrl: llm.url,
      model: 'test-model',
      keySource: 'stored',
      apiKey: SECRET,
      temperature: 0.7,
      maxTokens: 1024,
      priceInputPerM: 2,
      priceOutputPerM: 8,
    });
    await app.saveForm();
    await app.waitFormClosed();

    const row = app.row('local-test');
    await row.waitFor();
    expect(await row.getByTestId('endpoint-model').textContent()).toBe('test-model');
    expect(await row.getByTestId('endpoint-base-url').textContent()).toBe(llm.url);
    expect(await row.getByTestId('key-status').getAttribute('data-key')).toBe('stored');
    expect(await row.getByTestId('key-status').textContent()).toBe('已加密保存密钥');

    const result = await app.testConnection('local-test');
    expect(await result.getAttribute('data-status')).toBe('ok');
    expect(await result.textContent()).toMatch(/连接成功，耗时 \d+ 毫秒/);
    expect(llm.requests.some((r) => r.path === '/v1/chat/completions')).toBe(true);
  });

  it('never shows the saved key again, only that one is saved', async () => {
    expect(await page.content()).not.toContain(SECRET);
    await app.row('local-test').getByTestId('endpoint-edit').click();
    await app.byTestId('saved-key').waitFor();
    expect(await app.field('apiKey').count()).toBe(0);
    expect(await page.content()).not.toContain(SECRET);
    await page.keyboard.press('Escape');
    await app.waitFormClosed();
  });

  it('adds an endpoint on a dead port, and its test shows the one-line failure with its kind', async () => {
    await app.openAddForm();
    await app.fillEndpoint({ name: 'dead-port', baseUrl: deadUrl, model: 'test-model', keySource: 'none' });
    await app.saveForm();
    await app.waitFormClosed();
    expect(await app.row('dead-port').getByTestId('key-status').getAttribute('data-key')).toBe('none');

    const result = await app.testConnection('dead-port');
    expect(await result.getAttribute('data-status')).toBe('failed');
    expect(await result.getAttribute('data-kind')).toBe('refused');
    const text = (await result.innerText()).trim();
    expect(text).toContain('连接失败：连接被拒绝');
    // Main's failure arrives as a key and params and is worded in the UI's language.
    expect(text).toMatch(/127\.0\.0\.1:\d+ 拒绝连接：服务器是否已启动，端口是否正确？/);
    expect(text).not.toContain('Connection refused');
    const message = text.split('\n').filter(Boolean).pop()!;
    expect(message).not.toContain('\n');
    await app.screenshot('settings-zh');
  });

  it('walks every section in Chinese with endpoints configured', async () => {
    for (const section of sections) {
      await app.goTo(section);
      expect(await app.sectionTitle()).toBe(titles.zh[section]);
      if (section !== 'settings' && section !== 'annotation') {
        // With endpoints, the next step moves on from "add an endpoint".
        const next = app.byTestId('empty-next');
        await next.waitFor();
        expect(await next.textContent()).toContain('已接入 2 个模型接口');
      }
      await app.screenshot(`${section}-zh`);
    }
    await app.screenshot('settings-full-zh', { fullPage: true });
  });

  it('switches to English at once, without a reload, and keeps it after one', async () => {
    await app.goTo('settings');
    await page.evaluate('window.notReloaded = true');
    await app.chooseLanguage('en');
    await app.waitForTitle('Settings');
    expect(await page.evaluate('window.notReloaded')).toBe(true);
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    expect(await app.row('local-test').getByTestId('key-status').textContent()).toBe('Encrypted key saved');
    expect(await app.testResult('dead-port').innerText()).toContain('Connection failed: connection refused');

    await page.reload();
    await app.waitForTitle('Settings');
    expect(await app.byTestId('about-db-path').textContent()).toBe(join(dir, 'simpsy.db'));
    expect(await app.byTestId('about-version').textContent()).toBe('test');
  });

  it('walks every section in English', async () => {
    // The reload dropped the session's test results; show them again for the screenshot.
    await app.testConnection('local-test');
    await app.testConnection('dead-port');
    for (const section of sections) {
      await app.goTo(section);
      expect(await app.sectionTitle()).toBe(titles.en[section]);
      await app.screenshot(`${section}-en`);
    }
    await app.screenshot('settings-full-en', { fullPage: true });
  });

  it('shows the English validation message beside the field', async () => {
    await app.goTo('settings');
    await app.openAddForm();
    await app.fillEndpoint({ name: 'local-test', baseUrl: 'ftp://example.com', model: 'test-model', keySource: 'env', apiKeyEnv: '1BAD' });
    await app.saveForm();
    await app.fieldHelp('baseUrl').filter({ hasText: 'Enter a full http:// or https:// URL' }).waitFor();
    await app.fieldHelp('apiKeyEnv').filter({ hasText: 'not starting with a digit' }).waitFor();
    await app.screenshot('endpoint-form-en');
    // A name already taken is refused by main and shown beside the name field.
    await app.field('baseUrl').fill(llm.url);
    await app.field('apiKeyEnv').fill('LOCAL_KEY');
    await app.saveForm();
    await app.fieldHelp('name').filter({ hasText: 'This name is already taken' }).waitFor();
    await page.keyboard.press('Escape');
    await app.waitFormClosed();
  });

  it('edits an endpoint and keeps its saved key unless told otherwise', async () => {
    await app.row('local-test').getByTestId('endpoint-edit').click();
    await app.byTestId('saved-key').waitFor();
    expect(await app.field('temperature').inputValue()).toBe('0.7');
    await app.field('temperature').fill('0.5');
    await app.saveForm();
    await app.waitFormClosed();
    const row = app.row('local-test');
    await row.filter({ hasText: 'temp 0.5' }).waitFor();
    expect(await row.getByTestId('key-status').getAttribute('data-key')).toBe('stored');
  });

  it('removes an endpoint after confirmation', async () => {
    await app.row('dead-port').getByTestId('endpoint-remove').click();
    await app.byTestId('endpoint-remove-confirm').click();
    await app.row('dead-port').waitFor({ state: 'detached' });
    expect(await app.row('local-test').count()).toBe(1);
  });

  it('follows the system language again when asked', async () => {
    await app.chooseLanguage('system');
    await app.waitForTitle('设置');
    expect(await page.evaluate('document.documentElement.lang')).toBe('zh-CN');
  });

  it('raised no page errors or CSP violations', () => {
    expect(pageErrors).toEqual([]);
  });
});
