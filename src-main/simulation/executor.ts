import type { AgentRole, RunSnapshot } from '../contract/simulation';
import { JobCancelled, JobLost, JobPaused, type JobControl } from '../jobs/runner';
import { chat } from '../llm/chat';
import type { LlmFailure } from '../llm/failure';
import { CallSlots } from './call-slots';
import type { SimulationDeps } from './deps';
import { endpointClients, rateLimiters, RunStop } from './execution';
import { runSession, type SessionHooks } from './session';
import type { SimulationStore } from './store';
import { terminationMatcher } from './termination';
import type { TokenBatcher } from './token-batcher';

// Executes a run: a pool of session workers taking unfinished sessions in order, each
// running one session at a time, call by call. `concurrency` is the number of model calls
// in flight at once (call slots, see call-slots.ts); four times that many sessions are open,
// so a slot never waits on a session's bookkeeping between two calls, and the run ends
// without a long tail. The database write after
// each call is synchronous and short, so the event loop stays free for the other workers,
// the streams and the UI. Stopping:
//  - pause: no new call starts; calls in flight finish and are saved; the job is paused.
//  - cancel: calls in flight are aborted (lost, as nothing of them was saved); unfinished
//    sessions end as cancelled.
//  - a configuration failure (wrong key, unknown model…): like pause, then the job fails
//    with the reason; after fixing it the run resumes where it stopped.
//  - stopNow (a second Ctrl-C, the app quitting): like pause, but calls in flight are
//    abandoned too.
//  - the lease lost (this process looked dead, and another took the run over): like stopNow,
//    and nothing more is written, not even the sessions' status; the run is the other's.
// A run whose sessions all ended fails when more than half of them ended in error (see
// `errorEnding`): every call failing is not a finished run.

const PROGRESS_MS = 200;

/**
 * Sessions open at once, per call slot. A session between two calls (saving its turn,
 * building the next request) holds no slot, so another session's call takes it; and with
 * sessions served fewest-turns-first, enough sessions are open that those opened last catch
 * up before the queue runs dry, so the run does not end on a long tail of a few sessions
 * using a few slots (see docs/simulation.md, "Concurrency").
 */
const OPEN_PER_SLOT = 4;

export interface ExecutionHandle {
  /** Abandon calls in flight now (they are not saved); the run ends paused. */
  stopNow(): void;
}

export interface ExecuteOptions {
  store: SimulationStore;
  batcher: TokenBatcher;
  /** Called once the workers are set up, with a handle for stopping at once. */
  onStart?: (handle: ExecutionHandle) => void;
}

