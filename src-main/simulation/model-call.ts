import type OpenAI from 'openai';
import { classifyLlmError, type LlmFailure } from '../llm/failure';
import type { AgentSnapshot } from '../contract/simulation';
import type { CallSlots } from './call-slots';
import type { RateLimiter } from './rate-limiter';
import { backoffMs, retryAfterMs, sleep, type RetryPolicy } from './retry';
import { estimateTokens, readUsage, noUsage, type Usage } from './usage';
import type { ChatMessage } from './views';

// One model call for one turn, through the openai package: rate-limited, with a per-call
// timeout covering the whole (streamed) answer, retried with backoff on failures that may
// pass. Streaming hands each delta to `onDelta` for the live view; usage then comes from
// stream_options.include_usage (the last chunk).

export interface CallResult {
  content: string;
  usage: Usage;
  finishReason: string | null;
  model: string | null;
  latencyMs: number;
  /** Failed tries before this one succeeded. */
  retries: number;
  /**
   * Hands the call slot on. The caller calls it once the answer is saved, so a crash can lose
   * at most `concurrency` answers: the slot of a call is held until its turn is on disk.
   */
  releaseSlot: () => void;
}

/** The run is stopping (pause, cancel, shutdown): the call was abandoned, nothing to save. */
export class CallStopped extends Error {
  constructor() {
    super('Stopped');
    this.name = 'CallStopped';
  }
}

/** The call failed for good: not retryable, or out of retries. */
export class CallFailed extends Error {
  constructor(
    readonly failure: LlmFailure,
    readonly retries: number,
  ) {
    super(failure.message);
    this.name = 'CallFailed';
  }
}

export interface CallOptions {
  client: OpenAI;
  agent: AgentSnapshot;
  messages: ChatMessage[];
  stream: boolean;
  timeoutMs: number;
  retry: RetryPolicy;
  limiter: RateLimiter | null;
  /** The run's concurrency; held while a request is in flight, not while backing off. */
  slots?: { pool: CallSlots; priority: number };
  /** Aborted when the run stops; the call is then abandoned. */
  signal: AbortSignal;
  /** Asked once a slot is free, right before the request goes out: false abandons the call (pause). */
  mayStart?: () => boolean;
  onDelta?: (text: string, restart: boolean) => void;
  /** Every failed try, retried or not (for the errors-by-kind figures). */
  onFailure?: (failure: LlmFailure) => void;
}

const TIMED_OUT = Symbol('timed out');

export async function callModel(o: CallOptions): Promise<CallResult> {
  const target = { baseUrl: o.agent.baseUrl, model: o.agent.model, timeoutMs: o.timeoutMs };
  const estimate = o.limiter ? estimateTokens(o.messages, o.agent.maxTokens) : 0;
  for (let retry = 0; ; retry++) {
    if (o.signal.aborted) throw new CallStopped();
    if (o.limiter) {
      try {
        await o.limiter.acquire(estimate, o.signal);
      } catch {
        throw new CallStopped();
      }
    }
    let release: (() => void) | null = null;
    if (o.slots) {
      try {
        release = await o.slots.pool.acquire(o.slots.priority, o.signal);
      } catch {
        throw new CallStopped();
      }
    }
    if (o.mayStart && !o.mayStart()) {
      release?.();
      throw new CallStopped();
    }
    const perCall = new AbortController();
    const forward = () => perCall.abort();
    o.signal.addEventListener('abort', forward, { once: true });
    const timer = setTimeout(() => perCall.abort(TIMED_OUT), o.timeoutMs);
    const started = performance.now();
    let streamedAny = false;
    try {
      const result = await attempt(o, perCall.signal, () => (streamedAny = true));
      o.limiter?.settle(estimate, result.usage.promptTokens === null ? null : result.usage.promptTokens + (result.usage.completionTokens ?? 0));
      const releaseSlot = release ?? (() => {});
      release = null; // the caller releases it after saving
      return { ...result, latencyMs: performance.now() - started, retries: retry, releaseSlot };
    } catch (error) {
      if (o.signal.aborted) throw new CallStopped();
      const failure: LlmFailure =
        perCall.signal.aborted && perCall.signal.reason === TIMED_OUT
          ? { kind: 'timeout', retryable: true, message: `No complete answer from ${hostOf(o.agent.baseUrl)} within ${Math.round(o.timeoutMs / 100) / 10} s.` }
          : classifyLlmError(error, target);
      // Reported before the slot is handed on, so a failure that stops the run stops the next call too.
      o.onFailure?.(failure);
      release?.();
      release = null;
      if (streamedAny) o.onDelta?.('', true);
      if (!failure.retryable || retry >= o.retry.maxRetries) throw new CallFailed(failure, retry);
      const asked = retryAfterMs(error, failure);
      if (asked !== undefined) o.limiter?.hold(asked);
      try {
        await sleep(backoffMs(o.retry, retry, asked), o.signal);
      } catch {
        throw new CallStopped();
      }
    } finally {
      release?.();
      clearTimeout(timer);
      o.signal.removeEventListener('abort', forward);
    }
  }
}

async function attempt(o: CallOptions, signal: AbortSignal, streamed: () => void): Promise<Omit<CallResult, 'latencyMs' | 'retries' | 'releaseSlot'>> {
  const params = {
    model: o.agent.model,
    messages: o.messages,
    ...(o.agent.temperature !== null ? { temperature: o.agent.temperature } : {}),
    ...(o.agent.topP !== null ? { top_p: o.agent.topP } : {}),
    ...(o.agent.maxTokens !== null ? { max_tokens: o.agent.maxTokens } : {}),
  };
  const requestOptions = { signal, timeout: o.timeoutMs, maxRetries: 0 };
  if (!o.stream) {
    const completion = await o.client.chat.completions.create({ ...params, stream: false }, requestOptions);
    const choice = completion.choices?.[0];
    const content = choice?.message?.content;
    if (typeof content !== 'string') throw new TypeError('the answer has no message content');
    return { content, usage: readUsage(completion.usage), finishReason: choice?.finish_reason ?? null, model: completion.model ?? null };
  }
  const stream = await o.client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } }, requestOptions);
  let content = '';
  let usage: Usage = noUsage;
  let finishReason: string | null = null;
  let model: string | null = null;
  let sawChoice = false;
  for await (const chunk of stream) {
    model ??= chunk.model ?? null;
    if (chunk.usage) usage = readUsage(chunk.usage);
    const choice = chunk.choices?.[0];
    if (!choice) continue;
    sawChoice = true;
    const delta = choice.delta?.content;
    if (delta) {
      content += delta;
      streamed();
      o.onDelta?.(delta, false);
    }
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }
  if (!sawChoice) throw new TypeError('the stream ended without an answer');
  return { content, usage, finishReason, model };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
