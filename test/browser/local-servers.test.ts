import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { startBridge, type Bridge } from '../support/bridge';
import { eventually, openAppWindow, type AppWindow } from '../support/browser';
import { simpsy } from '../support/cli';
import { deadPort } from '../support/ports';
import { AppPage } from './app-page';

// First run finds local models (issue 7, item 8), in Settings: test servers on random ports
// stand in for a local Ollama, a vLLM and a server that wants a key (SIMPSY_LOCAL_PORTS points
// the app at them). One click adds a model; the CLI adding another shows without a reload.
// Screenshots: test-results/screenshots/settings-local-servers-{zh,en}.png.

const repoRoot = resolve(__dirname, '../..');

describe('local model servers in Settings (headless Chromium, real handlers over the bridge)', () => {
  let dir: string;
  let ollama: LlmServer;
  let vllm: LlmServer;
  let keyed: LlmServer;
  let ports: string;
  let bridge: Bridge;
  let appWindow: AppWindow;
  let page: Page;
  let app: AppPage;

  const server = (kind: string) => page.locator(`[data-testid="local-server"][data-kind="${kind}"]`);

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'out/renderer/index.html'))) throw new Error('The app is not built: run `npm run build` first.');
    dir = mkdtempSync(join(tmpdir(), 'simpsy-local-'));
    ollama = await startLlmServer({ models: ['qwen2.5:7b', 'llama3.1:8b', 'nomic-embed-text:latest'], ownedBy: 'library' });
    vllm = await startLlmServer({ models: ['Qwen/Qwen2.5-7B-Instruct'], ownedBy: 'vllm' });
    keyed = await startLlmServer({ apiKey: 'sk-local' });
    ports = [ollama.port, vllm.port, keyed.port, await deadPort()].join(',');
    bridge = await startBridge({ dbPath: join(dir, 'simpsy.db'), systemLocale: 'zh-CN', env: { ...process.env, SIMPSY_LOCAL_PORTS: ports }, changePollMs: 100 });
    appWindow = await openAppWindow(bridge, { locale: 'zh-CN', timeoutMs: 15_000, path: '#/settings' });
    page = appWindow.page;
    app = new AppPage(page);
  });

  afterAll(async () => {
    await appWindow?.close();
    await bridge?.close();
    await Promise.all([ollama, vllm, keyed].map((s) => s?.close()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists the servers running here with their models, in Chinese', async () => {
    await page.locator('[data-testid="local-servers"][data-status="ready"]').waitFor();
    expect(await page.getByTestId('local-server').count()).toBe(3);
    expect(await server('ollama').getByTestId('local-base-url').textContent()).toBe(`http://127.0.0.1:${ollama.port}/v1`);
    expect(await server('ollama').textContent()).toContain('3 个模型');
    // A chat model is offered first, named after the server and the model.
    expect(await server('ollama').getByTestId('local-add').textContent()).toContain('添加为“ollama-qwen2.5:7b”');
    expect(await server('vllm').getByTestId('local-add').textContent()).toContain('添加为“vllm-Qwen2.5-7B-Instruct”');
    expect(await server('openai-compatible').textContent()).toContain('需要 API 密钥');
    expect(await page.getByTestId('endpoint-row').count()).toBe(0);
    await app.screenshot('settings-local-servers-zh');
  });

  it('adds a model in one click and marks it as set up', async () => {
    await server('ollama').getByTestId('local-add').click();
    await app.row('ollama-qwen2.5:7b').waitFor();
    expect(await app.row('ollama-qwen2.5:7b').getByTestId('endpoint-base-url').textContent()).toBe(`http://127.0.0.1:${ollama.port}/v1`);
    expect(await app.row('ollama-qwen2.5:7b').getByTestId('endpoint-model').textContent()).toBe('qwen2.5:7b');
    await server('ollama').locator('[data-testid="local-configured"][data-model="qwen2.5:7b"]').waitFor();
    // The next chat model is offered now, not the one just added and not the embedding model.
    await expect.poll(() => server('ollama').getByTestId('local-add').textContent(), eventually).toContain('ollama-llama3.1:8b');
    // And it works: a real call from the connection test.
    expect(await (await app.testConnection('ollama-qwen2.5:7b')).getAttribute('data-status')).toBe('ok');
  });

  it('shows an endpoint the CLI adds for a found server without a reload', async () => {
    const added = await simpsy(['--db', bridge.ctx.dbPath, 'endpoints', 'detect', '--ports', String(vllm.port), '--add']);
    expect(added, added.stderr).toMatchObject({ code: 0 });
    await app.row('vllm-Qwen2.5-7B-Instruct').waitFor();
    await server('vllm').getByTestId('local-all-added').waitFor();
  });

  it("opens the form at the server's address for one that wants a key", async () => {
    await server('openai-compatible').getByTestId('local-add-with-key').click();
    await app.byTestId('endpoint-form').waitFor();
    expect(await app.field('baseUrl').inputValue()).toBe(`http://127.0.0.1:${keyed.port}/v1`);
    await page.keyboard.press('Escape');
    await app.waitFormClosed();
  });

  it('reads the same in English', async () => {
    await app.chooseLanguage('en');
    await app.waitForTitle('Settings');
    await page.locator('[data-testid="local-servers"]', { hasText: 'Found on this computer' }).waitFor();
    expect(await server('ollama').getByTestId('local-add').textContent()).toContain('Add as “ollama-llama3.1:8b”');
    await page.getByTestId('local-servers').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await app.screenshot('settings-local-servers-en');
    expect(appWindow.errors).toEqual([]);
  });
});