export async function executeRun(ctx: Pick<SimulationDeps, 'endpoints' | 'secrets' | 'env' | 'events'>, runId: number, control: JobControl, options: ExecuteOptions): Promise<string> {
  const { store, batcher } = options;
  const run = store.run(runId);
  const snapshot = JSON.parse(run.config) as RunSnapshot;

  // Keys before anything starts: a missing key fails the run at once, resumable later.
  const clients = endpointClients(ctx, [snapshot.client, snapshot.counselor], snapshot.timeoutMs);
  const limiters = rateLimiters(snapshot.rateLimits);
  const stop = new RunStop(control);
  const stopping = (): boolean => stop.stopping();
  let stoppedNow = false;

  store.beginExecution(runId);
  store.guard(runId, () => control.assertOwned());
  const queue = store.unfinishedSessionIds(runId);
  const total = run.session_count;
  let ended = total - queue.length;
  // Progress (a row update and a jobs:progress event) at most every PROGRESS_MS, and at the end.
  let progressAt = 0;
  const progress = (force = false) => {
    const at = performance.now();
    if (!force && at - progressAt < PROGRESS_MS) return;
    progressAt = at;
    control.progress(ended, total, `${ended} of ${total} sessions`);
  };
  progress(true);

  const slots = new CallSlots(snapshot.concurrency);
  const hooks: SessionHooks = {
    runId,
    snapshot,
    store,
    termination: terminationMatcher(snapshot.termination.phrases),
    stopping,
    call: (role: AgentRole, messages, at) => {
      const agent = role === 'client' ? snapshot.client : snapshot.counselor;
      return chat({ openai: clients.get(agent.endpointId)!, params: agent }, messages, {
        stream: snapshot.stream,
        timeoutMs: snapshot.timeoutMs,
        retry: { maxRetries: snapshot.maxRetries, baseMs: snapshot.retryBaseMs, maxMs: snapshot.retryMaxMs },
        limiter: limiters.get(agent.endpointId) ?? null,
        slot: (signal) => slots.acquire(at.index, signal),
        signal: stop.signal,
        mayStart: () => !stopping(),
        onDelta: (text) => batcher.push(runId, at.sessionId, at.index, role, at.attempt, text),
        onRestart: () => batcher.push(runId, at.sessionId, at.index, role, at.attempt, '', true),
        onFailure: (failure) => {
          stop.noteFailure(failure);
          void store
            .saveError({ runId, sessionId: at.sessionId, idx: at.index, role, kind: failure.kind, status: failure.status ?? null, message: failure.message })
            .catch(() => undefined);
        },
      });
    },
    onTurn: (e) => {
      batcher.flushSession(e.sessionId);
      ctx.events.emit('simulation:turn', {
        runId,
        sessionId: e.sessionId,
        index: e.index,
        role: e.role,
        content: e.content,
        attempt: e.attempt,
        ended: e.end ? { reason: e.end.reason, phrase: e.end.phrase ?? null } : null,
      });
    },
    onRejected: (e) => {
      batcher.flushSession(e.sessionId);
      ctx.events.emit('simulation:session', {
        runId,
        sessionId: e.sessionId,
        status: e.end ? 'ended' : 'running',
        endReason: e.end?.reason ?? null,
        endPhrase: null,
        error: e.end?.error ?? null,
        rejected: { index: e.index, attempt: e.attempt, reason: e.reason },
      });
    },
    onStarted: (sessionId) => {
      ctx.events.emit('simulation:session', { runId, sessionId, status: 'running', endReason: null, endPhrase: null, error: null, rejected: null });
    },
    onEnded: (sessionId, end) => {
      ended++;
      progress();
      ctx.events.emit('simulation:session', {
        runId,
        sessionId,
        status: 'ended',
        endReason: end.reason,
        endPhrase: end.phrase ?? null,
        error: end.error ?? null,
        rejected: null,
      });
    },
  };

  options.onStart?.({
    stopNow: () => {
      stoppedNow = true;
      stop.abort();
    },
  });

  let unexpected: unknown;
  try {
    unexpected = await stop.drain(queue, snapshot.concurrency * OPEN_PER_SLOT, async (sessionId) => {
      const outcome = await runSession(hooks, sessionId);
      if (outcome.kind === 'fatal') stop.fatal ??= outcome.failure;
      // A call abandoned half-way: its streamed text was never saved.
      if (outcome.kind !== 'ended') batcher.discard(sessionId);
    });
  } finally {
    stop.dispose();
    store.flush();
    store.guard(runId, null);
    batcher.flush();
    try {
      progress(true);
    } catch {
      // reported by the job's own ending
    }
  }

  if (stop.lost || unexpected instanceof JobLost) throw new JobLost();
  if (unexpected) {
    try {
      store.releaseRunning(runId);
    } catch {
      // the database itself may be what failed
    }
    throw unexpected;
  }
  if (stop.cancelled) {
    for (const sessionId of store.cancelUnfinished(runId)) {
      ctx.events.emit('simulation:session', { runId, sessionId, status: 'ended', endReason: 'cancelled', endPhrase: null, error: null, rejected: null });
    }
    throw new JobCancelled();
  }
  store.releaseRunning(runId);
  if (stop.fatal) throw new Error(fatalMessage(stop.fatal));
  if (stoppedNow || control.isPauseRequested()) throw new JobPaused();
  const left = store.unfinishedSessionIds(runId).length;
  if (left > 0) throw new JobPaused();
  const failure = errorEnding(store, runId, total);
  if (failure) throw new Error(failure);
  return summaryLine(store, runId);
}

function fatalMessage(failure: LlmFailure): string {
  if (failure.kind === 'model_not_found') return `${failure.message} Resume the run with the right model (or fix the endpoint's).`;
  return `${failure.message} Fix the endpoint, then resume the run.`;
}

/**
 * A run whose sessions have all ended fails when more than half of them ended in error
 * (after their retries), naming the commonest failure; resuming it retries those sessions.
 * Null when the run may count as done.
 */
export function errorEnding(store: SimulationStore, runId: number, total: number): string | null {
  const { sessions, commonest } = store.sessionErrors(runId);
  if (!commonest || sessions * 2 <= total) return null;
  return `${sessions} of ${total} sessions ended in error, most often ${commonest.kind} (${commonest.sessions}): ${commonest.message} Resume the run to retry them.`;
}

export function summaryLine(store: SimulationStore, runId: number): string {
  const counts = store.sessionCounts(runId);
  const by = (reasons: string[]) => counts.filter((c) => c.end_reason && reasons.includes(c.end_reason)).reduce((n, c) => n + c.n, 0);
  const total = counts.reduce((n, c) => n + c.n, 0);
  return `${total} sessions: ${by(['phrase', 'turn_limit'])} completed, ${by(['refinement_failed', 'error'])} failed`;
}
