import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CallFailed } from '../../src-main/llm/attempts';
import { chat } from '../../src-main/llm/chat';
import { connectEndpoint } from '../../src-main/llm/client';
import { paperFixtures } from '../simulation/support';
import { startBridge, type Bridge } from '../support/bridge';
import { eventually, openAppWindow, type AppWindow } from '../support/browser';
import { groupAlive, startSshd, sshdUnavailable, type TestSshd } from '../support/sshd';
import { tempDir } from '../support/temp';
import { AppPage } from './app-page';

// The Fine-tuning section in headless Chromium over the real handlers, against a real sshd
// with the LLaMA-Factory and nvidia-smi stand-ins on its PATH (the profile's set-up line):
// add a server, accept its host key at the prompt, Test shows the GPUs; fill the job form,
// preview the statistics and the YAML, submit with upload progress, watch the loss chart
// fill and the job finish; serve its model back from the job view (busy while the API
// stand-in loads, then the counselor, whose reply comes through the app's SSH tunnel), see
// it still served when the job is opened again, and unserve it (its process group is gone);
// a second job is cancelled and its process group is gone.
// Screenshots (zh and en): test-results/screenshots/fine-tuning-*.png.

const unavailable = sshdUnavailable();
const rendererIndex = join(resolve(__dirname, '../..'), 'out/renderer/index.html');
vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

