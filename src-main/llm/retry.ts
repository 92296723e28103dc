import OpenAI from 'openai';
import type { LlmFailure } from '../llm/failure';

// Retries, a policy the caller picks: exponential backoff with jitter, honouring the
// server's Retry-After, for the failures that may pass on a later try (429, 5xx, timeouts,
// dropped connections, garbled answers; `LlmFailure.retryable`). A person waiting on one
// answer (trial chat, drafting, a connection test) gets `noRetry`: the failure at once.

export interface RetryPolicy {
  /** Tries after the first; 0 is no retry. */
  maxRetries: number;
  baseMs: number;
  maxMs: number;
}

export const noRetry: RetryPolicy = { maxRetries: 0, baseMs: 0, maxMs: 0 };

/**
 * How long the server asked us to wait, in ms: `retry-after-ms` (OpenAI, and precise) or
 * `retry-after` (seconds or an HTTP date), as the failure already parsed it.
 */
export function retryAfterMs(error: unknown, failure: LlmFailure): number | undefined {
  if (error instanceof OpenAI.APIError) {
    const raw = error.headers?.get?.('retry-after-ms');
    const ms = raw === null || raw === undefined ? Number.NaN : Number(raw);
    if (Number.isFinite(ms) && ms >= 0) return ms;
  }
  return failure.retryAfter === undefined ? undefined : failure.retryAfter * 1000;
}

/**
 * Delay before retry number `retry` (0-based): base·2^retry capped at maxMs, with "equal
 * jitter" (a random point in the upper half) so sessions that failed together do not retry
 * together; never shorter than what the server asked for.
 */
export function backoffMs(policy: RetryPolicy, retry: number, serverAskedMs?: number, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(retry, 30));
  const jittered = exp / 2 + random() * (exp / 2);
  return Math.max(jittered, serverAskedMs ?? 0);
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
