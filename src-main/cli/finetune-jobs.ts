import type { Command } from 'commander';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AppContext } from '../app/context';
import { DomainError } from '../common/errors';
import { RemoteJobStore } from '../ssh/remote-jobs';
import { slurmOptions, type SlurmOptions } from '../ssh/slurm';
import { cancelTraining, fetchResults, FINETUNE_JOB, refreshTraining, submitTraining, trainingLogTail, trainingStatus, watchTraining, type TrainingDeps } from '../ssh/training-job';
import { baseModelPresets } from '../finetune/config/presets';
import { sftModes, type SftMode } from '../finetune/sft/samples';
import { submitRunsJob } from '../finetune/submit-runs';
import type { UploadProgress } from '../ssh/upload';
import { count, runIds } from './evaluate';
import { bar, printJson } from './io';
import type { WithContext } from './context';
import { acceptHostKeyFlag } from './ssh';

// `simpsy finetune …`: training jobs on a GPU server (docs/ssh.md). `submit` exports runs and
// configures the job itself (--runs, finetune/submit-runs.ts), or sends a folder prepared
// beforehand (--files: the SFT export, dataset_info.json, the YAML and the DeepSpeed JSON),
// and launches `llamafactory-cli train` on it, detached; `watch` follows it
// (Ctrl-C detaches, the training goes on), `status` catches up once, `cancel` stops it.

const deps = (ctx: AppContext): TrainingDeps => ({ profiles: ctx.sshProfiles, secrets: ctx.secrets, env: ctx.env, jobs: ctx.jobs, remoteJobs: new RemoteJobStore(ctx.db) });

function jobArg(ctx: AppContext, raw: string): number {
  const id = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) throw new DomainError('validation', `JOB must be a job number, got '${raw}'.`);
  if (ctx.jobs.get(id).kind !== FINETUNE_JOB) throw new DomainError('validation', `Job ${id} is not a fine-tuning job.`);
  return id;
}

/** The YAML's output_dir, which must stay inside the job folder so results can be found there. */
function outputDir(config: string): string {
  const line = readFileSync(config, 'utf8')
    .split('\n')
    .find((l) => /^output_dir\s*:/.test(l));
  const value = line?.replace(/^output_dir\s*:\s*/, '').replace(/\s+#.*$/, '').trim().replace(/^(['"])(.*)\1$/, '$2');
  if (!value) throw new DomainError('validation', `${config}: no output_dir line; LLaMA-Factory needs one (e.g. output_dir: saves/qwen2-7b).`);
  if (value.startsWith('/') || value.startsWith('~') || value.split('/').includes('..')) {
    throw new DomainError('validation', `${config}: output_dir '${value}' must be a relative folder (e.g. saves/qwen2-7b), so the job's results stay in its own folder on the server.`);
  }
  return value.replace(/\/+$/, '');
}

interface SubmitFlags {
  ssh: string;
  runs?: string;
  base?: string;
  template?: string;
  gpus?: string;
  mode: string;
  set?: string[];
  files?: string;
  config?: string;
  title?: string;
  acceptHostKey?: string;
  json?: boolean;
  slurm?: boolean;
  partition?: string;
  time?: string;
}

type Accept = ReturnType<typeof acceptHostKeyFlag>;

/** `--runs`: exported, configured and sent by finetune/submit-runs.ts. */
async function submitRuns(ctx: AppContext, o: SubmitFlags, accept: Accept, onUpload: UploadProgress, slurm: SlurmOptions | undefined): Promise<Record<string, unknown> & { jobId: number; remoteId: number }> {
  if (!o.base) throw new DomainError('validation', `Say which model to fine-tune: --base ${baseModelPresets.map((p) => p.name).join(' or ')} (or a hub id or path with --template).`);
  if (!(sftModes as readonly string[]).includes(o.mode)) throw new DomainError('validation', `--mode must be prefix or session, got '${o.mode}'.`);
  const gpus = count('--gpus', o.gpus);
  const { jobId, remoteId, preview } = await submitRunsJob(
    { ...deps(ctx), db: ctx.db, resourcesDir: ctx.resourcesDir },
    {
      profile: ctx.sshProfiles.getByName(o.ssh),
      runIds: runIds('--runs', [o.runs!]),
      base: o.base,
      ...(o.template ? { template: o.template } : {}),
      ...(gpus !== undefined ? { gpus } : {}),
      mode: o.mode as SftMode,
      settings: o.set ?? [],
      ...(o.title ? { title: o.title } : {}),
      ...accept,
      ...(slurm ? { slurm } : {}),
      onUpload,
    },
  );
  for (const w of preview.config.warnings) process.stderr.write(`warning: ${w}\n`);
  const s = preview.statistics;
  process.stderr.write(`Sent ${s.samples} samples (${s.mode}) from ${s.sessionsUsed} sessions, ≈ ${s.tokens} tokens; ${preview.config.gpus} GPUs, ≈ ${preview.config.steps ?? '?'} steps.\n`);
  return { jobId, remoteId, statistics: s, values: preview.config.values, steps: preview.config.steps, warnings: preview.config.warnings };
}

/** `--files`: a folder prepared beforehand, sent as it is. */
async function submitFolder(ctx: AppContext, o: SubmitFlags, accept: Accept, onUpload: UploadProgress, slurm: SlurmOptions | undefined): Promise<{ jobId: number; remoteId: number }> {
  const dir = resolve(o.files!);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => statSync(join(dir, n)).isFile()).sort();
  } catch {
    throw new DomainError('not_found', `--files: cannot read the folder ${dir}.`);
  }
  const yamls = names.filter((n) => /\.ya?ml$/.test(n));
  const config = o.config ?? (yamls.length === 1 ? yamls[0] : undefined);
  if (!config) throw new DomainError('validation', `--config: name the YAML to train with; ${dir} holds ${yamls.length ? yamls.join(', ') : 'no .yaml file'}.`);
  if (!names.includes(config)) throw new DomainError('validation', `--config: ${config} is not a file in ${dir}.`);
  const output = outputDir(join(dir, config));
  const deepspeed = /^deepspeed\s*:/m.test(readFileSync(join(dir, config), 'utf8'));
  return submitTraining(deps(ctx), {
    profile: ctx.sshProfiles.getByName(o.ssh),
    title: o.title ?? `${config} on ${o.ssh}`,
    files: names.map((name) => ({ local: join(dir, name), name })),
    // LLaMA-Factory starts torchrun for DeepSpeed only when told to.
    command: [...(deepspeed ? ['env', 'FORCE_TORCHRUN=1'] : []), 'llamafactory-cli', 'train', config],
    trainerLog: `${output}/trainer_log.jsonl`,
    ...accept,
    ...(slurm ? { slurm } : {}),
    onUpload,
  });
}

