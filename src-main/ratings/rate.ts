import type { RunOptions, WorkerPool } from '../workers/pool';
import type { AppTasks } from '../workers/tasks';
import { codeBattles, type RatedBattle } from './battle';
import type { Ratings, RatingsOptions } from './ratings';

/** Below this many battle updates (battles × rounds) the ratings take ~10 ms: computed in this thread. */
const INLINE_UPDATES = 200_000;

/**
 * The ratings of `battles` (in chronological order), computed in a worker thread: the battles
 * go there as integer-coded typed arrays, moved rather than copied. `run` carries the cancel
 * signal and the progress callback (bootstrap rounds), as a job's `forJob(control)` gives them.
 */
export function rateBattles(
  workers: WorkerPool<AppTasks>,
  battles: readonly RatedBattle[],
  options: RatingsOptions,
  run: Pick<RunOptions, 'signal' | 'onProgress'> = {},
): Promise<Ratings> {
  const coded = codeBattles(battles);
  return workers.run('ratings.compute', { battles: coded, ...options }, {
    ...run,
    transfer: [coded.a.buffer, coded.b.buffer, coded.outcome.buffer],
    inline: battles.length * Math.max(1, options.bootstrap) < INLINE_UPDATES,
  });
}
