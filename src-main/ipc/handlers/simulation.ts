import type { HandlerPart } from '../handler-table';

type SimulationChannel =
  | 'simulation:defaults'
  | 'simulation:start'
  | 'simulation:pause'
  | 'simulation:resume'
  | 'simulation:retry'
  | 'simulation:cancel'
  | 'simulation:remove'
  | 'simulation:runs'
  | 'simulation:run'
  | 'simulation:dashboard'
  | 'dialogues:list'
  | 'dialogues:get'
  | 'dialogues:tag'
  | 'dialogues:star'
  | 'dialogues:remove'
  | 'dialogues:tags'
  | 'dialogues:export'
  | 'dialogues:import';

export const simulationHandlers: HandlerPart<SimulationChannel> = {
  'simulation:defaults': ({ language }, ctx) => ctx.simulation.defaults(language),
  'simulation:start': (input, ctx) => ctx.simulation.start(input),
  'simulation:pause': ({ id }, ctx) => ctx.simulation.pause(id),
  'simulation:resume': ({ id }, ctx) => ctx.simulation.resume(id),
  'simulation:retry': ({ id }, ctx) => ctx.simulation.retry(id),
  'simulation:cancel': ({ id }, ctx) => ctx.simulation.cancel(id),
  'simulation:remove': ({ id }, ctx) => {
    ctx.simulation.remove(id);
    return { removed: true as const };
  },
  // Newest first, as a list of runs is read.
  'simulation:runs': (_input, ctx) => ctx.simulation.runs().reverse(),
  'simulation:run': ({ id }, ctx) => ctx.simulation.detail(id),
  'simulation:dashboard': ({ id }, ctx) => ctx.simulation.dashboard(id),
  'dialogues:list': (input, ctx) => {
    // Picks up an index catch-up an earlier process left unfinished.
    ctx.simulation.dialogues.search.schedule();
    return ctx.simulation.dialogues.list(input);
  },
  'dialogues:get': ({ id }, ctx) => ctx.simulation.dialogues.get(id),
  'dialogues:tag': ({ ids, add, remove }, ctx) => ({ affected: ctx.simulation.dialogues.tag(ids, add, remove) }),
  'dialogues:star': ({ ids, starred }, ctx) => ({ affected: ctx.simulation.dialogues.star(ids, starred) }),
  'dialogues:remove': ({ ids }, ctx) => ({ affected: ctx.simulation.dialogues.remove(ids) }),
  'dialogues:tags': (_input, ctx) => ctx.simulation.dialogues.tags(),
  'dialogues:export': (input, ctx) => ctx.simulation.exportDialogues(input),
  'dialogues:import': (input, ctx) => ctx.simulation.importDialogues(input),
};
