import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import type { ChannelInput, ChannelResult, RequestChannel, Result } from '../../src-main/contract';
import { createDispatch } from '../../src-main/ipc/dispatch';
import { createHandlerTable } from '../../src-main/ipc/handlers';
import { reattachTrainingJobs } from '../../src-main/ipc/handlers/finetune';
import { paperFixtures } from '../simulation/support';
import { memorySecretBox } from '../support/secret-box';
import { groupAlive, startSshd, sshdUnavailable, type TestSshd } from '../support/sshd';
import { tempDbPath, tempDir } from '../support/temp';

// The app's side of fine-tuning through its IPC handlers (the same table the window calls):
// a connection with an encrypted passphrase, the host-key prompt, Test, the preview, a
// submission with upload progress; then the app closes mid-training and, started again as
// Electron's main starts it, re-attaches and catches up. A second job is cancelled.

const unavailable = sshdUnavailable();
vi.setConfig({ testTimeout: 240_000, hookTimeout: 60_000 });

type Call = <C extends RequestChannel>(channel: C, input: ChannelInput<C>) => Promise<ChannelResult<C>>;

function open(dbPath: string, key: Buffer): { ctx: AppContext; call: Call } {
  const ctx = createAppContext({ dbPath, secrets: memorySecretBox(key) });
  const dispatch = createDispatch(createHandlerTable(), ctx, () => {});
  const call: Call = async (channel, input) => {
    const result = (await dispatch(channel, input)) as Result<ChannelResult<typeof channel>>;
    if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
    return result.value;
  };
  return { ctx, call };
}

