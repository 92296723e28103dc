import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { simpsy } from '../support/cli';
import { groupAlive, startSshd, sshdUnavailable, type TestSshd } from '../support/sshd';
import { tempDbPath, tempDir } from '../support/temp';

// `simpsy finetune submit --slurm` as a process against a real sshd with stand-ins for
// sbatch, squeue, sacct and scancel (a one-node cluster that runs each batch script at once):
// submit → watch → done; submit → cancel (scancel; the job's processes are gone); names that
// would be shell code if they ever reached a shell.

const unavailable = sshdUnavailable();
vi.setConfig({ testTimeout: 420_000, hookTimeout: 120_000 });

describe.skipIf(unavailable !== null)(`simpsy finetune --slurm against a real sshd${unavailable ? ` — SKIPPED: ${unavailable}` : ''}`, () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(() => sshd?.stop());

  async function prepared(env: Record<string, string>, options: { profile?: string; yaml?: string } = {}) {
    const db = tempDbPath();
    const workdir = tempDir();
    const slurm = tempDir();
    const marks = tempDir();
    const profile = options.profile ?? 'cluster';
    const setup = sshd.setup({ STANDIN_SLURM_DIR: slurm, STANDIN_MARKS: marks, ...env });
    const add = await simpsy(['--db', db, 'ssh', 'add', '--name', profile, '--host', sshd.host, '--port', String(sshd.port), '--user', sshd.user, '--key', sshd.clientKey, '--workdir', workdir, '--setup', setup]);
    expect(add.stderr).toBe('');
    const files = tempDir();
    writeFileSync(join(files, options.yaml ?? 'train.yaml'), 'model_name_or_path: Qwen/Qwen2-7B-Instruct\ntemplate: qwen\ndeepspeed: ds_z3_config.json\noutput_dir: saves/qwen2-7b\n');
    writeFileSync(join(files, 'ds_z3_config.json'), '{"zero_optimization": {"stage": 3}}');
    const submit = (...extra: string[]) => simpsy(['--db', db, 'finetune', 'submit', '--ssh', profile, '--files', files, '--accept-host-key', sshd.fingerprint, '--slurm', ...extra]);
    return { db, workdir, slurm, marks, submit };
  }

  it('submits with sbatch, follows the job by its trainer log to the end, and shows its output', async () => {
    const { db, slurm, submit } = await prepared({ STANDIN_STEPS: '6', STANDIN_STEP_SECONDS: '0.2' });
    const submitted = await submit('--partition', 'a100', '--gpus', '4', '--time', '2-00:00:00');
    expect(submitted.stderr).toBe('Started job 1 on cluster (Slurm job 1001). Follow it: simpsy finetune watch 1\n');
    expect(JSON.parse(submitted.stdout.trim())).toEqual({ jobId: 1, remoteId: 1001 });
    // The generated batch script, as sbatch received it.
    const script = readFileSync(join(slurm, '1001.sbatch'), 'utf8');
    expect(script.split('\n').filter((l) => l.startsWith('#SBATCH'))).toEqual([
      '#SBATCH --job-name=simpsy-job-1',
      '#SBATCH --partition=a100',
      '#SBATCH --gres=gpu:4',
      '#SBATCH --time=2-00:00:00',
      '#SBATCH --nodes=1',
      '#SBATCH --output=output.log',
      '#SBATCH --open-mode=append',
    ]);

    const watch = await simpsy(['--db', db, 'finetune', 'watch', '1', '--poll', '0.3']);
    expect(watch.stderr).toBe('');
    expect(watch.stdout.trim().split('\n').at(-1)).toMatch(/^Finished on 127\.0\.0\.1: step 6\/6, epoch 2(\.00)?, loss 0\.\d+, ETA 0 s$/);
    expect(JSON.parse((await simpsy(['--db', db, 'finetune', 'status', '1', '--json'])).stdout)).toMatchObject({ status: 'done', step: 6, totalSteps: 6, remoteId: '1001' });
    const logs = await simpsy(['--db', db, 'finetune', 'logs', '1']);
    expect(logs.stdout).toContain('[INFO] standin: training for 6 steps, output in saves/qwen2-7b (FORCE_TORCHRUN=1)');
  });

  it('cancels with scancel: the job leaves the queue and its processes are gone', async () => {
    const { db, slurm, workdir, submit } = await prepared({ STANDIN_STEPS: '10', STANDIN_STEP_SECONDS: '0.2', STANDIN_HOLD_AT: '1' });
    const { jobId, remoteId } = JSON.parse((await submit()).stdout.trim()) as { jobId: number; remoteId: number };
    const group = Number(readFileSync(join(slurm, `${remoteId}.pid`), 'utf8'));
    expect(groupAlive(group)).toBe(true);
    // Without --partition, --time: the cluster's defaults; GPUs default to the paper's 4.
    expect(readFileSync(join(slurm, `${remoteId}.sbatch`), 'utf8')).not.toMatch(/--partition|--time/);
    const status = JSON.parse((await simpsy(['--db', db, 'finetune', 'status', String(jobId), '--json'])).stdout);
    expect(status).toMatchObject({ status: 'running' });

    const cancel = await simpsy(['--db', db, 'finetune', 'cancel', String(jobId)]);
    expect(cancel).toMatchObject({ code: 0, stdout: `Cancelled job ${jobId}.\n` });
    expect(groupAlive(group)).toBe(false);
    expect(existsSync(join(slurm, `${remoteId}.cancelled`))).toBe(true);
    const [folder] = readdirSync(join(workdir, 'jobs'));
    expect(readFileSync(join(workdir, 'jobs', folder!, 'slurm_id'), 'utf8').trim()).toBe(String(remoteId));
    expect(JSON.parse((await simpsy(['--db', db, 'finetune', 'status', String(jobId), '--json'])).stdout)).toMatchObject({ status: 'cancelled' });
  });

  it('refuses Slurm values that are not Slurm syntax before anything is sent, and carries odd names byte for byte', async () => {
    const pwned = "x'; touch pwned; '";
    const { db, workdir, marks, submit } = await prepared({ STANDIN_STEPS: '2', STANDIN_STEP_SECONDS: '0.1' }, { profile: pwned, yaml: `${pwned}.yaml` });
    const bad = await submit('--partition', pwned, '--time', '$(reboot)', '--gpus', '`reboot`');
    expect(bad.stderr).toBe(
      "simpsy: --partition: 'x'; touch pwned; '' is not a Slurm partition name (letters, digits, '.', '_', '-'); --gpus: '`reboot`' is not a number of GPUs from 0 to 64; --time: '$(reboot)' is not a Slurm time limit (e.g. 90, 12:00:00 or 2-00:00:00).\n",
    );
    expect(bad.code).toBe(1);
    expect(existsSync(join(workdir, 'jobs'))).toBe(false);

    // A profile, a config file and a title that are shell code travel as data and train.
    const ok = await submit('--title', '$(reboot)');
    expect(ok.stderr).toBe(`Started job 1 on ${pwned} (Slurm job 1001). Follow it: simpsy finetune watch 1\n`);
    const watch = await simpsy(['--db', db, 'finetune', 'watch', '1', '--poll', '0.3']);
    expect(watch.code).toBe(0);
    const [folder] = readdirSync(join(workdir, 'jobs'));
    expect(readdirSync(join(workdir, 'jobs', folder!))).not.toContain('pwned');
    expect(readdirSync(marks)).toEqual([]);
    expect(readFileSync(join(workdir, 'jobs', folder!, 'output.log'), 'utf8')).toContain('[INFO] standin: done');
  });
});
