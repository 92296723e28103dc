import { JobCancelled, JobLost, JobPaused, type JobControl } from '../jobs/runner';
import { chat } from '../llm/chat';
import { CallSlots } from '../simulation/call-slots';
import type { SimulationDeps } from '../simulation/deps';
import { endpointClients, rateLimiters, RunStop } from '../simulation/execution';
import { terminationMatcher } from '../simulation/termination';
import { runArenaSession, type ArenaHooks } from './session';
import type { ArenaStore } from './store';
import { isHumanJudge } from './types';

// Executes an arena run as a durable job: sessions taken in order by a pool of workers,
// every model call through `chat()` in a call slot (the run's concurrency, fewest turns
// first), under the endpoints' rate limits, with the run's retry policy. Stopping is the
// simulation's (see simulation/executor.ts): pause lets calls in flight finish and save;
// cancel aborts them and ends the unfinished sessions; a configuration failure (bad key,
// unknown model) stops the run as failed, resumable once fixed; a lost lease writes nothing.

/** Sessions open per call slot: a battle turn makes two calls at once, and a session between calls holds none. */
const OPEN_PER_SLOT = 2;

export type ArenaExecutionDeps = Pick<SimulationDeps, 'endpoints' | 'secrets' | 'env'>;

/** What a live (human-judged) execution adds: the judge holding the human's pick, and a notice after each saved call. */
export type LiveHooks = Pick<ArenaHooks, 'judge' | 'onCall'>;

export async function executeArena(deps: ArenaExecutionDeps, store: ArenaStore, arenaId: number, control: JobControl, live: LiveHooks = {}): Promise<string> {
  const run = store.arena(arenaId);
  const snapshot = store.snapshot(arenaId);

  // Keys first: a missing one fails the run before any call, resumable once set.
  const clients = endpointClients(deps, [snapshot.client, ...(isHumanJudge(snapshot.judge) ? [] : [snapshot.judge]), ...snapshot.counselors], snapshot.timeoutMs);
  const limiters = rateLimiters(snapshot.rateLimits);
  const stop = new RunStop(control);
  const stopping = (): boolean => stop.stopping();

  store.releaseRunning(arenaId);
  store.guard(arenaId, () => control.assertOwned());
  const queue = store.unfinishedSessionIds(arenaId);
  const total = run.session_count;
  let ended = total - queue.length;
  let battles = 0;
  let failedJudgments = 0;
  const progress = () => control.progress(ended, total, `${ended} of ${total} sessions, ${battles} battles${failedJudgments ? `, ${failedJudgments} failed judgments` : ''} this time`);
  progress();

  const slots = new CallSlots(snapshot.concurrency);
  const hooks: ArenaHooks = {
    arenaId,
    snapshot,
    store,
    termination: terminationMatcher(snapshot.termination.phrases),
    stopping,
    call: (agent, messages, priority) =>
      chat({ openai: clients.get(agent.endpointId)!, params: agent }, messages, {
        stream: snapshot.stream,
        timeoutMs: snapshot.timeoutMs,
        retry: { maxRetries: snapshot.maxRetries, baseMs: snapshot.retryBaseMs, maxMs: snapshot.retryMaxMs },
        limiter: limiters.get(agent.endpointId) ?? null,
        slot: (signal) => slots.acquire(priority, signal),
        signal: stop.signal,
        mayStart: () => !stopping(),
        onFailure: (failure) => stop.noteFailure(failure),
      }),
    ...live,
    onBattle: (failed) => {
      battles++;
      if (failed) failedJudgments++;
      progress();
    },
  };

  let unexpected: unknown;
  try {
    unexpected = await stop.drain(queue, snapshot.concurrency * OPEN_PER_SLOT, async (sessionId) => {
      const outcome = await runArenaSession(hooks, sessionId);
      if (outcome.kind === 'fatal') stop.fatal ??= outcome.failure;
      if (outcome.kind === 'ended') {
        ended++;
        progress();
      }
    });
  } finally {
    stop.dispose();
    store.guard(arenaId, null);
  }

  if (stop.lost || unexpected instanceof JobLost) throw new JobLost();
  if (unexpected) throw unexpected;
  if (stop.cancelled) {
    store.cancelUnfinished(arenaId);
    throw new JobCancelled();
  }
  store.releaseRunning(arenaId);
  if (stop.fatal) {
    // The snapshot fixes each counselor's model: a wrong one means a new arena, a wrong key or URL only a resume.
    const what = stop.fatal.kind === 'model_not_found' ? 'Start a new arena with counselors whose models the endpoint serves.' : 'Fix the endpoint, then resume the arena.';
    throw new Error(`${stop.fatal.message} ${what}`);
  }
  if (control.isPauseRequested() || store.unfinishedSessionIds(arenaId).length > 0) throw new JobPaused();
  return `${total} sessions ended`;
}
