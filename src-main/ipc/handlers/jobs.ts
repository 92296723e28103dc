import type { HandlerPart } from '../handler-table';
import { RUN_JOB_KIND } from '../../simulation/service';

export const jobHandlers: HandlerPart<'jobs:list' | 'jobs:cancel'> = {
  'jobs:list': (filter, ctx) => ctx.jobs.list(filter),
  'jobs:cancel': ({ id }, ctx) => {
    // A simulation run owns more than its job row (its unfinished sessions), so cancelling
    // it from the generic jobs list goes through the simulation, which ends them too.
    if (ctx.jobs.get(id).kind === RUN_JOB_KIND) {
      ctx.simulation.cancel(ctx.jobs.params<{ runId: number }>(id).runId);
      return ctx.jobs.get(id);
    }
    return ctx.runner.cancel(id);
  },
};
