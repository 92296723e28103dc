import { describe, expect, it } from 'vitest';
import { createAppContext } from '../../src-main/app/context';
import { noSecretBox } from '../../src-main/endpoints/secret-box';
import { fingerprint, judgeHostKey } from '../../src-main/ssh/host-key';
import { parseProbe } from '../../src-main/ssh/probe';
import { SshProfileRepository, toProfileView } from '../../src-main/ssh/profiles';
import { remoteId, scriptText } from '../../src-main/ssh/remote-command';
import { RemoteJobStore } from '../../src-main/ssh/remote-jobs';
import { parseDuration, parseTrainerLog } from '../../src-main/ssh/trainer-log';
import { openDatabase } from '../../src-main/storage/database';
import { memorySecretBox } from '../support/secret-box';
import { tempDbPath } from '../support/temp';

const FP = `SHA256:${'a'.repeat(43)}`;
const OTHER = `SHA256:${'b'.repeat(43)}`;

describe('migration 013 and SSH profiles on a real database', () => {
  const base = { name: 'a100', host: 'gpu.lab.example', user: 'wang', auth: 'key' as const, keyFile: '/home/wang/.ssh/id_ed25519' };

  it('stores the passphrase encrypted, never returns it, and records the accepted host key', () => {
    const db = openDatabase(tempDbPath());
    const secrets = memorySecretBox();
    const profiles = new SshProfileRepository(db, secrets);
    const created = profiles.create({ ...base, passphrase: '口令 secret', setup: 'source ~/miniconda3/bin/activate lf' });
    expect(created).toMatchObject({ port: 22, workdir: '~/simpsy', hasPassphrase: true, hostKeyFingerprint: null });
    const row = db.prepare('SELECT * FROM ssh_profiles').get() as Record<string, unknown>;
    expect(Buffer.isBuffer(row.passphrase_cipher)).toBe(true);
    expect((row.passphrase_cipher as Buffer).toString('utf8')).not.toContain('secret');
    expect(secrets.decrypt(row.passphrase_cipher as Buffer)).toBe('口令 secret');
    const view = toProfileView(created);
    expect(JSON.stringify(view)).not.toMatch(/secret|cipher/i);
    profiles.acceptHostKey(created.id, FP);
    expect(profiles.getByName('A100').hostKeyFingerprint).toBe(FP);
    db.close();
  });

  it('refuses a passphrase where nothing can encrypt it (the CLI), and malformed profiles, naming the field', () => {
    const profiles = new SshProfileRepository(openDatabase(tempDbPath()), noSecretBox);
    expect(() => profiles.create({ ...base, passphrase: 'x' })).toThrow(/--passphrase-env VAR/);
    expect(() => profiles.create({ ...base, keyFile: undefined })).toThrow(/^keyFile: Choose the private key file\.$/);
    expect(() => profiles.create({ ...base, auth: 'agent' })).toThrow(/keyFile: A profile using the ssh-agent names no key file/);
    expect(() => profiles.create({ ...base, host: 'a b' })).toThrow(/^host: /);
    expect(() => profiles.create({ ...base, user: '-oProxyCommand' })).toThrow(/^user: /);
    expect(() => profiles.create({ ...base, workdir: 'jobs' })).toThrow(/^workdir: An absolute folder/);
    expect(() => profiles.create({ ...base, workdir: '/srv/a\nb' })).toThrow(/^workdir: /);
    expect(() => profiles.create({ ...base, passphrase: 'x', passphraseEnv: 'P' })).toThrow(/^passphraseEnv: /);
    profiles.create(base);
    expect(() => profiles.create({ ...base, name: 'A100' })).toThrow(/already exists/);
  });

  it('refuses to remove a connection a job still runs on, and removes it once the job ended', () => {
    const ctx = createAppContext({ dbPath: tempDbPath() });
    const profile = ctx.sshProfiles.create(base);
    const job = ctx.jobs.create('finetune', 'Qwen2-7B');
    new RemoteJobStore(ctx.db).create({ jobId: job.id, profileId: profile.id, remoteDir: '/srv/jobs/job-1', trainerLog: 'output/trainer_log.jsonl' });
    expect(() => ctx.sshProfiles.remove(profile.id)).toThrow(`Job ${job.id} still runs on this connection: cancel or finish it first.`);
    ctx.jobs.requestCancel(job.id);
    ctx.sshProfiles.remove(profile.id);
    expect(new RemoteJobStore(ctx.db).get(job.id).profileId).toBeNull();
    ctx.close();
  });

  it('keeps the schema honest: auth and key file agree, one passphrase source, valid ports', () => {
    const db = openDatabase(tempDbPath());
    const insert = (auth: string, keyFile: string | null, port = 22, cipher: Buffer | null = null, env: string | null = null) =>
      db
        .prepare(`INSERT INTO ssh_profiles (name, host, port, user, auth, key_file, passphrase_cipher, passphrase_env, workdir, created_at, updated_at) VALUES (?, 'h', ?, 'u', ?, ?, ?, ?, '~/s', 'x', 'x')`)
        .run(`p${Math.random()}`, port, auth, keyFile, cipher, env);
    expect(() => insert('agent', '/k')).toThrow(/CHECK/);
    expect(() => insert('key', null)).toThrow(/CHECK/);
    expect(() => insert('key', '/k', 0)).toThrow(/CHECK/);
    expect(() => insert('key', '/k', 22, Buffer.from('c'), 'P')).toThrow(/CHECK/);
    expect(() => insert('key', '/k', 22)).not.toThrow();
  });
});