describe.skipIf(unavailable !== null)(`fine-tuning section (headless Chromium, real sshd)${unavailable ? ` — SKIPPED: ${unavailable}` : ''}`, () => {
  let dir: string;
  let sshd: TestSshd;
  let bridge: Bridge;
  let appWindow: AppWindow;
  let page: Page;
  let app: AppPage;
  const workdir = tempDir();

  /** antd's InputNumber puts the test id on its <input> (or on its wrapper in some versions). */
  async function fillNumber(testId: string, value: string): Promise<void> {
    const el = app.byTestId(testId);
    await ((await el.evaluate((e) => e.tagName)) === 'INPUT' ? el : el.locator('input')).fill(value);
  }

  beforeAll(async () => {
    if (!existsSync(rendererIndex)) throw new Error(`The renderer is not built (${rendererIndex} is missing): run \`npm run build\` first.`);
    dir = mkdtempSync(join(tmpdir(), 'simpsy-ft-ui-'));
    sshd = await startSshd();
    bridge = await startBridge({ dbPath: join(dir, 'simpsy.db'), systemLocale: 'zh-CN' });
    await bridge.ctx.simulation.importDialogues({ path: join(paperFixtures, 'dialogue') });
    appWindow = await openAppWindow(bridge, { locale: 'zh-CN', viewport: { width: 1280, height: 900 }, timeoutMs: 30_000 });
    page = appWindow.page;
    app = new AppPage(page);
  });

  afterAll(async () => {
    await appWindow?.close();
    await bridge?.close();
    await sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('adds a server, shows its fingerprint to accept, and Test reports the GPUs', async () => {
    await app.goTo('fine-tuning');
    await app.byTestId('ssh-add').click();
    await app.byTestId('ssh-name').fill('实验室A100');
    await app.byTestId('ssh-user').fill(sshd.user);
    await app.byTestId('ssh-host').fill(sshd.host);
    await fillNumber('ssh-port', String(sshd.port));
    bridge.filePicks.push(sshd.encryptedClientKey);
    await app.byTestId('ssh-key-choose').click();
    await expect.poll(() => app.byTestId('ssh-key').inputValue(), eventually).toBe(sshd.encryptedClientKey);
    await app.byTestId('ssh-passphrase').fill(sshd.passphrase);
    await app.byTestId('ssh-workdir').fill(workdir);
    // The trainer holds after step 4 until released, so the chart is seen mid-training however slow the machine.
    await app.byTestId('ssh-setup').fill(sshd.setup({ STANDIN_STEPS: '12', STANDIN_STEP_SECONDS: '0.2', STANDIN_HOLD_AT: '4', STANDIN_GPUS: '2', STANDIN_API_LOAD_SECONDS: '4' }));
    await app.byTestId('ssh-save').click();
    await app.byTestId('ssh-test-实验室A100').waitFor();
    // The passphrase was encrypted in main; the window never gets it back.
    expect(await app.byTestId('ssh-connections').innerText()).toContain('已保存口令');
    expect(await page.content()).not.toContain(sshd.passphrase);

    await app.byTestId('ssh-test-实验室A100').click();
    const prompt = app.byTestId('host-key-prompt');
    await prompt.waitFor();
    expect(await app.byTestId('host-key-fingerprint').innerText()).toBe(sshd.fingerprint);
    // The dialog's zoom-in has ended (it starts transparent), so the screenshot shows it.
    const modal = page.locator('.ant-modal', { has: prompt });
    await expect.poll(async () => `${await modal.getAttribute('class')} ${await modal.getAttribute('style')}`, eventually).not.toMatch(/zoom|opacity/);
    await app.screenshot('fine-tuning-host-key-zh');
    await app.byTestId('host-key-accept').click();
    const report = app.byTestId('ssh-report-实验室A100');
    await report.waitFor();
    const text = await report.innerText();
    expect(text).toContain('0: NVIDIA A100-SXM4-80GB，80 GiB');
    expect(text).toContain('1: NVIDIA A100-SXM4-80GB，80 GiB');
    expect(text).toContain('0.9.2');
    expect(text).toContain('可以训练');
    expect(await app.byTestId('ssh-connections').innerText()).toContain(sshd.fingerprint.slice(0, 20));
  });

  it('previews the job, submits it with upload progress, and follows the loss to the end', async () => {
    await app.byTestId('ft-runs').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click();
    await page.keyboard.press('Escape');
    await fillNumber('ft-gpus', '2');
    await fillNumber('ft-hyper-learning_rate', '0.00002');
    await app.byTestId('ft-mode-prefix').click();
    await app.byTestId('ft-preview-button').click();
    await app.byTestId('ft-preview').waitFor();
    expect(await app.byTestId('ft-preview-samples').innerText()).toBe('10');
    const yaml = await app.byTestId('ft-file-train.yaml').innerText();
    expect(yaml).toContain('model_name_or_path: Qwen/Qwen2-7B-Instruct');
    expect(yaml).toContain('learning_rate: 0.00002');
    expect(yaml).toContain('mask_history: true');
    await app.screenshot('fine-tuning-preview-zh', { fullPage: true });

    const uploads: string[] = [];
    const off = bridge.ctx.events.on('finetune:upload', (e) => uploads.push(e.file));
    await app.byTestId('ft-submit').click();
    // The probe, the export and the upload over SSH: slow on a loaded machine.
    await app.byTestId('ft-job').waitFor({ timeout: 120_000 });
    off();
    expect(new Set(uploads)).toEqual(new Set(['simpsy_sft.json', 'dataset_info.json', 'train.yaml', 'ds_z3_config.json']));
    await expect.poll(() => app.byTestId('ft-job-step').innerText(), eventually).toBe('4/12');
    await expect.poll(() => app.byTestId('ft-loss').getAttribute('data-points'), eventually).toBe('4');
    await app.screenshot('fine-tuning-running-zh', { fullPage: true });

    const [folder] = readdirSync(join(workdir, 'jobs'));
    writeFileSync(join(workdir, 'jobs', folder!, 'release'), '');
    await expect.poll(() => app.byTestId('ft-job-status').innerText(), { timeout: 60_000, interval: 200 }).toBe('已完成');
    await expect.poll(() => app.byTestId('ft-job-step').innerText(), eventually).toBe('12/12');
    await expect.poll(() => app.byTestId('ft-loss').getAttribute('data-points'), eventually).toBe('12');
    await expect.poll(() => app.byTestId('ft-job-log').innerText(), eventually).toContain('[INFO] standin: done');
    expect(await bridge.ctx.jobs.get(1).status).toBe('done');
    await app.screenshot('fine-tuning-done-zh', { fullPage: true });
  });

  it('serves the finished model from the job view: busy while it loads, then a counselor reply through the tunnel', async () => {
    await app.byTestId('ft-serve-name').fill('微调咨询师');
    await app.byTestId('ft-serve-button').click();
    // The API stand-in "loads" for 4 s: the wait says what is happening.
    const busy = app.byTestId('ft-serving');
    await busy.waitFor();
    expect(await busy.innerText()).toContain('正在 实验室A100 上启动 API 并加载模型');
    await app.screenshot('fine-tuning-serving-zh', { fullPage: true });
    const servedPanel = app.byTestId('ft-served');
    await servedPanel.waitFor({ timeout: 120_000 });
    const text = await servedPanel.innerText();
    expect(text).toContain('已部署为咨询师 微调咨询师');
    expect(text).toMatch(/端点 微调咨询师 · 模型 simpsy-job-1 · 服务器端口 \d+/);
    expect(text).toContain('可在竞技场中使用');
    await app.screenshot('fine-tuning-served-zh', { fullPage: true });

    // The counselor the window registered answers through the tunnel of the app's own process, as the arena calls it.
    const served = bridge.ctx.servedModels.find(1)!;
    expect(served.stoppedAt).toBeNull();
    expect(groupAlive(served.pgid)).toBe(true);
    expect(bridge.ctx.arena.counselors.find('微调咨询师')).toMatchObject({ endpointId: served.endpointId });
    const endpoint = connectEndpoint(bridge.ctx.endpoints.get(served.endpointId), bridge.ctx.secrets, {});
    const reply = await chat(endpoint, [{ role: 'system', content: '你是一位心理咨询师。' }, { role: 'user', content: '最近总是睡不着，很焦虑。' }], { timeoutMs: 30_000 });
    // The stand-in names the model and the template it took from the training's YAML.
    expect(reply.text).toBe('（simpsy-job-1，qwen）我听到你说：最近总是睡不着，很焦虑。');
  });

  it('cancels a second job: its process group on the server is gone', async () => {
    await fillNumber('ft-hyper-num_train_epochs', '3');
    await app.byTestId('ft-preview-button').click();
    await app.byTestId('ft-preview').waitFor();
    await app.byTestId('ft-submit').click();
    await expect.poll(() => bridge.ctx.jobs.list({ kind: 'finetune' }).length, { timeout: 60_000, interval: 200 }).toBe(2);
    const second = bridge.ctx.jobs.list({ kind: 'finetune' }).find((j) => j.id !== 1)!;
    await expect.poll(() => page.getByTestId('ft-job').innerText(), { timeout: 120_000, interval: 200 }).toContain(`任务 ${second.id}`);
    await app.byTestId('ft-job-cancel').click();
    await app.byTestId('ft-job-cancel-ok').click();
    await expect.poll(() => app.byTestId('ft-job-status').innerText(), { timeout: 60_000, interval: 200 }).toBe('已取消');
    expect(groupAlive(Number(bridge.ctx.jobs.get(second.id).remoteId))).toBe(false);
  });

  it('shows the section in English', async () => {
    await app.goTo('settings');
    await app.chooseLanguage('en');
    await app.goTo('fine-tuning');
    await app.byTestId('ft-job-row-1').click();
    await expect.poll(() => app.byTestId('ft-job-status').innerText(), eventually).toBe('Done');
    await expect.poll(() => app.byTestId('ft-loss').getAttribute('data-points'), eventually).toBe('12');
    // Opened again, the job shows its model still served; Unserve stops the API's process group.
    const servedPanel = app.byTestId('ft-served');
    await servedPanel.waitFor();
    expect(await servedPanel.innerText()).toContain('Served as counselor 微调咨询师');
    expect(await servedPanel.innerText()).toContain('Ready for the Arena');
    await expect.poll(() => app.byTestId('ft-job-log').innerText(), eventually).toContain('[INFO] standin: done');
    await app.screenshot('fine-tuning-served-en', { fullPage: true });
    const pgid = bridge.ctx.servedModels.find(1)!.pgid;
    await app.byTestId('ft-unserve').click();
    await app.byTestId('ft-serve').waitFor({ timeout: 60_000 });
    expect(await app.byTestId('ft-serve').innerText()).toContain('Served before as 微调咨询师');
    expect(await app.byTestId('ft-serve-button').innerText()).toContain('Serve again');
    expect(groupAlive(pgid)).toBe(false);
    const stale = await chat(connectEndpoint(bridge.ctx.endpoints.get(bridge.ctx.servedModels.find(1)!.endpointId), bridge.ctx.secrets, {}), [{ role: 'user', content: '你好' }], { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(CallFailed);
    expect((stale as CallFailed).failure.message).toMatch(/no longer served/);
    await app.byTestId('ssh-test-实验室A100').click();
    await app.byTestId('ssh-report-实验室A100').waitFor();
    expect(await app.byTestId('ssh-report-实验室A100').innerText()).toContain('Ready to train');
    await app.byTestId('ft-preview-button').click();
    await app.byTestId('ft-preview').waitFor();
    await app.screenshot('fine-tuning-en', { fullPage: true });
    expect(appWindow.errors).toEqual([]);
  });
});
