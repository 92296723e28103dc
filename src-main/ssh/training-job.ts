import { DomainError } from '../common/errors';
import { join } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { JobCancelled, type JobControl, type JobRunner, type JobWork } from '../jobs/runner';
import { hasEnded } from '../jobs/status';
import type { JobStore } from '../jobs/store';
import type { SshSession } from './connect';
import type { SshProfileRecord } from './profiles';
import { lastLines, remoteId } from './remote-command';
import type { RemoteJobStore } from './remote-jobs';
import { launchDetached, prepareJobFolder, readFrom, tailOf } from './remote-job';
import { withSession, type SshDeps } from './session';
import { cancelJob, jobState, submitSlurm, type SlurmOptions } from './slurm';
import { parseTrainerLog, type TrainerPoint } from './trainer-log';
import { uploadFiles, type UploadFile, type UploadProgress } from './upload';

// A training job on a GPU server as a durable job (kind 'finetune'): submitted (files
// uploaded, command launched detached), then watched by a local job that polls its
// trainer_log.jsonl by byte offset. The remote process does not depend on the watcher:
// pausing the watcher (or closing the app) only detaches; running it again re-attaches and
// catches up from the stored offset. Cancelling stops the remote process group.

export const FINETUNE_JOB = 'finetune';

export interface TrainingDeps extends SshDeps {
  jobs: JobStore;
  remoteJobs: RemoteJobStore;
}

export interface SubmitRequest {
  profile: SshProfileRecord;
  title: string;
  /** Files for the job folder (dataset, dataset_info.json, the YAML, the DeepSpeed JSON). */
  files: readonly UploadFile[];
  /** The command, as argv, run in the job folder: e.g. ['llamafactory-cli', 'train', 'train.yaml']. */
  command: readonly string[];
  /** Where the YAML's output_dir puts trainer_log.jsonl, relative to the job folder. */
  trainerLog: string;
  acceptHostKey?: string;
  onUpload?: UploadProgress;
  /** Submit to Slurm (sbatch) instead of launching detached; the remote id is then the Slurm job id. */
  slurm?: SlurmOptions;
}