describe('host-key policy', () => {
  it('computes fingerprints as ssh-keygen -l prints them', () => {
    expect(fingerprint(Buffer.from('host key blob'))).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('connects known keys, accepted keys only when typed exactly, and refuses unknown or changed ones', () => {
    expect(judgeHostKey(FP, FP, undefined)).toEqual({ kind: 'known' });
    expect(judgeHostKey(FP, null, undefined)).toEqual({ kind: 'unknown' });
    expect(judgeHostKey(FP, null, OTHER)).toEqual({ kind: 'unknown' });
    expect(judgeHostKey(FP, null, FP)).toEqual({ kind: 'accepted' });
    expect(judgeHostKey(FP, OTHER, undefined)).toEqual({ kind: 'changed', was: OTHER });
    expect(judgeHostKey(FP, OTHER, OTHER)).toEqual({ kind: 'changed', was: OTHER });
    expect(judgeHostKey(FP, OTHER, FP)).toEqual({ kind: 'accepted' });
  });
});

describe('remote commands', () => {
  it('put user values into the script only as base64, and refuse NUL', () => {
    const value = "x'; touch /tmp/pwned; '$(reboot)";
    const text = scriptText('printf "%s" "$1"', [value]);
    expect(text).not.toContain('pwned');
    expect(text).not.toContain('reboot');
    expect(text).toContain(Buffer.from(value).toString('base64'));
    expect(() => scriptText('true', ['a\0b'])).toThrow(/NUL/);
  });

  it('accept only positive integers as remote ids', () => {
    expect(remoteId('4242\n')).toBe(4242);
    expect(remoteId(1)).toBe(1);
    for (const bad of ['', '0', '-1', '12 13', '1;reboot', '$(reboot)', '3.5', '99999999999', null, undefined, Number.NaN]) {
      expect(() => remoteId(bad)).toThrow(/is not a remote process id/);
    }
  });
});

describe("LLaMA-Factory's trainer_log.jsonl", () => {
  const line = (step: number) => `{"current_steps": ${step}, "total_steps": 4, "loss": 1.5, "lr": 1e-05, "epoch": 0.5, "percentage": 25.0, "elapsed_time": "0:00:10", "remaining_time": "1 day, 0:00:30"}\n`;

  it('reads whole lines only and advances the offset by their bytes', () => {
    const bytes = Buffer.from(line(1) + line(2) + line(3).slice(0, 20));
    const chunk = parseTrainerLog(bytes, 100);
    expect(chunk.points.map((p) => p.step)).toEqual([1, 2]);
    expect(chunk.nextOffset).toBe(100 + Buffer.byteLength(line(1) + line(2)));
    expect(chunk.points[0]).toEqual({ step: 1, totalSteps: 4, epoch: 0.5, loss: 1.5, lr: 1e-5, etaSeconds: 86_430 });
    expect(parseTrainerLog(Buffer.from(line(3).slice(0, 20)), 7)).toEqual({ points: [], nextOffset: 7, skipped: 0 });
  });

  it('counts lines that are not steps (damage, eval-only) without stopping', () => {
    const chunk = parseTrainerLog(Buffer.from(`not json\n{"eval_loss": 1.2}\n${line(4)}`), 0);
    expect(chunk.points.map((p) => p.step)).toEqual([4]);
    expect(chunk.skipped).toBe(2);
  });

  it('parses durations', () => {
    expect(parseDuration('0:01:05')).toBe(65);
    expect(parseDuration('2 days, 1:00:00')).toBe(176_400);
    expect(parseDuration('soon')).toBeNull();
  });
});

describe('the server probe', () => {
  it('reads GPUs, version and disk, and warns about what is missing or odd', () => {
    const report = parseProbe('workdir\t/data/simpsy\ngpu\tNVIDIA A100-SXM4-80GB, 81920\ngpu\tNVIDIA H800, 81559\nllamafactory\t0.9.2\ndisk\t1048576\n', FP);
    expect(report).toEqual({
      hostKeyFingerprint: FP,
      workdir: '/data/simpsy',
      gpus: [
        { name: 'NVIDIA A100-SXM4-80GB', memoryMiB: 81920 },
        { name: 'NVIDIA H800', memoryMiB: 81559 },
      ],
      llamaFactoryVersion: '0.9.2',
      freeDiskBytes: 1 << 30,
      warnings: [],
    });
    const broken = parseProbe("workdir\t/x\ngpu\tNVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n", FP);
    expect(broken.gpus).toEqual([]);
    expect(broken.warnings).toEqual([
      "nvidia-smi said: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
      'LLaMA-Factory not found: llamafactory-cli is not on PATH after the set-up line (activate its environment there).',
    ]);
  });
});
