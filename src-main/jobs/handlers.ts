import type { HandlerPart } from '../ipc/handler-table';

export const jobHandlers: HandlerPart<'jobs:list' | 'jobs:cancel'> = {
  'jobs:list': (filter, ctx) => ctx.jobs.list(filter),
  'jobs:cancel': ({ id }, ctx) => ctx.runner.cancel(id),
};
