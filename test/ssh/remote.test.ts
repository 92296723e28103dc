import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { noSecretBox } from '../../src-main/endpoints/secret-box';
import { connect, type SshSession } from '../../src-main/ssh/connect';
import { probeServer } from '../../src-main/ssh/probe';
import { SshProfileRepository, type SshProfileRecord } from '../../src-main/ssh/profiles';
import { runScript } from '../../src-main/ssh/remote-command';
import { cancelDetached, launchDetached, prepareJobFolder, readFrom, remoteState, tailOf } from '../../src-main/ssh/remote-job';
import { parseTrainerLog, type TrainerPoint } from '../../src-main/ssh/trainer-log';
import { uploadFiles } from '../../src-main/ssh/upload';
import { openDatabase } from '../../src-main/storage/database';
import { groupAlive, startSshd, sshdUnavailable, type TestSshd } from '../support/sshd';
import { startTcpProxy } from '../support/tcp-proxy';
import { tempDbPath, tempDir } from '../support/temp';

// The remote side, in process against a real sshd: commands that no user value can inject
// into, SFTP uploads that survive a dropped connection, and detached jobs that are launched,
// watched by byte offset, completed, failed and cancelled.

const unavailable = sshdUnavailable();
// The machine may be shared and loaded: generous limits; each test still ends as soon as it can.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

// Values a user could type as names, folders or models, each of which runs something if any shell parses it.
const nasty = (marks: string) => [
  `x'; touch ${marks}/pwned; '`,
  '$(reboot)',
  '`reboot`',
  `"; touch ${marks}/pwned2; "`,
  `a\nreboot\n`,
  '--help',
  '-',
  '',
  '中文 路径 \\ $HOME ${PATH} * ?',
];

