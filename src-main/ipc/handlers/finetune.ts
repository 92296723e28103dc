import type { AppContext } from '../../app/context';
import type { FineTuneJobView, FineTunePreview } from '../../contract/finetune';
import type { JobView } from '../../contract/job';
import { DEFAULT_CUTOFF_LEN, DEFAULT_GPUS, paperDefaults } from '../../finetune/config/defaults';
import { baseModelPresets, knownTemplates } from '../../finetune/config/presets';
import { previewRunsJob, submitRunsJob, type RunsJobInput, type RunsJobPreview } from '../../finetune/submit-runs';
import { RemoteJobStore } from '../../ssh/remote-jobs';
import { cancelTraining, fetchResults, FINETUNE_JOB, reattachTrainings, trainingLogTail, watchTraining, type TrainingDeps } from '../../ssh/training-job';
import { DomainError } from '../../common/errors';
import type { HandlerPart } from '../handler-table';
import { servedView } from './finetune-serve';

// Training jobs from the Fine-tuning section: the same preview and submission as
// `simpsy finetune submit --runs` (finetune/submit-runs.ts), then watched by this process
// until they end. A job the app does not watch (submitted by the CLI, or paused) is
// followed again with finetune:watch, and every such job re-attaches when the app starts.

/** How often the app reads a training's log: an SFTP read on an open session, cheap. */
const POLL_MS = 2000;

export const trainingDeps = (ctx: AppContext): TrainingDeps => ({ profiles: ctx.sshProfiles, secrets: ctx.secrets, env: ctx.env, jobs: ctx.jobs, remoteJobs: new RemoteJobStore(ctx.db) });

/** Watches a training job in this process unless something here already does; its end is the job's status. */
export function watchInApp(ctx: AppContext, jobId: number): void {
  if (ctx.runner.isRunning(jobId)) return;
  // The outcome is recorded on the job (done, failed with the log's last lines, cancelled).
  ctx.runner.run(jobId, watchTraining(trainingDeps(ctx), jobId, { pollMs: POLL_MS })).catch(() => {});
}

/**
 * At the app's start: every training job submitted or detached before (queued or paused,
 * with a remote id) is watched again, so it catches up with what ran meanwhile.
 */
export function reattachTrainingJobs(ctx: AppContext): Promise<unknown>[] {
  return reattachTrainings(trainingDeps(ctx), ctx.runner, { pollMs: POLL_MS });
}

const jobInput = (input: { runIds: number[]; base: string; template?: string | undefined; gpus?: number | undefined; mode: 'prefix' | 'session'; settings: string[] }): RunsJobInput => ({
  runIds: input.runIds,
  base: input.base,
  mode: input.mode,
  settings: input.settings,
  ...(input.template ? { template: input.template } : {}),
  ...(input.gpus !== undefined ? { gpus: input.gpus } : {}),
});

const previewView = (p: RunsJobPreview): FineTunePreview => ({
  datasetName: p.datasetName,
  statistics: p.statistics,
  files: { ...p.config.files },
  values: p.config.values,
  env: { ...p.config.env },
  gpus: p.config.gpus,
  effectiveBatch: p.config.effectiveBatch,
  steps: p.config.steps,
  warnings: p.config.warnings,
});

function viewOf(ctx: AppContext, job: JobView, remoteJobs: RemoteJobStore, names: ReadonlyMap<number, string>): FineTuneJobView {
  const record = remoteJobs.get(job.id);
  const served = ctx.servedModels.find(job.id);
  return {
    job,
    connection: record.profileId === null ? null : (names.get(record.profileId) ?? null),
    remoteDir: record.remoteDir,
    latest: remoteJobs.latest(job.id),
    exitCode: record.exitCode,
    served: served ? servedView(ctx, served) : null,
  };
}

const connectionNames = (ctx: AppContext) => new Map(ctx.sshProfiles.list().map((p) => [p.id, p.name]));

/** A fine-tuning job's view; any other job id is refused. */
function fineTuneJob(ctx: AppContext, jobId: number): FineTuneJobView {
  const job = ctx.jobs.get(jobId);
  if (job.kind !== FINETUNE_JOB) throw new DomainError('validation', `Job ${jobId} is not a fine-tuning job.`);
  return viewOf(ctx, job, new RemoteJobStore(ctx.db), connectionNames(ctx));
}

export const fineTuneHandlers: HandlerPart<
  'finetune:options' | 'finetune:preview' | 'finetune:submit' | 'finetune:jobs' | 'finetune:job' | 'finetune:points' | 'finetune:log' | 'finetune:watch' | 'finetune:cancel' | 'finetune:fetch'
> = {
  'finetune:options': () => ({
    presets: baseModelPresets.map((p) => ({ ...p })),
    templates: [...knownTemplates],
    defaults: { ...paperDefaults },
    gpus: DEFAULT_GPUS,
    cutoffLen: DEFAULT_CUTOFF_LEN,
  }),
  'finetune:preview': (input, ctx) => previewView(previewRunsJob(ctx.db, ctx.resourcesDir, jobInput(input))),
  'finetune:submit': async ({ profileId, job, title, submission }, ctx) => {
    const { jobId, remoteId } = await submitRunsJob(
      { ...trainingDeps(ctx), db: ctx.db, resourcesDir: ctx.resourcesDir },
      {
        ...jobInput(job),
        profile: ctx.sshProfiles.get(profileId),
        ...(title ? { title } : {}),
        onUpload: (sent, total, file) => ctx.events.emit('finetune:upload', { submission, sent, total, file }),
      },
    );
    watchInApp(ctx, jobId);
    return { jobId, remoteId };
  },
  'finetune:jobs': (_input, ctx) => {
    const remoteJobs = new RemoteJobStore(ctx.db);
    const names = connectionNames(ctx);
    return ctx.jobs
      .list({ kind: FINETUNE_JOB })
      .filter((job) => job.remoteId !== null)
      .map((job) => viewOf(ctx, job, remoteJobs, names));
  },
  'finetune:job': ({ id }, ctx) => fineTuneJob(ctx, id),
  'finetune:points': ({ id }, ctx) => (fineTuneJob(ctx, id), new RemoteJobStore(ctx.db).points(id)),
  'finetune:log': async ({ id }, ctx) => (fineTuneJob(ctx, id), { text: await trainingLogTail(trainingDeps(ctx), id) }),
  'finetune:watch': ({ id }, ctx) => {
    const { job } = fineTuneJob(ctx, id);
    if (job.status === 'queued' || job.status === 'paused') watchInApp(ctx, id);
    return fineTuneJob(ctx, id);
  },
  'finetune:cancel': async ({ id }, ctx) => {
    fineTuneJob(ctx, id);
    await cancelTraining(trainingDeps(ctx), id);
    return fineTuneJob(ctx, id);
  },
  'finetune:fetch': async ({ id }, ctx) => {
    const { remoteDir } = fineTuneJob(ctx, id);
    const { path } = await ctx.chooseFile({ mode: 'open-folder', title: 'Fetch the results into…' });
    if (path === null) return { dir: null, remoteOutput: remoteDir, fetched: [] };
    return { dir: path, ...(await fetchResults(trainingDeps(ctx), id, path)) };
  },
};
