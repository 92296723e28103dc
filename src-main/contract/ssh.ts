import { z } from 'zod';
import { envVarName } from './endpoint';

// An SSH connection profile to a GPU server (issue 11, "Connections"). The passphrase of
// its private key is write-only, as an endpoint's API key is: it goes in through
// `passphrase` (the app encrypts it with safeStorage) or is named by `passphraseEnv` (read
// from the environment when connecting; the CLI's only way, as it cannot encrypt), and never
// comes back out: views carry only `hasPassphrase`.

export const sshProfileName = z
  .string()
  .trim()
  .min(1, 'Give the connection a name')
  .max(80, 'Keep the name under 80 characters')
  .regex(/^[^\s/\\]+( [^\s/\\]+)*$/u, 'Use letters, digits, dashes or single spaces (no slashes)');

/** A host name or an IP address; never something ssh2 could read as an option. */
export const sshHost = z
  .string()
  .trim()
  .min(1, 'Enter the server: a host name or an IP address')
  .max(253)
  .regex(/^[A-Za-z0-9.:_[\]-]+$/, 'A host name or IP address: letters, digits, dots, dashes (and colons for IPv6)')
  .refine((h) => !h.startsWith('-'), 'A host name cannot start with a dash');

/** A POSIX user name (useradd's rule, a little wider). */
export const sshUser = z
  .string()
  .trim()
  .min(1, 'Enter the user name on the server')
  .max(64)
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]*\$?$/, 'A user name: letters, digits, _, . and -, not starting with a digit or dash');

export const sshAuthKinds = ['key', 'agent'] as const;
export type SshAuthKind = (typeof sshAuthKinds)[number];

/** `SHA256:` and 43 characters of unpadded base64, as `ssh-keygen -l` prints it. */
export const hostKeyFingerprint = z
  .string()
  .trim()
  .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'A SHA256 fingerprint as ssh-keygen -l prints it: SHA256: and 43 characters');

export const DEFAULT_WORKDIR = '~/simpsy';

export const sshProfileCreateInput = z
  .strictObject({
    name: sshProfileName,
    host: sshHost,
    port: z.number().int().min(1, 'A port from 1 to 65535').max(65535, 'A port from 1 to 65535').default(22),
    user: sshUser,
    auth: z.enum(sshAuthKinds),
    /** The private key file on this computer (auth 'key'). */
    keyFile: z.string().trim().min(1).max(4096).optional(),
    passphrase: z.string().min(1).max(1024).optional(),
    passphraseEnv: envVarName.optional(),
    /** Where jobs live on the server; `~/` is the remote home. Absolute or `~/…`, no NUL or newline. */
    workdir: z
      .string()
      .trim()
      .max(4096)
      .regex(/^(\/|~\/|~$)[^\0\n\r]*$/u, 'An absolute folder on the server, or one under ~/')
      .default(DEFAULT_WORKDIR),
    /** Shell run before every remote command: `source ~/miniconda3/bin/activate lf`, `module load cuda`… */
    setup: z.string().max(4096, 'Keep the set-up line under 4096 characters').default(''),
  })
  .superRefine((p, ctx) => {
    if (p.auth === 'key' && !p.keyFile) ctx.addIssue({ code: 'custom', path: ['keyFile'], message: 'Choose the private key file' });
    if (p.auth === 'agent' && p.keyFile) ctx.addIssue({ code: 'custom', path: ['keyFile'], message: 'A profile using the ssh-agent names no key file' });
    if (p.auth === 'agent' && (p.passphrase || p.passphraseEnv)) {
      ctx.addIssue({ code: 'custom', path: ['passphrase'], message: 'The ssh-agent holds its keys unlocked; no passphrase goes here' });
    }
    if (p.passphrase && p.passphraseEnv) {
      ctx.addIssue({ code: 'custom', path: ['passphraseEnv'], message: 'Give the passphrase or the variable holding it, not both' });
    }
  });
export type SshProfileCreateInput = z.input<typeof sshProfileCreateInput>;
export type SshProfileCreate = z.output<typeof sshProfileCreateInput>;

export interface SshProfileView {
  id: number;
  name: string;
  host: string;
  port: number;
  user: string;
  auth: SshAuthKind;
  keyFile: string | null;
  /** True when a passphrase was saved in the app (encrypted); the passphrase never leaves main. */
  hasPassphrase: boolean;
  passphraseEnv: string | null;
  workdir: string;
  setup: string;
  /** The host key the user accepted, or null before the first connection. */
  hostKeyFingerprint: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface GpuInfo {
  name: string;
  memoryMiB: number;
}

/** What "Test" found on the server. */
export interface SshTestReport {
  hostKeyFingerprint: string;
  gpus: GpuInfo[];
  /** null when llamafactory-cli is not on PATH after the set-up line. */
  llamaFactoryVersion: string | null;
  /** The work folder as the server resolved it, and the space free there. */
  workdir: string;
  freeDiskBytes: number | null;
  /** Problems worth fixing before a job is sent (no GPU found, no LLaMA-Factory…). */
  warnings: string[];
}
