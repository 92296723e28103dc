import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import { createDispatch } from '../../src-main/ipc/dispatch';
import { createHandlerTable } from '../../src-main/ipc/handlers';
import { chat } from '../../src-main/llm/chat';
import { connectEndpoint } from '../../src-main/llm/client';
import { CallFailed } from '../../src-main/llm/attempts';
import { RemoteJobStore } from '../../src-main/ssh/remote-jobs';
import { serveModel, unserveModel, type ServeDeps } from '../../src-main/ssh/serve';
import { submitTraining, watchTraining } from '../../src-main/ssh/training-job';
import { simpsy } from '../support/cli';
import { memorySecretBox } from '../support/secret-box';
import { groupAlive, startSshd, sshdUnavailable, type TestSshd } from '../support/sshd';
import { tempDbPath, tempDir } from '../support/temp';

// Serving a trained model back (issue 11, Must-have 5) against a real sshd: a finished
// training → `llamafactory-cli api` (the stand-in, an OpenAI-compatible server) launched
// detached on the server → reached through an SSH tunnel → an endpoint and a counselor →
// a counselor reply through the normal chat path, from this process and from another one
// days later (a new CLI process opens its own tunnel) → unserve stops the remote group.

const unavailable = sshdUnavailable();
vi.setConfig({ testTimeout: 420_000, hookTimeout: 120_000 });

