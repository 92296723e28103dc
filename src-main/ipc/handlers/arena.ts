import { COUNSELOR_PRESETS, findPreset } from '../../arena/counselors';
import { storedSource } from '../../arena/sources';
import { arenaBattles } from '../../arena/store';
import { battleDetail, battlePage, sessionViews } from '../../arena/views';
import type { ArenaDetail, CounselorView } from '../../contract/arena';
import type { ArenaSnapshot } from '../../arena/types';
import { rateBattles } from '../../ratings/rate';
import { DEFAULT_BOOTSTRAP } from '../../ratings/ratings';
import type { AppContext } from '../../app/context';
import type { HandlerPart } from '../handler-table';

type ArenaChannel =
  | 'counselors:list'
  | 'counselors:add'
  | 'counselors:remove'
  | 'arena:list'
  | 'arena:show'
  | 'arena:plan'
  | 'arena:start'
  | 'arena:pause'
  | 'arena:resume'
  | 'arena:cancel'
  | 'arena:battles'
  | 'arena:battle'
  | 'ratings:compute';

/** Chatbot Arena's notebook seeds numpy with 42; so does `simpsy ratings`, so the window and the CLI agree. */
const RATINGS_SEED = 42;

function counselorViews(ctx: AppContext): CounselorView[] {
  const endpoints = new Map(ctx.endpoints.list().map((e) => [e.id, e]));
  return ctx.arena.counselors.list().map(({ prompt: _text, ...c }) => ({
    ...c,
    endpointName: endpoints.get(c.endpointId)?.name ?? '',
    model: c.model ?? endpoints.get(c.endpointId)?.model ?? '',
  }));
}

function detail(ctx: AppContext, id: number): ArenaDetail {
  const summary = ctx.arena.summary(id);
  const snapshot = JSON.parse(ctx.arena.store.arena(id).config) as ArenaSnapshot;
  return { ...summary, pairing: snapshot.pairing, seed: snapshot.seed, maxTurns: snapshot.maxTurns, opener: snapshot.opener, sessionList: sessionViews(ctx.arena.store, id) };
}

export const arenaHandlers: HandlerPart<ArenaChannel> = {
  'counselors:list': (_input, ctx) => ({ counselors: counselorViews(ctx), presets: COUNSELOR_PRESETS.map((p) => ({ ...p })) }),
  'counselors:add': (input, ctx) => {
    // A preset fills the sampling settings the person left empty (paper Table 3).
    const preset = input.preset === undefined ? null : findPreset(input.preset);
    const added = ctx.arena.counselors.create({
      ...input,
      endpointId: ctx.endpoints.get(input.endpointId).id,
      temperature: input.temperature ?? preset?.temperature ?? null,
      topP: input.topP ?? preset?.topP ?? null,
      preset: preset?.name ?? null,
    });
    return counselorViews(ctx).find((c) => c.id === added.id)!;
  },
  'counselors:remove': ({ name }, ctx) => {
    ctx.arena.counselors.remove(name);
    return { removed: true as const };
  },
  // Newest first, as a list of runs is read.
  'arena:list': (_input, ctx) => ctx.arena.list().reverse(),
  'arena:show': ({ id }, ctx) => detail(ctx, id),
  'arena:plan': (input, ctx) => ctx.arena.plan(input),
  'arena:start': (input, ctx) => ctx.arena.start(input),
  'arena:pause': ({ id }, ctx) => ctx.arena.pause(id),
  'arena:resume': ({ id }, ctx) => ctx.arena.resume(id),
  'arena:cancel': ({ id }, ctx) => ctx.arena.cancel(id),
  'arena:battles': ({ id, source, offset, limit }, ctx) => battlePage(ctx.arena.store, id, source, offset, limit),
  'arena:battle': ({ id }, ctx) => battleDetail(ctx.db, ctx.arena.store, id),
  // Computed on the worker pool, so the window never waits on the main thread.
  'ratings:compute': async ({ arenaId, source = 'all', bootstrap = DEFAULT_BOOTSTRAP, seed = RATINGS_SEED }, ctx) => {
    ctx.arena.store.arena(arenaId);
    const ratings = await rateBattles(ctx.workers, arenaBattles(ctx.db, arenaId, storedSource(source)), { bootstrap, seed });
    return { arenaId, source, ...ratings };
  },
};
