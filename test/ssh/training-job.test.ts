import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import { RemoteJobStore } from '../../src-main/ssh/remote-jobs';
import { cancelTraining, reattachTrainings, submitTraining, watchTraining, type TrainingDeps } from '../../src-main/ssh/training-job';
import { memorySecretBox } from '../support/secret-box';
import { groupAlive, startSshd, sshdUnavailable, type TestSshd } from '../support/sshd';
import { tempDbPath, tempDir } from '../support/temp';

// A training job as a durable job: submit (upload, launch detached) → watch by byte offset
// → done; detach and re-attach without losing or doubling a step; cancel stops the remote
// process group. Real sshd, real database, the app's context; the passphrase is encrypted
// with a real AES secret box standing in for safeStorage.

const unavailable = sshdUnavailable();
vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

describe.skipIf(unavailable !== null)(`fine-tuning jobs on a server${unavailable ? ` — SKIPPED: ${unavailable}` : ''}`, () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(() => sshd?.stop());

  function setup(env: Record<string, string>): { ctx: AppContext; deps: TrainingDeps; submit: () => ReturnType<typeof submitTraining> } {
    const ctx = createAppContext({ dbPath: tempDbPath(), secrets: memorySecretBox() });
    const profile = ctx.sshProfiles.create({
      name: 'lab',
      host: sshd.host,
      port: sshd.port,
      user: sshd.user,
      auth: 'key',
      keyFile: sshd.encryptedClientKey,
      passphrase: sshd.passphrase,
      workdir: tempDir(),
      setup: sshd.setup(env),
    });
    const deps: TrainingDeps = { profiles: ctx.sshProfiles, secrets: ctx.secrets, env: {}, jobs: ctx.jobs, remoteJobs: new RemoteJobStore(ctx.db) };
    const files = tempDir();
    writeFileSync(join(files, 'train.yaml'), 'model_name_or_path: Qwen/Qwen2-7B-Instruct\ntemplate: qwen\noutput_dir: saves/qwen2\n');
    writeFileSync(join(files, 'simpsy.json'), '[]');
    const submit = () =>
      submitTraining(deps, {
        profile: ctx.sshProfiles.get(profile.id),
        title: 'Qwen2-7B on 12 runs',
        files: [
          { local: join(files, 'simpsy.json'), name: 'simpsy.json' },
          { local: join(files, 'train.yaml'), name: 'train.yaml' },
        ],
        command: ['llamafactory-cli', 'train', 'train.yaml'],
        trainerLog: 'saves/qwen2/trainer_log.jsonl',
        acceptHostKey: sshd.fingerprint,
      });
    return { ctx, deps, submit };
  }

  it('submits, watches to completion with every step stored once, detaching and re-attaching on the way', async () => {
    const { ctx, deps, submit } = setup({ STANDIN_STEPS: '8', STANDIN_STEP_SECONDS: '0.3', STANDIN_HOLD_AT: '2' });
    try {
      const { jobId, remoteId } = await submit();
      expect(ctx.jobs.get(jobId)).toMatchObject({ kind: 'finetune', status: 'queued', remoteId: String(remoteId) });
      const dir = deps.remoteJobs.get(jobId).remoteDir;
      expect(existsSync(join(dir, 'train.yaml'))).toBe(true);

      // Watch a little, then detach (pause): training goes on without a watcher.
      const first = ctx.runner.run(jobId, watchTraining(deps, jobId, { pollMs: 200 }));
      await vi.waitFor(() => expect(deps.remoteJobs.latest(jobId)?.step ?? 0).toBeGreaterThanOrEqual(2), { timeout: 60_000, interval: 100 });
      ctx.runner.pause(jobId);
      expect((await first).status).toBe('paused');
      const seenBefore = deps.remoteJobs.points(jobId).length;
      writeFileSync(join(dir, 'release'), ''); // the training, held after step 2, goes on unwatched

      // Re-attach: catches up from the stored offset, to the end.
      const done = await ctx.runner.run(jobId, watchTraining(deps, jobId, { pollMs: 200 }));
      expect(done.error).toBeNull();
      expect(done.status).toBe('done');
      expect(done.message).toMatch(/^Finished on 127\.0\.0\.1: step 8\/8, epoch 2(\.0+)?, loss 0\.\d+, ETA 0 s$/);
      expect(done).toMatchObject({ done: 8, total: 8 });
      const points = deps.remoteJobs.points(jobId);
      expect(seenBefore).toBeLessThan(8);
      expect(points.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(deps.remoteJobs.get(jobId)).toMatchObject({ exitCode: 0 });
    } finally {
      ctx.close();
    }
  });

  it('re-attaches after a restart: a job the closed app left paused (detached) catches up and completes', async () => {
    const { ctx, deps, submit } = setup({ STANDIN_STEPS: '6', STANDIN_STEP_SECONDS: '0.3', STANDIN_HOLD_AT: '1' });
    const dbPath = ctx.dbPath;
    const secrets = ctx.secrets;
    const { jobId } = await submit();
    const watching = ctx.runner.run(jobId, watchTraining(deps, jobId, { pollMs: 200 }));
    await vi.waitFor(() => expect(deps.remoteJobs.latest(jobId)).not.toBeNull(), { timeout: 60_000, interval: 100 });
    // The app closes: its watcher detaches (a crash leaves the job paused too, by lease recovery, src-main/jobs).
    ctx.runner.pause(jobId);
    expect((await watching).status).toBe('paused');
    writeFileSync(join(deps.remoteJobs.get(jobId).remoteDir, 'release'), '');
    ctx.close();
    const again = createAppContext({ dbPath, secrets });
    try {
      const deps2: TrainingDeps = { ...deps, profiles: again.sshProfiles, jobs: again.jobs, remoteJobs: new RemoteJobStore(again.db) };
      const runs = reattachTrainings(deps2, again.runner, { pollMs: 200 });
      expect(runs).toHaveLength(1);
      await Promise.all(runs);
      expect(again.jobs.get(jobId)).toMatchObject({ status: 'done', done: 6, total: 6 });
      expect(deps2.remoteJobs.points(jobId).map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(reattachTrainings(deps2, again.runner)).toHaveLength(0);
    } finally {
      again.close();
    }
  });

  it('fails with the last lines of the log when training dies', async () => {
    const { ctx, deps, submit } = setup({ STANDIN_STEPS: '4', STANDIN_STEP_SECONDS: '0.2', STANDIN_TRAIN_FAIL: '1' });
    try {
      const { jobId } = await submit();
      const job = await ctx.runner.run(jobId, watchTraining(deps, jobId, { pollMs: 200 }));
      expect(job.status).toBe('failed');
      expect(job.error).toMatch(/^Training failed on 127\.0\.0\.1 \(exit 1\) after step 2\/4.*Last lines: .*torch\.OutOfMemoryError: CUDA out of memory/);
    } finally {
      ctx.close();
    }
  });

  it('cancels while watched, and while detached: the remote process group is gone either way', async () => {
    const { ctx, deps, submit } = setup({ STANDIN_STEPS: '200', STANDIN_STEP_SECONDS: '0.3' });
    try {
      const watched = await submit();
      const run = ctx.runner.run(watched.jobId, watchTraining(deps, watched.jobId, { pollMs: 200 }));
      await vi.waitFor(() => expect(deps.remoteJobs.latest(watched.jobId)).not.toBeNull(), { timeout: 60_000, interval: 100 });
      expect(groupAlive(watched.remoteId)).toBe(true);
      ctx.runner.cancel(watched.jobId);
      expect((await run).status).toBe('cancelled');
      expect(groupAlive(watched.remoteId)).toBe(false);

      const detached = await submit();
      await vi.waitFor(() => expect(existsSync(join(deps.remoteJobs.get(detached.jobId).remoteDir, 'saves/qwen2/trainer_log.jsonl'))).toBe(true), { timeout: 60_000, interval: 100 });
      expect(groupAlive(detached.remoteId)).toBe(true);
      await cancelTraining(deps, detached.jobId);
      expect(ctx.jobs.get(detached.jobId).status).toBe('cancelled');
      expect(groupAlive(detached.remoteId)).toBe(false);
    } finally {
      ctx.close();
    }
  });
});
