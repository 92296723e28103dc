import type { AppContext } from '../app/context';
import type { JobView } from '../contract/job';
import type { ModelFinish } from '../evaluation/model-jobs';

// What `simpsy eval semantic|topics|wai` share: the job run in the terminal (Ctrl-C pauses,
// a second cancels) and the message when it ends without a result.

const err = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * Runs a model measure's job here (and keeps its evaluation when done, unless `save` is
 * false), pausing on Ctrl-C and cancelling on a second; progress to a terminal's stderr.
 */
export async function runModelJob(ctx: AppContext, jobId: number, save: boolean, unit = 'questions'): Promise<ModelFinish> {
  const models = ctx.evaluation.models;
  let signals = 0;
  const onSignal = () => {
    signals++;
    if (signals === 1) {
      err('Pausing: letting the calls in flight finish and be stored (Ctrl-C again to cancel)…');
      models.pause(jobId);
    } else models.cancel(jobId);
  };
  let shownAt = 0;
  // Progress is for a person watching; a script reads the result.
  const onProgress = (e: { jobId: number; done: number; total: number }) => {
    if (!process.stderr.isTTY || e.jobId !== jobId || Date.now() - shownAt < 2000) return;
    shownAt = Date.now();
    err(`  ${e.done} of ${e.total} ${unit}`);
  };
  const unsubscribe = ctx.events.on('jobs:progress', onProgress);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await models.finish(jobId, { save });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    unsubscribe();
  }
}

/** A job that ended without a result: what happened and how to go on; exit 1 when it failed, 130 when stopped. */
export function jobEnded(job: JobView, reused: string): void {
  const again = job.status === 'cancelled' ? `run the command again to start anew (${reused})` : `resume with --job ${job.id} (${reused})`;
  err(`Evaluation job ${job.id} ${job.status}${job.error ? `: ${job.error}` : ''}; ${again}.`);
  process.exitCode = job.status === 'failed' ? 1 : 130;
}