/** Uploads and launches; answers the job id and the remote process-group id. A failed upload leaves the job failed, with the reason. */
export async function submitTraining(deps: TrainingDeps, request: SubmitRequest): Promise<{ jobId: number; remoteId: number }> {
  if (request.trainerLog.startsWith('/') || request.trainerLog.split('/').includes('..')) {
    throw new DomainError('validation', `The trainer log path '${request.trainerLog}' must stay inside the job folder.`);
  }
  const job = deps.jobs.create(FINETUNE_JOB, request.title, { profileId: request.profile.id });
  const folder = `job-${job.id}-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
  try {
    const pgid = await withSession(deps, request.profile, request.acceptHostKey ? { acceptHostKey: request.acceptHostKey } : {}, async (session) => {
      const dir = await prepareJobFolder(session, folder);
      deps.remoteJobs.create({ jobId: job.id, profileId: request.profile.id, remoteDir: dir, trainerLog: request.trainerLog, scheduler: request.slurm ? 'slurm' : 'setsid' });
      await uploadFiles(session, dir, request.files, request.onUpload);
      return request.slurm ? submitSlurm(session, dir, request.slurm, `simpsy-job-${job.id}`, request.command) : launchDetached(session, dir, request.command);
    });
    deps.jobs.setRemoteId(job.id, String(pgid));
    return { jobId: job.id, remoteId: pgid };
  } catch (error) {
    deps.jobs.transition(job.id, 'cancelled', { message: 'Not started', error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

const describe = (p: TrainerPoint) =>
  [`step ${p.step}/${p.totalSteps}`, p.epoch !== null && `epoch ${p.epoch}`, p.loss !== null && `loss ${p.loss}`, p.etaSeconds !== null && `ETA ${p.etaSeconds} s`]
    .filter(Boolean)
    .join(', ');

/** Waits `ms`, or less if the job is cancelled meanwhile. */
const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * The watcher: run it with `runner.run(jobId, watchTraining(...))`. Ends done when training
 * exits 0, failed (with the log's last lines) when it exits otherwise or vanishes, cancelled
 * after stopping the remote process group, paused (detached, training goes on) on pause.
 */
export function watchTraining(deps: TrainingDeps, jobId: number, options: { pollMs?: number } = {}): JobWork {
  const pollMs = options.pollMs ?? 5000;
  return async (control: JobControl) => {
    const record = deps.remoteJobs.get(jobId);
    if (record.profileId === null) throw new DomainError('not_found', `The connection job ${jobId} ran on was removed; it cannot be watched.`);
    const profile = deps.profiles.get(record.profileId);
    const pgid = remoteId(deps.jobs.get(jobId).remoteId);
    return withSession(deps, profile, {}, async (session) => {
      const sftp = await session.sftp();
      for (;;) {
        try {
          control.checkpoint();
        } catch (stop) {
          if (stop instanceof JobCancelled) await cancelJob(session, record, pgid);
          // JobPaused: detach; the training goes on and is caught up when watched again.
          throw stop;
        }
        const state = await jobState(session, record, pgid);
        await catchUp(deps, sftp, jobId, (last) => control.progress(last.step, last.totalSteps, describe(last)));
        if (state.kind === 'running') {
          await pause(pollMs, control.signal);
          continue;
        }
        return finish(deps, session, jobId, record.remoteDir, state);
      }
    });
  };
}

/** Reads what trainer_log.jsonl gained since the stored offset and stores it; `onStep` gets the newest step of each read. */
async function catchUp(deps: TrainingDeps, sftp: SFTPWrapper, jobId: number, onStep: (last: TrainerPoint) => void = () => {}): Promise<void> {
  const record = deps.remoteJobs.get(jobId);
  const logPath = `${record.remoteDir}/${record.trainerLog}`;
  for (;;) {
    const offset = deps.remoteJobs.get(jobId).logOffset;
    const chunk = parseTrainerLog(await readFrom(sftp, logPath, offset), offset);
    if (chunk.nextOffset === offset) return;
    deps.remoteJobs.append(jobId, chunk.points, chunk.nextOffset);
    const last = chunk.points.at(-1);
    if (last) onStep(last);
  }
}

/**
 * Brings a job nobody watches (queued after submit, or paused = detached) up to date in one
 * poll: its new steps are stored, and if the training ended meanwhile the watcher runs once
 * to settle the job (done, or failed with the log's last lines). A running or ended job is
 * left as it is: its watcher keeps it current, or nothing more will change.
 */
export async function refreshTraining(deps: TrainingDeps, runner: JobRunner, jobId: number): Promise<void> {
  const job = deps.jobs.get(jobId);
  if (job.status !== 'queued' && job.status !== 'paused') return;
  const record = deps.remoteJobs.get(jobId);
  if (record.profileId === null || job.remoteId === null) return;
  const ended = await withSession(deps, deps.profiles.get(record.profileId), {}, async (session) => {
    await catchUp(deps, await session.sftp(), jobId);
    return (await jobState(session, record, remoteId(job.remoteId))).kind !== 'running';
  });
  if (ended) await runner.run(jobId, watchTraining(deps, jobId));
}

/** What `finetune status` shows: the job's status (running while the training runs, watched or not) and its latest step. */
export function trainingStatus(deps: TrainingDeps, jobId: number) {
  const job = deps.jobs.get(jobId);
  const last = deps.remoteJobs.latest(jobId);
  return {
    jobId,
    remoteId: job.remoteId,
    status: hasEnded(job.status) ? job.status : 'running',
    step: last?.step ?? 0,
    totalSteps: last?.totalSteps ?? null,
    loss: last?.loss ?? null,
    epoch: last?.epoch ?? null,
    lr: last?.lr ?? null,
    etaSeconds: last?.etaSeconds ?? null,
    message: job.message,
    error: job.error,
  };
}

/** The last lines the training printed (output.log in its job folder). */
export async function trainingLogTail(deps: TrainingDeps, jobId: number, bytes = 16_384): Promise<string> {
  const record = deps.remoteJobs.get(jobId);
  if (record.profileId === null) throw new DomainError('not_found', `The connection job ${jobId} ran on was removed.`);
  return withSession(deps, deps.profiles.get(record.profileId), {}, async (session) => tailOf(await session.sftp(), `${record.remoteDir}/output.log`, bytes));
}

async function finish(deps: TrainingDeps, session: SshSession, jobId: number, dir: string, state: Awaited<ReturnType<typeof jobState>>): Promise<string> {
  const last = deps.remoteJobs.latest(jobId);
  if (state.kind === 'exited') {
    deps.remoteJobs.setExitCode(jobId, state.code);
    if (state.code === 0) {
      const log = deps.remoteJobs.get(jobId).trainerLog;
      return `Finished on ${session.profile.host}${last ? `: ${describe(last)}` : `, but no step was logged in ${dir}/${log} (is output_dir right?)`}`;
    }
  }
  if (state.kind === 'cancelled') throw new JobCancelled();
  const tail = lastLines(await tailOf(await session.sftp(), `${dir}/output.log`), 8);
  const why =
    state.kind === 'exited'
      ? `Training failed on ${session.profile.host} (exit ${state.code})`
      : state.kind === 'missing'
        ? `The job folder ${dir} is gone from ${session.profile.host}`
        : `The training's processes on ${session.profile.host} are gone without an exit status (killed, or the server restarted)`;
  throw new DomainError('unavailable', `${why}${last ? ` after ${describe(last)}` : ''}${tail ? `. Last lines: ${tail}` : ''}`);
}

