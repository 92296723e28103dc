import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { simpsy } from '../support/cli';
import { groupAlive, startSshd, sshdUnavailable, type TestSshd } from '../support/sshd';
import { tempDbPath, tempDir } from '../support/temp';

// `simpsy finetune …` as a process against a real sshd: submit → status → watch → done →
// logs; submit → cancel (the remote process group is gone).

const unavailable = sshdUnavailable();
vi.setConfig({ testTimeout: 240_000, hookTimeout: 60_000 });

describe.skipIf(unavailable !== null)(`simpsy finetune against a real sshd${unavailable ? ` — SKIPPED: ${unavailable}` : ''}`, () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(() => sshd?.stop());

  async function prepared(env: Record<string, string>): Promise<{ db: string; files: string; workdir: string }> {
    const db = tempDbPath();
    const workdir = tempDir();
    const add = await simpsy(['--db', db, 'ssh', 'add', '--name', 'lab', '--host', sshd.host, '--port', String(sshd.port), '--user', sshd.user, '--key', sshd.clientKey, '--workdir', workdir, '--setup', sshd.setup(env)]);
    expect(add.code).toBe(0);
    const files = tempDir();
    writeFileSync(join(files, 'qwen2_full_sft.yaml'), 'model_name_or_path: Qwen/Qwen2-7B-Instruct\ntemplate: qwen\ndeepspeed: ds_z3_config.json\noutput_dir: saves/qwen2-7b  # the run\n');
    writeFileSync(join(files, 'ds_z3_config.json'), '{"zero_optimization": {"stage": 3}}');
    writeFileSync(join(files, 'dataset_info.json'), '{"simpsy": {"file_name": "simpsy.json", "formatting": "sharegpt"}}');
    writeFileSync(join(files, 'simpsy.json'), '[]');
    return { db, files, workdir };
  }

  it('submits a prepared folder, reports status, follows it to the end and shows its output', async () => {
    // The trainer holds after step 3 until released, so `status` sees it running however slow the machine.
    const { db, files, workdir } = await prepared({ STANDIN_STEPS: '12', STANDIN_STEP_SECONDS: '0.3', STANDIN_HOLD_AT: '3' });
    const submit = await simpsy(['--db', db, 'finetune', 'submit', '--ssh', 'lab', '--files', files, '--accept-host-key', sshd.fingerprint]);
    expect(submit.stderr).toMatch(/^Started job 1 on lab \(process group \d+\)\. Follow it: simpsy finetune watch 1\n$/);
    expect(submit.code).toBe(0);
    const { jobId, remoteId } = JSON.parse(submit.stdout.trim().split('\n').at(-1)!) as { jobId: number; remoteId: number };
    expect(jobId).toBe(1);
    expect(remoteId).toBeGreaterThan(1);

    const status = await simpsy(['--db', db, 'finetune', 'status', '1', '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ status: 'running', jobId: 1, remoteId: String(remoteId) });
    const [folder] = readdirSync(join(workdir, 'jobs'));
    writeFileSync(join(workdir, 'jobs', folder!, 'release'), '');

    const watch = await simpsy(['--db', db, 'finetune', 'watch', '1', '--poll', '0.3']);
    expect(watch.stderr).toBe('');
    expect(watch.code).toBe(0);
    const lines = watch.stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^Finished on 127\.0\.0\.1: step 12\/12, epoch 2(\.00)?, loss 0\.\d+, ETA 0 s$/);
    expect(lines).toContain(lines.find((l) => /^step 12\/12/.test(l)));

    const done = JSON.parse((await simpsy(['--db', db, 'finetune', 'status', '1', '--json'])).stdout) as Record<string, unknown>;
    expect(done).toMatchObject({ status: 'done', step: 12, totalSteps: 12, epoch: 2 });
    expect(done.loss).toBeCloseTo(2.5 / 5, 3);
    // DeepSpeed in the YAML: launched through torchrun, as LLaMA-Factory needs.
    const logs = await simpsy(['--db', db, 'finetune', 'logs', '1']);
    expect(logs.stdout).toContain('[INFO] standin: training for 12 steps, output in saves/qwen2-7b (FORCE_TORCHRUN=1)');
    expect(logs.stdout).toContain('[INFO] standin: done');

    const out = join(tempDir(), 'results');
    const fetch = await simpsy(['--db', db, 'finetune', 'fetch', '1', out]);
    expect(fetch.stderr).toBe('');
    expect(fetch.stdout).toMatch(/^Fetched all_results\.json, trainer_log\.jsonl, training_loss\.png into .+results\. The model stays on the server in \/.+\/jobs\/job-1-\d{14}\/saves\/qwen2-7b\.\n$/);
    expect(JSON.parse(readFileSync(join(out, 'all_results.json'), 'utf8'))).toMatchObject({ epoch: 2 });
    expect(readFileSync(join(out, 'training_loss.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(join(out, 'trainer_log.jsonl'), 'utf8').trim().split('\n')).toHaveLength(12);
  });

  it('cancels a submitted job: the remote process group is gone', async () => {
    const { db, files } = await prepared({ STANDIN_STEPS: '300', STANDIN_STEP_SECONDS: '0.5' });
    const submit = await simpsy(['--db', db, 'finetune', 'submit', '--ssh', 'lab', '--files', files, '--accept-host-key', sshd.fingerprint]);
    const { jobId, remoteId } = JSON.parse(submit.stdout.trim()) as { jobId: number; remoteId: number };
    expect(groupAlive(remoteId)).toBe(true);
    const cancel = await simpsy(['--db', db, 'finetune', 'cancel', String(jobId)]);
    expect(cancel).toMatchObject({ code: 0, stdout: `Cancelled job ${jobId}.\n` });
    expect(groupAlive(remoteId)).toBe(false);
    expect(JSON.parse((await simpsy(['--db', db, 'finetune', 'status', String(jobId), '--json'])).stdout)).toMatchObject({ status: 'cancelled' });
  });

  it('refuses a folder it cannot train from, naming what to fix', async () => {
    const { db, files } = await prepared({});
    writeFileSync(join(files, 'other.yaml'), 'output_dir: /abs/path\n');
    expect((await simpsy(['--db', db, 'finetune', 'submit', '--ssh', 'lab', '--files', files])).stderr).toBe(
      `simpsy: --config: name the YAML to train with; ${files} holds other.yaml, qwen2_full_sft.yaml.\n`,
    );
    expect((await simpsy(['--db', db, 'finetune', 'submit', '--ssh', 'lab', '--files', files, '--config', 'other.yaml'])).stderr).toContain(
      "output_dir '/abs/path' must be a relative folder",
    );
    expect((await simpsy(['--db', db, 'finetune', 'status', '99'])).stderr).toContain('Job 99 was not found');
  });
});
