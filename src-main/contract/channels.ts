// The names of every channel between renderer and main, and nothing else.
// Kept free of imports so the sandboxed preload can bundle it without pulling in zod.
// A request channel `ns:verb` becomes `window.api.ns.verb(input)`; an event channel
// `ns:thing` becomes `window.api.ns.onThing(listener)`, which returns an unsubscribe function.

export const requestChannels = [
  'app:info',
  'settings:get',
  'settings:update',
  'endpoints:list',
  'endpoints:create',
  'endpoints:update',
  'endpoints:remove',
  'endpoints:test',
  'jobs:list',
  'jobs:cancel',
] as const;

export const eventChannels = ['jobs:progress', 'jobs:changed'] as const;

export type RequestChannel = (typeof requestChannels)[number];
export type EventChannel = (typeof eventChannels)[number];

/** `endpoints:list` → ['endpoints', 'list']; `jobs:progress` → ['jobs', 'onProgress']. */
export function apiPath(channel: RequestChannel | EventChannel): [string, string] {
  const [ns, verb] = channel.split(':') as [string, string];
  const isEvent = (eventChannels as readonly string[]).includes(channel);
  return [ns, isEvent ? `on${verb[0]!.toUpperCase()}${verb.slice(1)}` : verb];
}
