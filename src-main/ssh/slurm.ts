import { DomainError } from '../common/errors';
import type { SshSession } from './connect';
import { lastLines, remoteId, runChecked, runScript, scriptText } from './remote-command';
import { cancelDetached, remoteState, writeRemote, type RemoteState } from './remote-job';
import type { RemoteJobRecord } from './remote-jobs';
import CANCEL from './scripts/slurm-cancel.sh?raw';
import STATUS from './scripts/slurm-status.sh?raw';
import SUBMIT from './scripts/slurm-submit.sh?raw';

// Training on a Slurm cluster (issue 11, "Submit and watch": `--slurm`): the job folder gets
// a generated batch script (uploaded as a file, job.sbatch) that runs the same command a
// detached launch would, and records `exit_code` the same way; `sbatch --parsable` submits
// it, and the Slurm job id, checked as an integer, is the job's remote id. squeue / sacct say
// where it is, scancel stops it; trainer_log.jsonl is followed exactly as for a detached job.
//
// Safety as in remote-command.ts: the #SBATCH values are checked against Slurm's own syntax
// before anything is sent, and the command's arguments reach the batch script as base64
// literals decoded into "$@" (scriptText), never as shell text.

export interface SlurmOptions {
  /** The partition (queue); null: the cluster's default. */
  partition: string | null;
  /** GPUs asked for (--gres=gpu:N). */
  gpus: number;
  /** The time limit as Slurm writes it (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS); null: the partition's default. */
  time: string | null;
}

const PARTITION = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const TIME = /^(\d{1,6}|\d{1,6}:\d{2}|\d{1,4}:\d{2}:\d{2}|\d{1,4}-\d{1,2}|\d{1,4}-\d{1,2}:\d{2}|\d{1,4}-\d{1,2}:\d{2}:\d{2})$/;

/** The options as the user gave them, checked; every problem named with its flag. */
export function slurmOptions(raw: { partition?: string | undefined; gpus?: string | number | undefined; time?: string | undefined }): SlurmOptions {
  const problems: string[] = [];
  const partition = raw.partition?.trim() || null;
  if (partition !== null && !PARTITION.test(partition)) problems.push(`--partition: '${partition.slice(0, 40)}' is not a Slurm partition name (letters, digits, '.', '_', '-')`);
  const gpus = raw.gpus === undefined ? 4 : Number(raw.gpus);
  if (!(Number.isInteger(gpus) && gpus >= 0 && gpus <= 64)) problems.push(`--gpus: '${String(raw.gpus).slice(0, 40)}' is not a number of GPUs from 0 to 64`);
  const time = raw.time?.trim() || null;
  if (time !== null && !TIME.test(time)) problems.push(`--time: '${time.slice(0, 40)}' is not a Slurm time limit (e.g. 90, 12:00:00 or 2-00:00:00)`);
  if (problems.length > 0) throw new DomainError('validation', `${problems.join('; ')}.`);
  return { partition, gpus, time };
}

// Runs in the job folder (sbatch's working folder): the set-up line, then the command, then
// its status recorded atomically, as launch.sh does for a detached job.
const BODY = `setup=$1
shift
eval "$setup" || { code=$?; echo "The set-up line failed (exit $code)." >&2; echo "$code" > exit_code.tmp; mv exit_code.tmp exit_code; exit "$code"; }
"$@"
code=$?
echo "$code" > exit_code.tmp && mv exit_code.tmp exit_code
exit "$code"`;

/** The batch script: #SBATCH lines from checked values only, then the command as base64 arguments. */
export function batchScript(options: SlurmOptions, jobName: string, setup: string, command: readonly string[]): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(jobName)) throw new DomainError('validation', `'${jobName}' cannot name a Slurm job.`);
  const directives = [
    `--job-name=${jobName}`,
    ...(options.partition ? [`--partition=${options.partition}`] : []),
    ...(options.gpus > 0 ? [`--gres=gpu:${options.gpus}`] : []),
    ...(options.time ? [`--time=${options.time}`] : []),
    '--nodes=1',
    '--output=output.log',
    '--open-mode=append',
  ];
  return ['#!/bin/bash', ...directives.map((d) => `#SBATCH ${d}`), scriptText(BODY, [setup, ...command])].join('\n');
}

/** Uploads the batch script into `dir` and submits it; answers the Slurm job id. */
export async function submitSlurm(session: SshSession, dir: string, options: SlurmOptions, jobName: string, command: readonly string[]): Promise<number> {
  if (command.length === 0) throw new DomainError('validation', 'Nothing to submit: the command is empty.');
  const script = batchScript(options, jobName, session.profile.setup, command);
  await writeRemote(await session.sftp(), `${dir}/job.sbatch`, script);
  const out = await runChecked(session, 'Submitting to Slurm (sbatch)', SUBMIT, [session.profile.setup, dir], { timeoutMs: 120_000 });
  return remoteId(out.trim().split('\n').at(-1));
}

/** Where a job is, whichever way it was started. */
export async function jobState(session: SshSession, record: RemoteJobRecord, id: number): Promise<RemoteState> {
  if (record.scheduler !== 'slurm') return remoteState(session, record.remoteDir, id);
  const out = (await runChecked(session, 'Checking the Slurm job', STATUS, [session.profile.setup, record.remoteDir, String(remoteId(id))], { timeoutMs: 60_000 })).trim();
  const [kind, code] = out.split('\n').at(-1)!.split('\t');
  if (kind === 'exited' && code !== undefined && /^\d+$/.test(code)) return { kind: 'exited', code: Number(code) };
  if (kind === 'running' || kind === 'cancelled' || kind === 'vanished' || kind === 'missing') return { kind };
  throw new DomainError('unavailable', `The server answered '${out.slice(0, 80)}' about Slurm job ${id}; expected its state.`);
}

/** Stops a job, whichever way it was started: its process group, or scancel. */
export async function cancelJob(session: SshSession, record: RemoteJobRecord, id: number): Promise<'stopped' | 'killed' | 'ended'> {
  if (record.scheduler !== 'slurm') return cancelDetached(session, record.remoteDir, id);
  const result = await runScript(session, CANCEL, [session.profile.setup, record.remoteDir, String(remoteId(id))], { timeoutMs: 60_000 });
  const said = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.code !== 0 || (said !== 'stopped' && said !== 'ended')) {
    throw new DomainError('unavailable', `Cancelling Slurm job ${id} on ${session.profile.host} failed: ${lastLines(result.stderr || said, 3) || `exit ${result.code}`}.`);
  }
  return said;
}
