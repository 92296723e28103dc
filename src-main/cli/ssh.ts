import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { hostKeyFingerprint, type SshProfileView, type SshTestReport } from '../contract/ssh';
import { DomainError } from '../common/errors';
import { probeServer } from '../ssh/probe';
import { toProfileView } from '../ssh/profiles';
import { withSession } from '../ssh/session';
import { numberFlag, printJson, table } from './io';
import type { WithContext } from './context';

// `simpsy ssh …`: connection profiles to GPU servers. Passphrases are never taken as flag
// values (they would sit in the shell's history and in `ps`): the CLI names the environment
// variable holding one, as `endpoints add --api-key-env` does for API keys.

// Field → the flag a CLI user typed, so validation errors point at the flag.
const flagOf: Record<string, string> = {
  name: '--name',
  host: '--host',
  port: '--port',
  user: '--user',
  keyFile: '--key',
  passphrase: '--passphrase-env',
  passphraseEnv: '--passphrase-env',
  workdir: '--workdir',
  setup: '--setup',
};

/** `--accept-host-key`, checked to be a fingerprint as ssh-keygen prints it. */
export function acceptHostKeyFlag(raw: string | undefined): { acceptHostKey?: string } {
  if (raw === undefined) return {};
  const parsed = hostKeyFingerprint.safeParse(raw);
  if (!parsed.success) throw new DomainError('validation', `--accept-host-key: '${raw}' is not a fingerprint; copy the SHA256:… text exactly as printed.`);
  return { acceptHostKey: parsed.data };
}

const target = (p: SshProfileView) => `${p.user}@${p.host}:${p.port}`;
const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

function printReport(name: string, r: SshTestReport): void {
  const lines = [`${name}: connected (host key ${r.hostKeyFingerprint})`];
  lines.push(`GPUs: ${r.gpus.length === 0 ? 'none found' : r.gpus.length}`);
  r.gpus.forEach((g, i) => lines.push(`  ${i}: ${g.name}, ${(g.memoryMiB / 1024).toFixed(0)} GiB (${g.memoryMiB} MiB)`));
  lines.push(`LLaMA-Factory: ${r.llamaFactoryVersion ?? 'not found'}`);
  lines.push(`Work folder: ${r.workdir}${r.freeDiskBytes === null ? '' : `, ${gib(r.freeDiskBytes)} free`}`);
  for (const w of r.warnings) lines.push(`Warning: ${w}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function sshCommand(program: Command, withContext: WithContext): void {
  const ssh = program.command('ssh').description('Connections to GPU servers for fine-tuning');

  ssh
    .command('add')
    .description('Add a connection. Give --key FILE (a private key) or --agent (the ssh-agent\'s keys).')
    .requiredOption('--name <name>', 'a short name, e.g. a100-lab')
    .requiredOption('--host <host>', 'host name or IP address')
    .option('--port <port>', 'SSH port', '22')
    .requiredOption('--user <user>', 'user name on the server')
    .option('--key <file>', 'private key file')
    .option('--agent', 'authenticate with the ssh-agent (SSH_AUTH_SOCK)')
    .option('--passphrase-env <VAR>', 'environment variable holding the key\'s passphrase (never stored)')
    .option('--workdir <dir>', 'folder for jobs on the server, absolute or under ~/', '~/simpsy')
    .option('--setup <line>', 'shell run before every remote command, e.g. \'source ~/miniconda3/bin/activate lf\'', '')
    .action((o: Record<string, string | boolean | undefined>) =>
      withContext((ctx) => {
        if (Boolean(o.key) === Boolean(o.agent)) throw new DomainError('validation', 'Give exactly one of --key FILE or --agent.');
        const keyFile = typeof o.key === 'string' ? resolve(o.key) : undefined;
        if (keyFile && !existsSync(keyFile)) throw new DomainError('validation', `--key: ${keyFile} does not exist.`);
        if (keyFile?.endsWith('.pub')) throw new DomainError('validation', `--key: ${keyFile} is a public key; give the private key (the same name without .pub).`);
        try {
          const created = ctx.sshProfiles.create({
            name: String(o.name),
            host: String(o.host),
            port: numberFlag('--port', String(o.port))!,
            user: String(o.user),
            auth: keyFile ? 'key' : 'agent',
            ...(keyFile ? { keyFile } : {}),
            ...(typeof o.passphraseEnv === 'string' ? { passphraseEnv: o.passphraseEnv } : {}),
            workdir: String(o.workdir),
            setup: String(o.setup ?? ''),
          });
          process.stdout.write(`Added SSH connection '${created.name}' (${target(created)}). Test it: simpsy ssh test ${created.name}\n`);
        } catch (error) {
          // Name the flag, not the field.
          if (error instanceof DomainError && error.code === 'validation' && error.issues?.[0]) {
            const issue = error.issues[0];
            throw new DomainError('validation', `${flagOf[issue.path] ?? issue.path}: ${issue.message}.`);
          }
          throw error;
        }
      }),
    );

  ssh
    .command('list')
    .description('List connections')
    .option('--json', 'print a JSON array')
    .action((o: { json?: boolean }) =>
      withContext((ctx) => {
        const list = ctx.sshProfiles.list().map(toProfileView);
        if (o.json) return printJson(list);
        if (list.length === 0) {
          process.stdout.write('No SSH connections yet. Add one: simpsy ssh add --name NAME --host HOST --user USER --key FILE\n');
          return;
        }
        process.stdout.write(
          `${table(
            ['NAME', 'SERVER', 'AUTH', 'WORK FOLDER', 'HOST KEY'],
            list.map((p) => [p.name, target(p), p.auth === 'agent' ? 'ssh-agent' : p.keyFile!, p.workdir, p.hostKeyFingerprint ?? 'not accepted yet']),
          )}\n`,
        );
      }),
    );

  ssh
    .command('test')
    .description('Connect and report the GPUs, LLaMA-Factory\'s version and the free disk (exit 0 only if connected)')
    .argument('<name>', 'connection name')
    .option('--accept-host-key <fingerprint>', 'accept this host key (SHA256:…, as ssh-keygen -l prints it) on first use or after a change you checked')
    .option('--json', 'print the report as JSON')
    .action((name: string, o: { acceptHostKey?: string; json?: boolean }) =>
      withContext(async (ctx) => {
        const accept = acceptHostKeyFlag(o.acceptHostKey);
        const profile = ctx.sshProfiles.getByName(name);
        const report = await withSession(
          { profiles: ctx.sshProfiles, secrets: ctx.secrets, env: ctx.env },
          profile,
          accept,
          probeServer,
        );
        if (o.json) printJson(report);
        else printReport(profile.name, report);
      }),
    );

  ssh
    .command('remove')
    .description('Remove a connection (the server is not touched)')
    .argument('<name>', 'connection name')
    .action((name: string) =>
      withContext((ctx) => {
        const profile = ctx.sshProfiles.getByName(name);
        ctx.sshProfiles.remove(profile.id);
        process.stdout.write(`Removed SSH connection '${profile.name}'.\n`);
      }),
    );
}