/** Cancels a job nobody is watching (paused/detached, or from another process's point of view). */
export async function cancelTraining(deps: TrainingDeps, jobId: number): Promise<void> {
  const job = deps.jobs.get(jobId);
  if (job.status === 'running') {
    deps.jobs.requestCancel(jobId); // its watcher stops the remote group at its next poll
    return;
  }
  const record = deps.remoteJobs.get(jobId);
  if (job.remoteId !== null && record.profileId !== null && (job.status === 'paused' || job.status === 'queued')) {
    await withSession(deps, deps.profiles.get(record.profileId), {}, (session) => cancelJob(session, record, remoteId(job.remoteId)));
  }
  deps.jobs.requestCancel(jobId);
}

/** The result files LLaMA-Factory leaves in output_dir that are worth having locally. */
export const RESULT_FILES = ['all_results.json', 'train_results.json', 'trainer_log.jsonl', 'training_loss.png', 'training_eval_loss.png'] as const;

/**
 * Downloads a job's result files (those that exist) from its output folder into `localDir`;
 * answers the names fetched. The model weights stay on the server (they are tens of GB).
 */
export async function fetchResults(deps: TrainingDeps, jobId: number, localDir: string): Promise<{ remoteOutput: string; fetched: string[] }> {
  const record = deps.remoteJobs.get(jobId);
  if (record.profileId === null) throw new DomainError('not_found', `The connection job ${jobId} ran on was removed.`);
  const remoteOutput = `${record.remoteDir}/${record.trainerLog.split('/').slice(0, -1).join('/') || '.'}`;
  const fetched = await withSession(deps, deps.profiles.get(record.profileId), {}, async (session) => {
    const sftp = await session.sftp();
    const got: string[] = [];
    for (const name of RESULT_FILES) {
      const ok = await new Promise<boolean>((resolve, reject) =>
        sftp.fastGet(`${remoteOutput}/${name}`, join(localDir, name), (error) =>
          !error ? resolve(true) : (error as { code?: number }).code === 2 ? resolve(false) : reject(error),
        ),
      );
      if (ok) got.push(name);
    }
    return got;
  });
  return { remoteOutput, fetched };
}

/**
 * After a start (the app's): watches again every fine-tuning job that was being watched or
 * waiting to be (queued or paused, with a remote id), so each catches up with what its
 * training did meanwhile and follows it on. Answers the promises of those runs.
 */
export function reattachTrainings(deps: TrainingDeps, runner: JobRunner, options: { pollMs?: number } = {}): Promise<unknown>[] {
  return deps.jobs
    .list({ kind: FINETUNE_JOB })
    .filter((job) => (job.status === 'queued' || job.status === 'paused') && job.remoteId !== null && !runner.isRunning(job.id))
    .map((job) => runner.run(job.id, watchTraining(deps, job.id, options)).catch((error: unknown) => error));
}
