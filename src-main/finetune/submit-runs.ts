import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '../common/errors';
import type { Db } from '../storage/database';
import { probeServer } from '../ssh/probe';
import type { SshProfileRecord } from '../ssh/profiles';
import { withSession } from '../ssh/session';
import type { SlurmOptions } from '../ssh/slurm';
import { submitTraining, type TrainingDeps } from '../ssh/training-job';
import type { UploadProgress } from '../ssh/upload';
import { DEFAULT_CUTOFF_LEN } from './config/defaults';
import { jobConfig, TRAIN_FILE, type FoundGpu, type JobConfig } from './config/job';
import { exportSft, planSft, type SftStatistics } from './sft/export';
import type { SftFormat } from './sft/formats';
import type { SftMode } from './sft/samples';

// A training job straight from runs: the runs' sessions exported as SFT data, the LLaMA-Factory
// YAML and DeepSpeed JSON built for them, both into a fresh staging folder, then uploaded and
// launched detached (ssh/training-job.ts). The CLI's `finetune submit --runs` and the app's
// Fine-tuning section call the same two functions: `previewRunsJob` (nothing written or sent)
// and `submitRunsJob`.

export interface RunsJobInput {
  runIds: readonly number[];
  /** A preset (qwen2-7b-instruct, deepseek-llm-7b-chat), a hub id or a path on the server. */
  base: string;
  template?: string;
  gpus?: number;
  mode: SftMode;
  format?: SftFormat;
  /** `key=value` hyper-parameter changes (finetune/config/keys.ts). */
  settings?: readonly string[];
}

export interface RunsJobPreview {
  datasetName: string;
  statistics: SftStatistics;
  config: JobConfig;
}

/** The job folder's layout on the server: everything flat in it, results under output/. */
const DATASET_NAME = 'simpsy_sft';
const OUTPUT_DIR = 'output';

function configFor(input: RunsJobInput, statistics: SftStatistics | null, foundGpus: readonly FoundGpu[] | null): JobConfig {
  return jobConfig({
    base: input.base,
    ...(input.template ? { template: input.template } : {}),
    ...(input.gpus !== undefined ? { gpus: input.gpus } : {}),
    mode: input.mode,
    settings: input.settings ?? [],
    datasetName: DATASET_NAME,
    datasetDir: '.',
    outputDir: OUTPUT_DIR,
    ...(statistics ? { longestSampleTokens: statistics.longest?.tokens ?? null, samples: statistics.samples } : {}),
    foundGpus,
  });
}

/**
 * The statistics and the files a submission would send, checked as it would be: every
 * problem of the configuration at once (DomainError 'validation' with one issue a field).
 */
export function previewRunsJob(db: Db, resourcesDir: string, input: RunsJobInput, foundGpus: readonly FoundGpu[] | null = null): RunsJobPreview {
  // The settings are checked (and cutoff_len read) before the dataset is planned against it.
  const cutoffLen = Number(configFor(input, null, foundGpus).values.cutoff_len ?? DEFAULT_CUTOFF_LEN);
  const { statistics } = planSft(db, resourcesDir, { runIds: [...input.runIds] }, { format: input.format ?? 'openai', mode: input.mode, system: { kind: 'run' }, cutoffLen });
  return { datasetName: DATASET_NAME, statistics, config: configFor(input, statistics, foundGpus) };
}

export interface SubmitRunsRequest extends RunsJobInput {
  profile: SshProfileRecord;
  title?: string;
  acceptHostKey?: string;
  onUpload?: UploadProgress;
  /** Submit with sbatch (ssh/slurm.ts) instead of launching detached. */
  slurm?: SlurmOptions;
}

export interface SubmittedRunsJob {
  jobId: number;
  remoteId: number;
  preview: RunsJobPreview;
}

/**
 * Probes the server (host key, GPUs found), exports and configures into a staging folder
 * that is removed afterwards, and submits. A refusal before the upload sends nothing and
 * leaves no job behind.
 */
export async function submitRunsJob(deps: TrainingDeps & { db: Db; resourcesDir: string }, request: SubmitRunsRequest): Promise<SubmittedRunsJob> {
  const accept = request.acceptHostKey ? { acceptHostKey: request.acceptHostKey } : {};
  // Checked against the server before anything is written: requesting more GPUs than it has fails here.
  const { statistics } = previewRunsJob(deps.db, deps.resourcesDir, request);
  if (statistics.samples === 0) {
    throw new DomainError('validation', `None of the ${statistics.sessions} ended sessions of runs ${request.runIds.join(', ')} has a counselor turn answering the client: there is nothing to train on, and nothing was sent.`);
  }
  const probe = await withSession(deps, request.profile, accept, (session) => probeServer(session));
  // On a Slurm cluster the login node's GPUs are not the ones the job gets: nothing to check them against.
  const foundGpus = request.slurm ? null : probe.gpus.map((g, index) => ({ index, ...g }));
  const staging = mkdtempSync(join(tmpdir(), 'simpsy-finetune-'));
  try {
    const cutoffLen = Number(configFor(request, null, foundGpus).values.cutoff_len);
    const data = join(staging, `${DATASET_NAME}.json`);
    const exported = await exportSft(deps.db, deps.resourcesDir, { runIds: [...request.runIds] }, {
      format: request.format ?? 'openai',
      mode: request.mode,
      system: { kind: 'run' },
      cutoffLen,
      path: data,
      jsonl: false,
      name: DATASET_NAME,
    });
    const config = configFor(request, exported.statistics, foundGpus);
    for (const [name, text] of Object.entries(config.files)) writeFileSync(join(staging, name), text);
    const files = [`${DATASET_NAME}.json`, 'dataset_info.json', ...Object.keys(config.files)].map((name) => ({ local: join(staging, name), name }));
    const runs = request.runIds.join(', ');
    const { jobId, remoteId } = await submitTraining(deps, {
      // The host key, if just accepted, was recorded by the probe's session.
      profile: deps.profiles.get(request.profile.id),
      title: request.title ?? `${String(config.values.model_name_or_path)} on runs ${runs} (${request.mode})`,
      files,
      command: ['env', `FORCE_TORCHRUN=${config.env.FORCE_TORCHRUN}`, `CUDA_VISIBLE_DEVICES=${config.env.CUDA_VISIBLE_DEVICES}`, 'llamafactory-cli', 'train', TRAIN_FILE],
      trainerLog: `${OUTPUT_DIR}/trainer_log.jsonl`,
      ...(request.onUpload ? { onUpload: request.onUpload } : {}),
      ...(request.slurm ? { slurm: request.slurm } : {}),
    });
    return { jobId, remoteId, preview: { datasetName: DATASET_NAME, statistics: exported.statistics, config } };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
