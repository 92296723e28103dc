// The names of every channel between renderer and main, and nothing else.
// Kept free of imports so the sandboxed preload can bundle it without pulling in zod.
// A request channel `ns:verb` becomes `window.api.ns.verb(input)`; an event channel
// `ns:thing` becomes `window.api.ns.onThing(listener)`, which returns an unsubscribe function.

export const requestChannels = [
  'app:info',
  'files:choose',
  'settings:get',
  'settings:update',
  'endpoints:list',
  'endpoints:create',
  'endpoints:update',
  'endpoints:remove',
  'endpoints:test',
  'endpoints:detect',
  'jobs:list',
  'jobs:cancel',
  'cards:list',
  'cards:get',
  'cards:text',
  'cards:create',
  'cards:update',
  'cards:remove',
  'cards:bulk',
  'cards:tags',
  'cards:history',
  'cards:revert',
  'cards:import',
  'cards:export',
  'cards:split',
  'cards:duplicates',
  'cards:render',
  'cards:draft',
  'cards:chat',
  'cards:chatCancel',
  'cards:chatSave',
  'cards:chats',
  'prompts:get',
  'prompts:set',
  'simulation:defaults',
  'simulation:start',
  'simulation:pause',
  'simulation:resume',
  'simulation:retry',
  'simulation:cancel',
  'simulation:remove',
  'simulation:runs',
  'simulation:run',
  'simulation:dashboard',
  'dialogues:list',
  'dialogues:get',
  'dialogues:tag',
  'dialogues:star',
  'dialogues:remove',
  'dialogues:tags',
  'dialogues:export',
  'dialogues:import',
  'evaluation:measures',
  'evaluation:run',
  'evaluation:list',
  'evaluation:get',
  'evaluation:remove',
  'evaluation:report',
  'evaluation:saveChart',
  'arenaLive:overview',
  'arenaLive:start',
  'arenaLive:state',
  'arenaLive:pick',
  'arenaLive:pause',
  'arenaLive:resume',
  'arenaLive:end',
  'annotation:open',
  'annotation:saved',
  'annotation:resume',
  'annotation:record',
  'annotation:move',
  'annotation:export',
  'annotation:arenas',
  'annotation:package',
  'annotation:import',
  'annotation:agreement',
  'finetune:serve',
  'finetune:unserve',
] as const;

export const eventChannels = [
  'jobs:progress',
  'jobs:changed',
  'cards:chatTokens',
  'simulation:tokens',
  'simulation:turn',
  'simulation:session',
  // Committed changes to a domain's data, by this process or another (src-main/app/change-watcher.ts).
  'cards:changed',
  'dialogues:changed',
  'runs:changed',
  'endpoints:changed',
  // A live arena session saved a call or stopped (src-main/arena/live.ts).
  'arenaLive:changed',
] as const;

export type RequestChannel = (typeof requestChannels)[number];
export type EventChannel = (typeof eventChannels)[number];

/** `endpoints:list` → ['endpoints', 'list']; `jobs:progress` → ['jobs', 'onProgress']. */
export function apiPath(channel: RequestChannel | EventChannel): [string, string] {
  const [ns, verb] = channel.split(':') as [string, string];
  const isEvent = (eventChannels as readonly string[]).includes(channel);
  return [ns, isEvent ? `on${verb[0]!.toUpperCase()}${verb.slice(1)}` : verb];
}
