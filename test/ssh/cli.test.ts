import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpsy } from '../support/cli';
import { startSshd, sshdUnavailable, type TestSshd } from '../support/sshd';
import { tempDbPath, tempDir } from '../support/temp';

// `simpsy ssh …` as a process, against a real sshd (test/support/sshd.ts) with the
// nvidia-smi and llamafactory-cli stand-ins on its PATH through the profile's set-up line.

const unavailable = sshdUnavailable();

describe.skipIf(unavailable !== null)(`simpsy ssh against a real sshd${unavailable ? ` — SKIPPED: ${unavailable}` : ''}`, () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(() => sshd?.stop());

  const add = (db: string, name: string, extra: string[], server = sshd) =>
    simpsy(['--db', db, 'ssh', 'add', '--name', name, '--host', server.host, '--port', String(server.port), '--user', server.user, ...extra]);

  it('refuses an unknown host key printing its fingerprint, accepts it when given, then reports GPUs, LLaMA-Factory and disk', async () => {
    const db = tempDbPath();
    const workdir = join(tempDir(), 'jobs');
    expect(await add(db, 'lab', ['--key', sshd.clientKey, '--workdir', workdir, '--setup', sshd.setup({ STANDIN_GPUS: '2' })])).toMatchObject({ code: 0, stderr: '' });
    expect((await simpsy(['--db', db, 'ssh', 'list'])).stdout).toMatch(/lab\s+root@127\.0\.0\.1:\d+\s+\S+client_ed25519\s+\S+jobs\s+not accepted yet/);

    const first = await simpsy(['--db', db, 'ssh', 'test', 'lab']);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain(`is not known yet: its host key fingerprint is ${sshd.fingerprint}`);
    expect(first.stderr).toContain(`--accept-host-key ${sshd.fingerprint}`);
    expect(existsSync(workdir)).toBe(false); // refused before anything ran

    const wrong = await simpsy(['--db', db, 'ssh', 'test', 'lab', '--accept-host-key', `SHA256:${'A'.repeat(43)}`]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`does not match it`);
    const garbled = await simpsy(['--db', db, 'ssh', 'test', 'lab', '--accept-host-key', 'yes']);
    expect(garbled.stderr).toMatch(/--accept-host-key: 'yes' is not a fingerprint/);

    const accepted = await simpsy(['--db', db, 'ssh', 'test', 'lab', '--accept-host-key', sshd.fingerprint]);
    expect(accepted.stderr).toBe('');
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain(`lab: connected (host key ${sshd.fingerprint})`);
    expect(accepted.stdout).toContain('GPUs: 2\n  0: NVIDIA A100-SXM4-80GB, 80 GiB (81920 MiB)\n  1: NVIDIA A100-SXM4-80GB');
    expect(accepted.stdout).toContain('LLaMA-Factory: 0.9.2');
    expect(accepted.stdout).toMatch(new RegExp(`Work folder: ${workdir}, \\d+\\.\\d GiB free`));
    expect(existsSync(workdir)).toBe(true);

    // Recorded: the next test needs no flag; --json gives the numbers.
    const again = await simpsy(['--db', db, 'ssh', 'test', 'lab', '--json']);
    expect(again.code).toBe(0);
    const report = JSON.parse(again.stdout) as { gpus: unknown[]; llamaFactoryVersion: string; freeDiskBytes: number; hostKeyFingerprint: string };
    expect(report).toMatchObject({ hostKeyFingerprint: sshd.fingerprint, llamaFactoryVersion: '0.9.2', gpus: [{ name: 'NVIDIA A100-SXM4-80GB', memoryMiB: 81920 }, { name: 'NVIDIA A100-SXM4-80GB', memoryMiB: 81920 }] });
    expect(report.freeDiskBytes).toBeGreaterThan(0);
    const list = JSON.parse((await simpsy(['--db', db, 'ssh', 'list', '--json'])).stdout) as Record<string, unknown>[];
    expect(list).toEqual([expect.objectContaining({ name: 'lab', hostKeyFingerprint: sshd.fingerprint, auth: 'key', hasPassphrase: false })]);
    expect(list[0]).not.toHaveProperty('passphraseCipher');

    expect(await simpsy(['--db', db, 'ssh', 'remove', 'lab'])).toMatchObject({ code: 0, stdout: "Removed SSH connection 'lab'.\n" });
    expect((await simpsy(['--db', db, 'ssh', 'list'])).stdout).toMatch(/^No SSH connections yet/);
  });

  it('warns when GPUs or LLaMA-Factory are missing after the set-up line', async () => {
    const db = tempDbPath();
    await add(db, 'bare', ['--key', sshd.clientKey, '--workdir', tempDir()]);
    const bare = await simpsy(['--db', db, 'ssh', 'test', 'bare', '--accept-host-key', sshd.fingerprint]);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toContain('GPUs: none found');
    expect(bare.stdout).toContain('LLaMA-Factory: not found');
    expect(bare.stdout).toContain('Warning: LLaMA-Factory not found: llamafactory-cli is not on PATH after the set-up line');
  });

  it('says clearly when the server does not accept the key, and when a key is encrypted or its passphrase wrong', async () => {
    const db = tempDbPath();
    await add(db, 'stranger', ['--key', sshd.strangerKey]);
    const refused = await simpsy(['--db', db, 'ssh', 'test', 'stranger', '--accept-host-key', sshd.fingerprint]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `simpsy: ${sshd.user}@127.0.0.1:${sshd.port} did not accept the key ${sshd.strangerKey} for user ${sshd.user}. Add the matching public key to ~/.ssh/authorized_keys of ${sshd.user} on the server, or choose the right key.\n`,
    );

    await add(db, 'locked', ['--key', sshd.encryptedClientKey]);
    const locked = await simpsy(['--db', db, 'ssh', 'test', 'locked', '--accept-host-key', sshd.fingerprint]);
    expect(locked.stderr).toContain(`The private key ${sshd.encryptedClientKey} is encrypted`);

    await add(db, 'unlocked', ['--key', sshd.encryptedClientKey, '--passphrase-env', 'LAB_PASSPHRASE', '--setup', sshd.setup()]);
    const missing = await simpsy(['--db', db, 'ssh', 'test', 'unlocked']);
    expect(missing.stderr).toContain('is read from $LAB_PASSPHRASE, which is not set here');
    const bad = await simpsy(['--db', db, 'ssh', 'test', 'unlocked'], { LAB_PASSPHRASE: 'not it' });
    expect(bad.stderr).toContain(`The passphrase saved for ${sshd.encryptedClientKey} does not unlock it`);
    const good = await simpsy(['--db', db, 'ssh', 'test', 'unlocked', '--accept-host-key', sshd.fingerprint], { LAB_PASSPHRASE: sshd.passphrase });
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('LLaMA-Factory: 0.9.2');
    // The passphrase appears nowhere: not in output, not in the listing.
    const listed = await simpsy(['--db', db, 'ssh', 'list', '--json']);
    for (const text of [good.stdout, good.stderr, bad.stderr, listed.stdout]) expect(text).not.toContain(sshd.passphrase);
  });

  it('refuses bad flags naming the flag', async () => {
    const db = tempDbPath();
    expect((await add(db, 'x', [])).stderr).toBe('simpsy: Give exactly one of --key FILE or --agent.\n');
    expect((await add(db, 'x', ['--key', `${sshd.clientKey}.pub`])).stderr).toContain('is a public key; give the private key');
    expect((await add(db, 'x', ['--key', '/nonexistent/id_ed25519'])).stderr).toBe('simpsy: --key: /nonexistent/id_ed25519 does not exist.\n');
    expect((await add(db, 'x', ['--agent', '--workdir', 'relative/dir'])).stderr).toContain('--workdir: An absolute folder on the server, or one under ~/');
    expect((await add(db, 'x', ['--agent', '--port', '70000'])).stderr).toContain('--port: A port from 1 to 65535');
    expect((await simpsy(['--db', db, 'ssh', 'add', '--name', 'x', '--host', '-oProxyCommand=touch', '--user', 'u', '--agent'])).stderr).toContain('--host:');
    expect((await add(db, 'x', ['--agent', '--passphrase-env', 'P'])).stderr).toContain('no passphrase goes here');
    expect((await add(db, 'dup', ['--agent'])).code).toBe(0);
    expect((await add(db, 'DUP', ['--agent'])).stderr).toContain("An SSH connection named 'DUP' already exists");
    expect((await simpsy(['--db', db, 'ssh', 'test', 'nope'])).stderr).toBe("simpsy: No SSH connection named 'nope'. Known: dup.\n");
  });

  it('refuses a server whose host key changed, with a warning, until the new key is accepted on purpose', async () => {
    const db = tempDbPath();
    const original = await startSshd();
    // The key outlives its server's temp folder.
    const key = join(tempDir(), 'id_ed25519');
    copyFileSync(original.clientKey, key);
    try {
      await add(db, 'moved', ['--key', key, '--setup', original.setup()], original);
      expect((await simpsy(['--db', db, 'ssh', 'test', 'moved', '--accept-host-key', original.fingerprint])).code).toBe(0);
    } finally {
      await original.stop();
    }
    // Another server (another host key) now answers on the same address and port.
    const impostor = await startSshd({ port: original.port });
    try {
      expect(impostor.fingerprint).not.toBe(original.fingerprint);
      const refused = await simpsy(['--db', db, 'ssh', 'test', 'moved']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`WARNING: the host key of ${original.user}@127.0.0.1:${original.port} has CHANGED: it was ${original.fingerprint}, now it is ${impostor.fingerprint}`);
      expect(refused.stderr).toContain('Nothing was sent');
      // Accepting the old key again does not help; only the new one, typed on purpose.
      expect((await simpsy(['--db', db, 'ssh', 'test', 'moved', '--accept-host-key', original.fingerprint])).stderr).toContain('has CHANGED');
      const listed = JSON.parse((await simpsy(['--db', db, 'ssh', 'list', '--json'])).stdout) as { hostKeyFingerprint: string }[];
      expect(listed[0]!.hostKeyFingerprint).toBe(original.fingerprint);
    } finally {
      await impostor.stop();
    }
  });
});
