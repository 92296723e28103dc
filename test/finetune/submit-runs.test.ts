import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { paperFixtures } from '../simulation/support';
import { simpsy } from '../support/cli';
import { startSshd, sshdUnavailable, type TestSshd } from '../support/sshd';
import { tempDbPath, tempDir } from '../support/temp';
import { llamaFactoryRead } from './support';

// `simpsy finetune submit --runs …` as a process against a real sshd: the runs are exported,
// the job configured with the paper's defaults, everything uploaded into the job folder and
// trained by the stand-in; refusals send nothing and leave no job.

const unavailable = sshdUnavailable();
vi.setConfig({ testTimeout: 240_000, hookTimeout: 60_000 });

const lastJson = (stdout: string) => JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as Record<string, unknown>;

describe.skipIf(unavailable !== null)(`simpsy finetune submit --runs${unavailable ? ` — SKIPPED: ${unavailable}` : ''}`, () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(() => sshd?.stop());

  async function prepared(env: Record<string, string>): Promise<{ db: string; workdir: string }> {
    const db = tempDbPath();
    const workdir = tempDir();
    expect(await simpsy(['--db', db, 'dialogues', 'import', join(paperFixtures, 'dialogue')])).toMatchObject({ code: 0 });
    const add = await simpsy(['--db', db, 'ssh', 'add', '--name', 'lab', '--host', sshd.host, '--port', String(sshd.port), '--user', sshd.user, '--key', sshd.clientKey, '--workdir', workdir, '--setup', sshd.setup(env)]);
    expect(add.code).toBe(0);
    return { db, workdir };
  }

  it('exports the runs, configures and sends the job, and the training reads what was sent', async () => {
    const { db, workdir } = await prepared({ STANDIN_STEPS: '4', STANDIN_STEP_SECONDS: '0.2', STANDIN_GPUS: '2' });
    const submit = await simpsy(['--db', db, 'finetune', 'submit', '--ssh', 'lab', '--runs', '1', '--base', 'qwen2-7b-instruct', '--gpus', '2', '--set', 'num_train_epochs=1', '--accept-host-key', sshd.fingerprint, '--json']);
    expect(submit.code).toBe(0);
    expect(submit.stderr).toMatch(/^Sent 10 samples \(prefix\) from 1 sessions, ≈ \d+ tokens; 2 GPUs, ≈ \d+ steps\.\nStarted job 1 on lab \(process group \d+\)\. Follow it: simpsy finetune watch 1\n$/);
    const result = lastJson(submit.stdout) as { jobId: number; remoteId: number; values: Record<string, unknown>; statistics: { samples: number } };
    expect(result).toMatchObject({ jobId: 1, statistics: { samples: 10, mode: 'prefix' }, values: { num_train_epochs: 1, template: 'qwen', mask_history: true } });
    expect(result.remoteId).toBeGreaterThan(1);

    const [folder] = readdirSync(join(workdir, 'jobs'));
    const dir = join(workdir, 'jobs', folder!);
    expect(readdirSync(dir).filter((n) => !['output', 'output.log', 'pgid', 'exit_code'].includes(n)).sort()).toEqual(['dataset_info.json', 'ds_z3_config.json', 'simpsy_sft.json', 'train.yaml']);
    const train = yaml.load(readFileSync(join(dir, 'train.yaml'), 'utf8')) as Record<string, unknown>;
    expect(train).toMatchObject({ model_name_or_path: 'Qwen/Qwen2-7B-Instruct', dataset: 'simpsy_sft', dataset_dir: '.', output_dir: 'output', deepspeed: 'ds_z3_config.json', learning_rate: 1e-5, finetuning_type: 'full' });
    // What LLaMA-Factory's converter keeps is every sample the statistics counted.
    const read = llamaFactoryRead(join(dir, 'simpsy_sft.json'), 'simpsy_sft');
    expect(read).toMatchObject({ rejected: 0 });
    expect(read.accepted).toHaveLength(10);

    const watch = await simpsy(['--db', db, 'finetune', 'watch', '1', '--poll', '0.3']);
    expect(watch).toMatchObject({ code: 0, stderr: '' });
    expect(watch.stdout.trim().split('\n').at(-1)).toMatch(/^Finished on 127\.0\.0\.1: step 4\/4/);
    const logs = await simpsy(['--db', db, 'finetune', 'logs', '1']);
    expect(logs.stdout).toContain('[INFO] standin: training for 4 steps, output in output (FORCE_TORCHRUN=1)');
    expect(JSON.parse(readFileSync(join(dir, 'output', 'all_results.json'), 'utf8'))).toMatchObject({ epoch: 2 });
  });

  it('refuses before sending anything: more GPUs than the server has, bad settings, both sources, no run', async () => {
    const { db, workdir } = await prepared({ STANDIN_GPUS: '2' });
    const base = ['--db', db, 'finetune', 'submit', '--ssh', 'lab', '--accept-host-key', sshd.fingerprint];
    const gpus = await simpsy([...base, '--runs', '1', '--base', 'qwen2-7b-instruct', '--gpus', '4']);
    expect(gpus).toMatchObject({ code: 1, stdout: '' });
    expect(gpus.stderr).toMatch(/^simpsy: The training job cannot start: 4 GPUs requested, the server has 2 \(NVIDIA A100-SXM4-80GB, NVIDIA A100-SXM4-80GB\); ask for at most 2\.\n$/);
    const setting = await simpsy([...base, '--runs', '1', '--base', 'my model', '--template', 'nope', '--set', 'learning_rate=fast']);
    expect(setting.code).toBe(1);
    expect(setting.stderr).toMatch(/^simpsy: The training job cannot start: The base model 'my model' holds a space.*; 'nope' is not a LLaMA-Factory template.*learning_rate/);
    expect((await simpsy([...base, '--runs', '1', '--files', workdir, '--base', 'qwen2-7b-instruct'])).stderr).toMatch(/^simpsy: Say what to train on: --runs 3,4 .* not both\.\n$/);
    expect((await simpsy([...base, '--runs', '1'])).stderr).toMatch(/^simpsy: Say which model to fine-tune: --base/);
    expect((await simpsy([...base, '--runs', '9', '--base', 'qwen2-7b-instruct'])).stderr).toBe('simpsy: Run 9 does not exist; the runs are 1.\n');
    // Nothing reached the server and no job was recorded.
    expect(existsSync(join(workdir, 'jobs')) ? readdirSync(join(workdir, 'jobs')) : []).toEqual([]);
    expect((await simpsy(['--db', db, 'finetune', 'status', '1'])).stderr).toContain('Job 1 was not found');
  });
});
