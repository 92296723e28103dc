import { classifyLlmError, timeoutFailure, type LlmFailure } from './failure';
import type { RateLimiter } from './rate-limiter';
import { backoffMs, noRetry, retryAfterMs, sleep, type RetryPolicy } from './retry';

// One request to an endpoint, tried until it answers or fails for good, under the policies
// the caller picks: a rate limiter, a slot held while the request is in flight, a timeout
// covering the whole answer (the SDK's own stops at the response headers), abort, and
// retries with backoff. Every failure is classified once (failure.ts). Chat and embeddings
// both go through here, so each policy behaves the same for every caller.

/** The caller's signal aborted (pause, cancel, shutdown, a person pressing stop): nothing to keep. */
export class CallAborted extends Error {
  constructor() {
    super('Stopped');
    this.name = 'CallAborted';
  }
}

/** The call failed for good: not retryable, or out of retries. */
export class CallFailed extends Error {
  constructor(
    readonly failure: LlmFailure,
    /** Failed tries before the last one. */
    readonly retries: number,
  ) {
    super(failure.message);
    this.name = 'CallFailed';
  }
}

/** The policies of a call; only `timeoutMs` is required. */
export interface CallPolicies {
  /** Covers one try's whole answer, streamed body included. */
  timeoutMs: number;
  /** Aborting it abandons the call: it rejects with CallAborted. */
  signal?: AbortSignal;
  /** `noRetry` unless given. */
  retry?: RetryPolicy;
  /** Requests and tokens per minute, shared by the calls to one endpoint; a Retry-After holds it. */
  limiter?: RateLimiter | null;
  /**
   * Taken before each try and held while it is in flight, not while backing off (the
   * simulation's call slots). The slot of the try that answers is handed to the caller.
   */
  slot?: (signal: AbortSignal | undefined) => Promise<() => void>;
  /** Asked once a slot is free, right before the request goes out: false abandons the call (pause). */
  mayStart?: () => boolean;
  /** Every failed try, retried or not, before any retry. */
  onFailure?: (failure: LlmFailure) => void;
}

/** What one kind of request (chat, embeddings) tells the runner. */
export interface CallRequest<T> {
  baseUrl: string;
  model: string;
  /** Tokens taken from the limiter before each try, corrected by `tokensUsed` after. */
  estimatedTokens: number;
  send(signal: AbortSignal): Promise<T>;
  tokensUsed(value: T): number | null;
  /** A try failed (the call may go on): e.g. a streamed answer starts over. */
  failed?(): void;
}

export interface Answered<T> {
  value: T;
  /** Of the try that answered, from the moment its request went out. */
  latencyMs: number;
  /** Failed tries before the one that answered. */
  retries: number;
  /**
   * Hands the slot on (see CallPolicies.slot); a no-op without one. The simulation calls it
   * once the answer is saved, so a crash loses at most one answer per slot.
   */
  release: () => void;
}

const TIMED_OUT = Symbol('timed out');
const noSlot = () => {};

export async function callWithPolicies<T>(p: CallPolicies, r: CallRequest<T>): Promise<Answered<T>> {
  const retry = p.retry ?? noRetry;
  const target = { baseUrl: r.baseUrl, model: r.model, timeoutMs: p.timeoutMs };
  for (let retries = 0; ; retries++) {
    if (p.signal?.aborted) throw new CallAborted();
    if (p.limiter) {
      try {
        await p.limiter.acquire(r.estimatedTokens, p.signal);
      } catch {
        throw new CallAborted();
      }
    }
    let release: (() => void) | null = null;
    if (p.slot) {
      try {
        release = await p.slot(p.signal);
      } catch {
        throw new CallAborted();
      }
    }
    if (p.mayStart && !p.mayStart()) {
      release?.();
      throw new CallAborted();
    }
    const perTry = new AbortController();
    const forward = () => perTry.abort(p.signal!.reason);
    p.signal?.addEventListener('abort', forward, { once: true });
    const timer = setTimeout(() => perTry.abort(TIMED_OUT), p.timeoutMs);
    const started = performance.now();
    try {
      const value = await r.send(perTry.signal);
      p.limiter?.settle(r.estimatedTokens, r.tokensUsed(value));
      const answered = { value, latencyMs: performance.now() - started, retries, release: release ?? noSlot };
      release = null; // the caller's now
      return answered;
    } catch (error) {
      if (p.signal?.aborted) throw new CallAborted();
      const failure = perTry.signal.reason === TIMED_OUT ? timeoutFailure(r.baseUrl, p.timeoutMs) : classifyLlmError(error, target);
      // Reported before the slot is handed on, so a failure that stops a run stops the next call too.
      p.onFailure?.(failure);
      release?.();
      release = null;
      r.failed?.();
      if (!failure.retryable || retries >= retry.maxRetries) throw new CallFailed(failure, retries);
      const asked = retryAfterMs(error, failure);
      if (asked !== undefined) p.limiter?.hold(asked);
      try {
        await sleep(backoffMs(retry, retries, asked), p.signal);
      } catch {
        throw new CallAborted();
      }
    } finally {
      release?.();
      clearTimeout(timer);
      p.signal?.removeEventListener('abort', forward);
    }
  }
}