describe.skipIf(unavailable !== null)(`remote commands, uploads and detached jobs against a real sshd${unavailable ? ` — SKIPPED: ${unavailable}` : ''}`, () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(() => sshd?.stop());

  function profile(options: { port?: number; workdir?: string; setup?: string } = {}): SshProfileRecord {
    const profiles = new SshProfileRepository(openDatabase(tempDbPath()), noSecretBox);
    const p = profiles.create({
      name: `lab ${randomBytes(3).toString('hex')}`,
      host: sshd.host,
      port: options.port ?? sshd.port,
      user: sshd.user,
      auth: 'key',
      keyFile: sshd.clientKey,
      workdir: options.workdir ?? tempDir(),
      setup: options.setup ?? sshd.setup(),
    });
    profiles.acceptHostKey(p.id, sshd.fingerprint);
    return profiles.get(p.id);
  }
  const open = (p: SshProfileRecord): Promise<SshSession> => connect(p, { secrets: noSecretBox, env: {} });

  it('passes arguments byte for byte and runs none of them, whatever the login shell would make of them', async () => {
    const marks = tempDir();
    const session = await open(profile());
    try {
      const args = nasty(marks);
      // The set-up line puts the `reboot` stand-in (it leaves a mark) on PATH first.
      const script = 'eval "$1"; shift; for a in "$@"; do printf "%s\\0" "$a"; done; mkdir -p -- "$MARKS_DIR/made" && cd -- "$MARKS_DIR/made" && for a in "$@"; do [ -n "$a" ] && [ "$a" != - ] && mkdir -p -- "./$a"; done; true';
      const result = await runScript(session, `MARKS_DIR=${marks}\n${script}`, [sshd.setup({ STANDIN_MARKS: marks }), ...args]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout.split('\0').slice(0, -1)).toEqual(args);
      // Folders with these very names exist; no mark was left.
      expect(readdirSync(join(marks, 'made')).sort()).toEqual(['$(reboot)', '--help', '`reboot`', `"; touch ${marks}/pwned2; "`.split('/')[0]!, 'a\nreboot\n', `x'; touch ${marks}`.split('/')[0]!, '中文 路径 \\ $HOME ${PATH} * ?'].sort());
      expect(existsSync(join(marks, 'pwned'))).toBe(false);
      expect(existsSync(join(marks, 'pwned2'))).toBe(false);
      expect(existsSync(join(marks, 'rebooted'))).toBe(false);
    } finally {
      session.close();
    }
  });

  it('uses a work folder, job folder names and launched arguments literally (the profile-level injection test)', async () => {
    const marks = tempDir();
    const workdir = join(tempDir(), `x'; touch ${marks}/pwned; '`, '$(reboot)');
    const session = await open(profile({ workdir, setup: sshd.setup({ STANDIN_MARKS: marks }) }));
    try {
      const report = await probeServer(session);
      expect(report.workdir).toBe(workdir);
      expect(existsSync(workdir)).toBe(true);
      await expect(prepareJobFolder(session, "x'; reboot; '")).rejects.toThrow(/cannot name a job folder/);
      const dir = await prepareJobFolder(session, 'job-1');
      expect(dir).toBe(join(workdir, 'jobs', 'job-1'));
      // A model or dataset name on the command line reaches the command as one argument.
      const pgid = await launchDetached(session, dir, ['printf', '%s\\n', ...nasty(marks)]);
      await waitFor(async () => (await remoteState(session, dir, pgid)).kind === 'exited');
      expect(readFileSync(join(dir, 'output.log'), 'utf8').split('\n').filter((l) => !l.startsWith('nohup:'))).toEqual([...nasty(marks).join('\n').split('\n'), '']);
      expect(readdirSync(marks)).toEqual([]);
    } finally {
      session.close();
    }
  });

  it('uploads with progress; a connection dropped mid-upload fails clearly, leaves no truncated file, and a retry completes', async () => {
    const local = tempDir();
    const big = join(local, 'train.json');
    writeFileSync(big, randomBytes(8 << 20));
    writeFileSync(join(local, 'dataset_info.json'), '{"simpsy": {"file_name": "train.json"}}');
    const files = [
      { local: join(local, 'dataset_info.json'), name: 'dataset_info.json' },
      { local: big, name: 'train.json' },
    ];
    const proxy = await startTcpProxy(sshd.port);
    try {
      const p = profile({ port: proxy.port });
      const first = await open(p);
      const dir = await prepareJobFolder(first, 'upload');
      const seen: number[] = [];
      const failed = uploadFiles(first, dir, files, (sent) => {
        seen.push(sent);
        if (sent > 2 << 20) proxy.cut();
      });
      await expect(failed).rejects.toThrow(/^The connection to 127\.0\.0\.1 dropped while uploading train\.json \(\d+\.\d MB of 8\.0 MB sent\)\. Nothing half-sent is used: upload again to continue; files already complete are skipped\.$/);
      first.close();
      expect(readdirSync(dir).sort()).toEqual(['dataset_info.json', 'train.json.part']);

      const second = await open(p);
      const progress: [number, number, string][] = [];
      await uploadFiles(second, dir, files, (sent, total, file) => progress.push([sent, total, file]));
      second.close();
      const info = readFileSync(files[0]!.local).length;
      const total = info + (8 << 20);
      expect(progress[0]).toEqual([info, total, 'dataset_info.json']); // skipped: already whole
      expect(progress.at(-1)).toEqual([total, total, 'train.json']);
      expect(progress.map(([sent]) => sent)).toEqual([...progress.map(([sent]) => sent)].sort((a, b) => a - b));
      expect(readFileSync(join(dir, 'train.json')).equals(readFileSync(big))).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(['dataset_info.json', 'train.json']);
    } finally {
      await proxy.close();
    }
  });

  it('launches training detached, survives the connection closing, and is followed by byte offset to completion', async () => {
    const p = profile({ setup: sshd.setup({ STANDIN_STEPS: '8', STANDIN_STEP_SECONDS: '0.3', STANDIN_HOLD_AT: '3' }) });
    let session = await open(p);
    const dir = await prepareJobFolder(session, 'train-ok');
    const config = join(tempDir(), 'train.yaml');
    writeFileSync(config, 'model_name_or_path: Qwen/Qwen2-7B-Instruct\noutput_dir: output\n');
    await uploadFiles(session, dir, [{ local: config, name: 'train.yaml' }]);
    const pgid = await launchDetached(session, dir, ['llamafactory-cli', 'train', 'train.yaml']);
    expect(await remoteState(session, dir, pgid)).toEqual({ kind: 'running' });
    // The app closes; the job goes on.
    session.close();
    await new Promise((r) => setTimeout(r, 1000));
    session = await open(p);
    try {
      const points: TrainerPoint[] = [];
      let offset = 0;
      let partial = false;
      const sftp = await session.sftp();
      for (;;) {
        const state = await remoteState(session, dir, pgid);
        const chunk = parseTrainerLog(await readFrom(sftp, `${dir}/output/trainer_log.jsonl`, offset), offset);
        points.push(...chunk.points);
        offset = chunk.nextOffset;
        if (state.kind === 'running' && points.length === 3) {
          // Held after step 3: seen mid-training; let it go on.
          partial = true;
          writeFileSync(join(dir, 'release'), '');
        }
        if (state.kind !== 'running') {
          expect(state).toEqual({ kind: 'exited', code: 0 });
          break;
        }
        await new Promise((r) => setTimeout(r, 300));
      }
      // One last read after the end catches the final lines.
      points.push(...parseTrainerLog(await readFrom(sftp, `${dir}/output/trainer_log.jsonl`, offset), offset).points);
      // Followed while it ran: some poll saw only part of the log.
      expect(partial).toBe(true);
      expect(points.map((pt) => pt.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(points[0]).toEqual({ step: 1, totalSteps: 8, epoch: 0.25, loss: 1.875, lr: expect.closeTo(9.62e-6, 8), etaSeconds: 7 });
      expect(points.map((pt) => pt.loss)).toEqual([...points.map((pt) => pt.loss)].sort((a, b) => b! - a!));
      expect(points.at(-1)).toMatchObject({ step: 8, epoch: 2, etaSeconds: 0 });
      expect(offset).toBe(readFileSync(join(dir, 'output/trainer_log.jsonl')).length);
      expect(JSON.parse(readFileSync(join(dir, 'output/all_results.json'), 'utf8'))).toMatchObject({ epoch: 2 });
      expect(existsSync(join(dir, 'output/training_loss.png'))).toBe(true);
    } finally {
      session.close();
    }
  });

  it('reports a failed training with the last lines of its output', async () => {
    const session = await open(profile({ setup: sshd.setup({ STANDIN_STEPS: '4', STANDIN_STEP_SECONDS: '0.1', STANDIN_TRAIN_FAIL: '1' }) }));
    try {
      const dir = await prepareJobFolder(session, 'train-oom');
      const config = join(tempDir(), 'train.yaml');
      writeFileSync(config, 'output_dir: output\n');
      await uploadFiles(session, dir, [{ local: config, name: 'train.yaml' }]);
      const pgid = await launchDetached(session, dir, ['llamafactory-cli', 'train', 'train.yaml']);
      await waitFor(async () => (await remoteState(session, dir, pgid)).kind === 'exited');
      expect(await remoteState(session, dir, pgid)).toEqual({ kind: 'exited', code: 1 });
      expect(await tailOf(await session.sftp(), `${dir}/output.log`)).toContain('torch.OutOfMemoryError: CUDA out of memory');
    } finally {
      session.close();
    }
  });

  it('cancels a running job: its whole process group is gone', async () => {
    const session = await open(profile({ setup: sshd.setup({ STANDIN_STEPS: '100', STANDIN_STEP_SECONDS: '0.5' }) }));
    try {
      const dir = await prepareJobFolder(session, 'train-cancel');
      const config = join(tempDir(), 'train.yaml');
      writeFileSync(config, 'output_dir: output\n');
      await uploadFiles(session, dir, [{ local: config, name: 'train.yaml' }]);
      const pgid = await launchDetached(session, dir, ['llamafactory-cli', 'train', 'train.yaml']);
      await waitFor(() => existsSync(join(dir, 'output/trainer_log.jsonl')));
      // The server is this machine: the group (wrapper, stand-in, its sleep) is visible here.
      expect(groupAlive(pgid)).toBe(true);
      expect(await cancelDetached(session, dir, pgid)).toBe('stopped');
      expect(groupAlive(pgid)).toBe(false);
      expect(await remoteState(session, dir, pgid)).toEqual({ kind: 'cancelled' });
      // Again: nothing left to stop. A wrong id is refused before anything runs.
      expect(await cancelDetached(session, dir, pgid)).toBe('ended');
      await expect(cancelDetached(session, dir, pgid + 1)).rejects.toThrow(/records another process group/);
      await expect(cancelDetached(session, dir, Number.NaN)).rejects.toThrow(/is not a remote process id/);
    } finally {
      session.close();
    }
  });
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