/** `simpsy finetune submit|watch|status|logs|fetch|cancel`, joined to the `finetune` command (finetune.ts). */
export function finetuneJobCommands(finetune: Command, withContext: WithContext): void {
  finetune
    .command('submit')
    .description('Export runs (--runs) or upload a prepared folder (--files) and start `llamafactory-cli train` there, detached; the last line is {"jobId", "remoteId"}')
    .requiredOption('--ssh <name>', 'the connection (simpsy ssh list)')
    .option('--runs <ids>', "the runs to train on, comma-separated: exported, configured with the paper's defaults and sent")
    .option('--base <model>', `with --runs: ${baseModelPresets.map((p) => p.name).join(', ')}, a hub id or a path on the server`)
    .option('--template <name>', 'with --runs: the chat template (presets know theirs)')
    .option('--gpus <n>', 'GPUs to train on (paper: 4); with --slurm also what the batch script asks for')
    .option('--mode <mode>', 'with --runs: prefix (one sample per counselor turn, mask_history: the paper) or session', 'prefix')
    .option('--set <key=value>', 'with --runs: change a hyper-parameter (repeatable), e.g. --set learning_rate=2e-5', (v: string, prev: string[] = []) => [...prev, v])
    .option('--files <dir>', 'instead of --runs: folder whose files are uploaded: data, dataset_info.json, the YAML, the DeepSpeed JSON')
    .option('--config <file>', 'with --files: the LLaMA-Factory YAML in that folder (default: its only .yaml)')
    .option('--title <text>', 'a title for the job')
    .option('--accept-host-key <fingerprint>', 'accept this host key (SHA256:…) on first use')
    .option('--slurm', 'submit to Slurm with sbatch instead of launching detached; the remote id is the Slurm job id')
    .option('--partition <name>', "with --slurm: the partition (default: the cluster's)")
    .option('--time <limit>', "with --slurm: the time limit, e.g. 12:00:00 or 2-00:00:00 (default: the partition's)")
    .option('--json', 'with --runs: the last line also carries the statistics and the configuration')
    .action((o: SubmitFlags) =>
      withContext(async (ctx) => {
        if (Boolean(o.runs) === Boolean(o.files)) throw new DomainError('validation', 'Say what to train on: --runs 3,4 (exported for you) or --files DIR (a folder prepared with sft export and finetune config), not both.');
        const accept = acceptHostKeyFlag(o.acceptHostKey);
        if (!o.slurm && (o.partition !== undefined || o.time !== undefined)) throw new DomainError('validation', '--partition and --time go with --slurm.');
        // With --slurm, --gpus is also what the batch script asks for (--gres=gpu:N; the paper's 4 when not given).
        const slurm = o.slurm ? slurmOptions({ partition: o.partition, gpus: o.gpus, time: o.time }) : undefined;
        const tty = process.stderr.isTTY === true;
        const onUpload = (sent: number, total: number, file: string) => {
          if (tty && total > 0) process.stderr.write(`\r\x1b[KUploading ${file} ${bar(sent, total)} ${Math.floor((100 * sent) / total)}%`);
        };
        const submitted = o.runs ? await submitRuns(ctx, o, accept, onUpload, slurm) : await submitFolder(ctx, o, accept, onUpload, slurm);
        if (tty) process.stderr.write('\r\x1b[K');
        const { jobId, remoteId } = submitted;
        process.stderr.write(`Started job ${jobId} on ${o.ssh} (${slurm ? 'Slurm job' : 'process group'} ${remoteId}). Follow it: simpsy finetune watch ${jobId}\n`);
        process.stdout.write(`${JSON.stringify(o.json ? submitted : { jobId, remoteId })}\n`);
      }),
    );

  finetune
    .command('watch')
    .description('Follow a job until it ends, a line a logged step; Ctrl-C detaches (the training goes on)')
    .argument('<job>', 'job number')
    .option('--poll <seconds>', 'seconds between polls', '5')
    .action((raw: string, o: { poll: string }) =>
      withContext(async (ctx) => {
        const jobId = jobArg(ctx, raw);
        const pollMs = Math.max(0.2, Number(o.poll) || 5) * 1000;
        const off = ctx.events.on('jobs:progress', (e) => {
          if (e.jobId === jobId && e.status === 'running' && e.message) process.stdout.write(`${e.message}\n`);
        });
        const detach = () => ctx.runner.pause(jobId);
        process.on('SIGINT', detach);
        try {
          const job = await ctx.runner.run(jobId, watchTraining(deps(ctx), jobId, { pollMs }), { label: `Job ${jobId}` });
          if (job.status === 'paused') process.stdout.write(`Detached; job ${jobId} goes on. Follow it again: simpsy finetune watch ${jobId}\n`);
          else if (job.status === 'done') process.stdout.write(`${job.message}\n`);
          else throw new DomainError(job.status === 'cancelled' ? 'cancelled' : 'unavailable', job.error ?? `Job ${jobId} ${job.status}.`);
        } finally {
          off();
          process.off('SIGINT', detach);
        }
      }),
    );

  finetune
    .command('status')
    .description('Catch up with a job once and print where it is')
    .argument('<job>', 'job number')
    .option('--json', 'print {"status", "step", "totalSteps", "loss", "epoch", …}')
    .action((raw: string, o: { json?: boolean }) =>
      withContext(async (ctx) => {
        const jobId = jobArg(ctx, raw);
        await refreshTraining(deps(ctx), ctx.runner, jobId);
        const s = trainingStatus(deps(ctx), jobId);
        if (o.json) return printJson(s);
        const step = s.totalSteps ? `step ${s.step}/${s.totalSteps}` : 'no step logged yet';
        const details = [s.epoch !== null && `epoch ${s.epoch}`, s.loss !== null && `loss ${s.loss}`, s.lr !== null && `lr ${s.lr}`, s.etaSeconds !== null && s.status === 'running' && `ETA ${s.etaSeconds} s`].filter(Boolean);
        process.stdout.write(`Job ${jobId}: ${s.status}, ${step}${details.length ? `, ${details.join(', ')}` : ''}\n`);
        if (s.error) process.stdout.write(`${s.error}\n`);
      }),
    );

  finetune
    .command('logs')
    .description("Print the end of the job's output (output.log on the server)")
    .argument('<job>', 'job number')
    .action((raw: string) =>
      withContext(async (ctx) => {
        process.stdout.write(await trainingLogTail(deps(ctx), jobArg(ctx, raw)));
      }),
    );

  finetune
    .command('fetch')
    .description("Download a job's results (all_results.json, the loss plot, trainer_log.jsonl) into a folder; the weights stay on the server")
    .argument('<job>', 'job number')
    .argument('<dir>', 'local folder (created if missing)')
    .action((raw: string, dir: string) =>
      withContext(async (ctx) => {
        const jobId = jobArg(ctx, raw);
        const out = resolve(dir);
        mkdirSync(out, { recursive: true });
        const { remoteOutput, fetched } = await fetchResults(deps(ctx), jobId, out);
        if (fetched.length === 0) throw new DomainError('not_found', `No result files in ${remoteOutput} yet.`);
        process.stdout.write(`Fetched ${fetched.join(', ')} into ${out}. The model stays on the server in ${remoteOutput}.\n`);
      }),
    );

  finetune
    .command('cancel')
    .description("Cancel a job: its whole process group on the server is stopped")
    .argument('<job>', 'job number')
    .action((raw: string) =>
      withContext(async (ctx) => {
        const jobId = jobArg(ctx, raw);
        await cancelTraining(deps(ctx), jobId);
        const job = ctx.jobs.get(jobId);
        process.stdout.write(job.status === 'cancelled' ? `Cancelled job ${jobId}.\n` : `Cancelling job ${jobId}: its watcher stops it at the next poll.\n`);
      }),
    );
}
