import type { HandlerPart } from '../handler-table';

type ArenaLiveChannel = 'arenaLive:overview' | 'arenaLive:start' | 'arenaLive:state' | 'arenaLive:pick' | 'arenaLive:pause' | 'arenaLive:resume' | 'arenaLive:end';

export const arenaLiveHandlers: HandlerPart<ArenaLiveChannel> = {
  'arenaLive:overview': (_input, ctx) => ctx.arenaLive.overview(),
  'arenaLive:start': (input, ctx) => ctx.arenaLive.start(input),
  'arenaLive:state': ({ arenaId }, ctx) => ctx.arenaLive.state(arenaId),
  'arenaLive:pick': (input, ctx) => ctx.arenaLive.pick(input),
  'arenaLive:pause': ({ arenaId }, ctx) => ctx.arenaLive.pause(arenaId),
  'arenaLive:resume': ({ arenaId }, ctx) => ctx.arenaLive.resume(arenaId),
  'arenaLive:end': ({ arenaId }, ctx) => ctx.arenaLive.end(arenaId),
};