const until = async (what: () => boolean, ms = 60_000) => {
  for (const end = Date.now() + ms; !what(); ) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe.skipIf(unavailable !== null)(`fine-tuning from the app${unavailable ? ` — SKIPPED: ${unavailable}` : ''}`, () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(() => sshd?.stop());

  it('tests a connection after its host key is accepted, submits runs, and catches up after a restart', async () => {
    const dbPath = tempDbPath();
    const key = randomBytes(32);
    const workdir = tempDir();
    let { ctx, call } = open(dbPath, key);
    await ctx.simulation.importDialogues({ path: join(paperFixtures, 'dialogue') });
    const profile = await call('ssh:add', {
      name: 'lab',
      host: sshd.host,
      port: sshd.port,
      user: sshd.user,
      auth: 'key',
      keyFile: sshd.encryptedClientKey,
      passphrase: sshd.passphrase,
      workdir,
      setup: sshd.setup({ STANDIN_STEPS: '8', STANDIN_STEP_SECONDS: '0.2', STANDIN_HOLD_AT: '3', STANDIN_GPUS: '2' }),
    });
    expect(profile).toMatchObject({ hasPassphrase: true, hostKeyFingerprint: null });
    // The passphrase never comes back out.
    expect(JSON.stringify(await call('ssh:list', {}))).not.toContain(sshd.passphrase);

    const first = await call('ssh:test', { id: profile.id });
    expect(first).toEqual({ kind: 'hostKey', fingerprint: sshd.fingerprint, previous: null, message: expect.stringContaining(sshd.fingerprint) });
    const tested = await call('ssh:test', { id: profile.id, acceptHostKey: sshd.fingerprint });
    expect(tested).toMatchObject({ kind: 'report', report: { gpus: [{ name: 'NVIDIA A100-SXM4-80GB', memoryMiB: 81920 }, { name: 'NVIDIA A100-SXM4-80GB', memoryMiB: 81920 }], llamaFactoryVersion: '0.9.2', warnings: [] } });
    expect((await call('ssh:list', {}))[0]!.hostKeyFingerprint).toBe(sshd.fingerprint);

    const job = { runIds: [1], base: 'deepseek-llm-7b-chat', gpus: 2, mode: 'prefix' as const, settings: ['learning_rate=2e-5'] };
    const preview = await call('finetune:preview', job);
    expect(preview.statistics).toMatchObject({ samples: 10, sessionsUsed: 1, counselorTurns: 10, cutoffLen: 4096 });
    expect(preview.values).toMatchObject({ template: 'deepseek', learning_rate: 2e-5, mask_history: true, dataset: 'simpsy_sft' });
    expect(preview.files['train.yaml']).toMatch(/^learning_rate: 0\.00002$/m);
    expect(preview.env).toEqual({ FORCE_TORCHRUN: '1', CUDA_VISIBLE_DEVICES: '0,1' });
    // Every problem at once, before anything is sent.
    const refused = await createDispatch(createHandlerTable(), ctx, () => {})('finetune:preview', { ...job, base: 'my model', settings: ['warmup_ratio=2'] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ path: 'base' }, { path: 'template' }, { path: 'set.warmup_ratio' }] } });

    const uploads: { sent: number; total: number; file: string }[] = [];
    ctx.events.on('finetune:upload', (e) => e.submission === 'one' && uploads.push(e));
    const { jobId, remoteId } = await call('finetune:submit', { profileId: profile.id, job, submission: 'one' });
    expect(new Set(uploads.map((u) => u.file))).toEqual(new Set(['simpsy_sft.json', 'dataset_info.json', 'train.yaml', 'ds_z3_config.json']));
    expect(uploads.at(-1)!.sent).toBe(uploads.at(-1)!.total);

    // The app watches it: three steps logged, then the trainer holds.
    await until(() => ctx.jobs.get(jobId).done === 3);
    expect(await call('finetune:points', { id: jobId })).toHaveLength(3);
    const listed = await call('finetune:jobs', {});
    expect(listed).toEqual([expect.objectContaining({ connection: 'lab', latest: expect.objectContaining({ step: 3, totalSteps: 8 }) })]);
    expect((await call('finetune:log', { id: jobId })).text).toContain('[INFO] standin: training for 8 steps');

    // The app quits (its watcher detaches); training goes on and ends meanwhile.
    ctx.runner.pause(jobId);
    await until(() => ctx.jobs.get(jobId).status === 'paused');
    ctx.close();
    const [folder] = readdirSync(join(workdir, 'jobs'));
    writeFileSync(join(workdir, 'jobs', folder!, 'release'), '');
    await until(() => existsSync(join(workdir, 'jobs', folder!, 'exit_code')) && !groupAlive(remoteId));

    // Started again as Electron's main starts it.
    ({ ctx, call } = open(dbPath, key));
    await Promise.all(reattachTrainingJobs(ctx));
    const after = await call('finetune:job', { id: jobId });
    expect(after).toMatchObject({ job: { status: 'done' }, exitCode: 0, latest: { step: 8, totalSteps: 8 } });
    expect((await call('finetune:points', { id: jobId })).map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    // Fetch into the folder the person picks.
    const into = tempDir();
    ctx.close();
    const fetching = createAppContext({ dbPath, secrets: memorySecretBox(key), chooseFile: async () => ({ path: into }) });
    const fetched = await createDispatch(createHandlerTable(), fetching, () => {})('finetune:fetch', { id: jobId });
    expect(fetched).toMatchObject({ ok: true, value: { dir: into, fetched: ['all_results.json', 'trainer_log.jsonl', 'training_loss.png'] } });
    expect(JSON.parse(readFileSync(join(into, 'all_results.json'), 'utf8'))).toMatchObject({ epoch: 2 });
    fetching.close();
  });

  it('cancels a job the app watches: the remote process group is gone', async () => {
    const { ctx, call } = open(tempDbPath(), randomBytes(32));
    try {
      await ctx.simulation.importDialogues({ path: join(paperFixtures, 'dialogue') });
      const profile = await call('ssh:add', { name: 'lab', host: sshd.host, port: sshd.port, user: sshd.user, auth: 'key', keyFile: sshd.clientKey, workdir: tempDir(), setup: sshd.setup({ STANDIN_STEPS: '300', STANDIN_STEP_SECONDS: '0.3' }) });
      await call('ssh:test', { id: profile.id, acceptHostKey: sshd.fingerprint });
      const { jobId, remoteId } = await call('finetune:submit', { profileId: profile.id, job: { runIds: [1], base: 'qwen2-7b-instruct', mode: 'session', settings: [] }, submission: 'two' });
      expect(groupAlive(remoteId)).toBe(true);
      await call('finetune:cancel', { id: jobId });
      await until(() => ctx.jobs.get(jobId).status === 'cancelled');
      expect(groupAlive(remoteId)).toBe(false);
    } finally {
      ctx.close();
    }
  });

  it('refuses a changed host key, showing both fingerprints, and sends nothing', async () => {
    const { ctx, call } = open(tempDbPath(), randomBytes(32));
    try {
      const profile = await call('ssh:add', { name: 'lab', host: sshd.host, port: sshd.port, user: sshd.user, auth: 'key', keyFile: sshd.clientKey, workdir: tempDir() });
      const before = `SHA256:${'A'.repeat(43)}`;
      ctx.sshProfiles.acceptHostKey(profile.id, before);
      const outcome = await call('ssh:test', { id: profile.id });
      expect(outcome).toMatchObject({ kind: 'hostKey', fingerprint: sshd.fingerprint, previous: before, message: expect.stringMatching(/^WARNING: the host key of .* has CHANGED/) });
      expect(ctx.sshProfiles.get(profile.id).hostKeyFingerprint).toBe(before);
    } finally {
      ctx.close();
    }
  });
});