describe.skipIf(unavailable !== null)(`serving a trained model back${unavailable ? ` — SKIPPED: ${unavailable}` : ''}`, () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(() => sshd?.stop());

  it('CLI: submit → watch → done → serve → a counselor reply through the tunnel from another process → unserve', async () => {
    const db = tempDbPath();
    const workdir = tempDir();
    const add = await simpsy(['--db', db, 'ssh', 'add', '--name', 'lab', '--host', sshd.host, '--port', String(sshd.port), '--user', sshd.user, '--key', sshd.clientKey, '--workdir', workdir, '--setup', sshd.setup({ STANDIN_STEPS: '4', STANDIN_STEP_SECONDS: '0.2' })]);
    expect(add.code).toBe(0);
    const files = tempDir();
    writeFileSync(join(files, 'train.yaml'), 'model_name_or_path: deepseek-ai/deepseek-llm-7b-chat\ntemplate: deepseek\noutput_dir: saves/deepseek-7b\n');
    writeFileSync(join(files, 'simpsy.json'), '[]');
    const submit = await simpsy(['--db', db, 'finetune', 'submit', '--ssh', 'lab', '--files', files, '--accept-host-key', sshd.fingerprint]);
    expect(submit.code).toBe(0);
    expect((await simpsy(['--db', db, 'finetune', 'watch', '1', '--poll', '0.3'])).code).toBe(0);

    const serve = await simpsy(['--db', db, 'finetune', 'serve', '1', '--name', '微调咨询师', '--json']);
    expect(serve.stderr).toMatch(/^Starting llamafactory-cli api on 127\.0\.0\.1 \(port \d+, template deepseek, model \/.+\/jobs\/job-1-\d{14}\/saves\/deepseek-7b\)\nWaiting for the model to load \(through an SSH tunnel at http:\/\/127\.0\.0\.1:\d+\)\n$/);
    expect(serve.code).toBe(0);
    const served = JSON.parse(serve.stdout) as { jobId: number; endpoint: string; counselor: string; model: string; remotePort: number; remoteId: number };
    expect(served).toMatchObject({ jobId: 1, endpoint: '微调咨询师', counselor: '微调咨询师', model: 'simpsy-job-1' });
    expect(served.remotePort).toBeGreaterThanOrEqual(18000);
    expect(groupAlive(served.remoteId)).toBe(true);

    // The endpoint is stored as the server sees it; the tunnel is opened by the process that calls it.
    const endpoints = JSON.parse((await simpsy(['--db', db, 'endpoints', 'list', '--json'])).stdout) as { name: string; baseUrl: string; model: string }[];
    expect(endpoints).toEqual([expect.objectContaining({ name: '微调咨询师', baseUrl: `http://127.0.0.1:${served.remotePort}/v1`, model: 'simpsy-job-1' })]);
    const counselors = await simpsy(['--db', db, 'counselors', 'list']);
    expect(counselors.stdout).toContain('微调咨询师');
    const call = await simpsy(['--db', db, 'endpoints', 'test', '微调咨询师']);
    expect(call.stderr).toBe('');
    expect(call.stdout).toMatch(/^微调咨询师: ok, simpsy-job-1 answered in \d+ ms\n$/);

    // Serving twice is refused, naming the way out.
    const again = await simpsy(['--db', db, 'finetune', 'serve', '1', '--name', 'other']);
    expect(again).toMatchObject({ code: 1, stderr: "simpsy: The model of job 1 is already served (endpoint '微调咨询师'); stop it first: simpsy finetune unserve 1\n" });

    const unserve = await simpsy(['--db', db, 'finetune', 'unserve', '1']);
    expect(unserve).toMatchObject({ code: 0, stdout: "Stopped serving job 1's model.\n" });
    expect(groupAlive(served.remoteId)).toBe(false);
    const stale = await simpsy(['--db', db, 'endpoints', 'test', '微调咨询师']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/no longer served .*Serve it again: simpsy finetune serve 1/);
  });

  describe('in the app context', () => {
    let ctx: AppContext;
    let deps: ServeDeps;
    let jobId: number;
    let workdir: string;

    beforeAll(async () => {
      // Shared by the tests below (tempDir's folders go after each test).
      workdir = mkdtempSync(join(tmpdir(), 'simpsy-serve-'));
      ctx = createAppContext({ dbPath: join(workdir, 'simpsy.db'), secrets: memorySecretBox() });
      const profile = ctx.sshProfiles.create({ name: 'lab', host: sshd.host, port: sshd.port, user: sshd.user, auth: 'key', keyFile: sshd.encryptedClientKey, passphrase: sshd.passphrase, workdir, setup: sshd.setup({ STANDIN_STEPS: '3', STANDIN_STEP_SECONDS: '0.1' }) });
      deps = { db: ctx.db, profiles: ctx.sshProfiles, secrets: ctx.secrets, env: {}, jobs: ctx.jobs, remoteJobs: new RemoteJobStore(ctx.db), endpoints: ctx.endpoints, counselors: ctx.arena.counselors, served: ctx.servedModels, tunnels: ctx.tunnels };
      const files = mkdtempSync(join(workdir, 'files-'));
      writeFileSync(join(files, 'train.yaml'), 'model_name_or_path: Qwen/Qwen2-7B-Instruct\ntemplate: qwen\noutput_dir: saves/qwen2\n');
      ({ jobId } = await submitTraining(deps, { profile: ctx.sshProfiles.get(profile.id), title: 'qwen2', files: [{ local: join(files, 'train.yaml'), name: 'train.yaml' }], command: ['llamafactory-cli', 'train', 'train.yaml'], trainerLog: 'saves/qwen2/trainer_log.jsonl', acceptHostKey: sshd.fingerprint }));
      expect((await ctx.runner.run(jobId, watchTraining(deps, jobId, { pollMs: 200 }))).status).toBe('done');
    });
    afterAll(() => {
      ctx?.close();
      rmSync(workdir, { recursive: true, force: true });
    });

    it('refuses before launching anything: a name taken, a job not finished, a template LLaMA-Factory does not know', async () => {
      ctx.endpoints.create({ name: 'taken', baseUrl: 'http://127.0.0.1:9/v1', model: 'm' });
      await expect(serveModel(deps, { jobId, name: 'taken' })).rejects.toThrow("--name: an endpoint named 'taken' exists already; choose another name.");
      await expect(serveModel(deps, { jobId, name: 'x', template: 'qwen2' })).rejects.toThrow(/--template: 'qwen2' is not a LLaMA-Factory template/);
      const queued = ctx.jobs.create('finetune', 'not run', {});
      await expect(serveModel(deps, { jobId: queued.id, name: 'x' })).rejects.toThrow(`Job ${queued.id} is queued; only a finished training has a model to serve.`);
      // The same refusals through the window's channel.
      const dispatch = createDispatch(createHandlerTable(), ctx, () => {});
      expect(await dispatch('finetune:serve', { jobId: queued.id, name: 'x' })).toMatchObject({ ok: false, error: { code: 'validation', message: `Job ${queued.id} is queued; only a finished training has a model to serve.` } });
      expect(await dispatch('finetune:unserve', { jobId })).toMatchObject({ ok: false, error: { code: 'not_found', message: `The model of job ${jobId} is not being served.` } });
      expect(readdirSync(join(workdir, 'jobs')).filter((d) => d.startsWith('serve-'))).toEqual([]);
    });

    it('serves: streamed and whole replies through the tunnel, the template taken from the training', async () => {
      const dispatch = createDispatch(createHandlerTable(), ctx, () => {});
      const served = await serveModel(deps, { jobId, name: 'simpsybot_Q2' });
      try {
        const endpoint = connectEndpoint(ctx.endpoints.get(served.endpointId), ctx.secrets, {});
        const messages = [{ role: 'system' as const, content: '你是一位心理咨询师。' }, { role: 'user' as const, content: '最近总是睡不着，很焦虑。' }];
        let streamed = '';
        const live = await chat(endpoint, messages, { timeoutMs: 30_000, stream: true, onDelta: (d) => (streamed += d) });
        expect(live.text).toBe('（simpsy-job-1，qwen）我听到你说：最近总是睡不着，很焦虑。');
        expect(streamed).toBe(live.text);
        const whole = await chat(endpoint, messages, { timeoutMs: 30_000 });
        expect(whole.text).toBe(live.text);
        expect(ctx.arena.counselors.find('simpsybot_Q2')).toMatchObject({ endpointId: served.endpointId });
        // The window's view of the job carries the served model by its names; the server's process group stays in main.
        const view = await dispatch('finetune:job', { id: jobId });
        expect(view).toMatchObject({ ok: true, value: { served: { jobId, endpointId: served.endpointId, endpointName: 'simpsybot_Q2', counselorName: 'simpsybot_Q2', model: 'simpsy-job-1', remotePort: served.remotePort, stoppedAt: null } } });
        expect(JSON.stringify(view)).not.toContain('pgid');

        // The tunnel keeps the connection's host-key policy: a changed key is refused, and said so.
        await ctx.tunnels.closeAll();
        const stranger = `SHA256:${'A'.repeat(43)}`;
        ctx.db.prepare('UPDATE ssh_profiles SET host_key_sha256 = ?').run(stranger);
        const refused = await chat(connectEndpoint(ctx.endpoints.get(served.endpointId), ctx.secrets, {}), messages, { timeoutMs: 30_000 }).catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(CallFailed);
        expect((refused as CallFailed).failure.message).toContain(`has CHANGED: it was ${stranger}, now it is ${sshd.fingerprint}. Someone may be intercepting the connection, or the server was reinstalled. Nothing was sent.`);
        ctx.db.prepare('UPDATE ssh_profiles SET host_key_sha256 = ?').run(sshd.fingerprint);
      } finally {
        await unserveModel(deps, jobId);
      }
      expect(groupAlive(served.pgid)).toBe(false);
      // Stopped, the view still names it, so the window offers to serve it again under that name.
      expect(await dispatch('finetune:job', { id: jobId })).toMatchObject({ ok: true, value: { served: { endpointName: 'simpsybot_Q2', stoppedAt: expect.any(String) } } });
      const failed = await chat(connectEndpoint(ctx.endpoints.get(served.endpointId), ctx.secrets, {}), [{ role: 'user', content: '你好' }], { timeoutMs: 10_000 }).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(CallFailed);
      expect((failed as CallFailed).failure.message).toMatch(/no longer served/);
    });

    it('a model that fails to load is reported with its last lines, and nothing stays running', async () => {
      // The training's output folder is gone: the API server refuses the model, as transformers would.
      const [folder] = readdirSync(join(workdir, 'jobs')).filter((d) => d.startsWith('job-'));
      rmSync(join(workdir, 'jobs', folder!, 'saves'), { recursive: true });
      await expect(serveModel(deps, { jobId, readyTimeoutMs: 60_000 })).rejects.toThrow(/llamafactory-cli api on 127\.0\.0\.1 exited with 1 before it answered\. Last lines: OSError: .*saves\/qwen2 is not a local folder/);
      expect(ctx.servedModels.find(jobId)?.stoppedAt).not.toBeNull();
      // Served again, it keeps its endpoint and counselor, so it keeps their name.
      await expect(serveModel(deps, { jobId, name: 'another' })).rejects.toThrow(`--name: the model of job ${jobId} was served as 'simpsybot_Q2'; serve it again under that name (leave out --name).`);
    });
  });
});
