import type OpenAI from 'openai';
import { callWithPolicies, type CallPolicies } from './attempts';
import { postEventStream } from './event-stream';
import { chatParams, type ChatMessage, type ChatOverrides, type LlmEndpoint } from './params';
import { emptyReading, readChatStream, readCompletion, type ChatReading } from './stream';
import { costOf, estimateTokens } from './usage';

// One chat call: the one way every part of the app asks a model for an answer (the
// simulation's agents, the trial chat, drafting, the connection test). Parameters come
// from the endpoint plus the caller's overrides; the policies (timeout, abort, retries,
// rate limit, slot) are the caller's pick (attempts.ts). Rejects with CallAborted when the
// caller's signal aborts, CallFailed with a classified failure otherwise.

export interface ChatOptions extends CallPolicies {
  overrides?: ChatOverrides;
  /** Stream the answer (with usage in the last chunk); false asks for it whole. */
  stream?: boolean;
  /** Each piece of streamed text, as it arrives. */
  onDelta?: (text: string) => void;
  /** A try that had streamed text failed: what `onDelta` gave so far is void (the call may start over). */
  onRestart?: () => void;
}

/** The answer (text, finish reason, the model the server says answered, usage), and what it took. */
export interface ChatAnswer extends ChatReading {
  /** From the endpoint's prices. */
  cost: number;
  latencyMs: number;
  /** Failed tries before the one that answered. */
  retries: number;
  /** Hands the call's slot on (CallPolicies.slot); a no-op without one. */
  release: () => void;
}

export async function chat(endpoint: LlmEndpoint, messages: readonly ChatMessage[], o: ChatOptions): Promise<ChatAnswer> {
  const params = chatParams(endpoint.params, messages, o.overrides);
  const body = o.stream ? { ...params, stream: true as const, stream_options: { include_usage: true } } : { ...params, stream: false as const };
  let reading: ChatReading = emptyReading();
  const answered = await callWithPolicies(o, {
    baseUrl: endpoint.params.baseUrl,
    model: params.model,
    estimatedTokens: o.limiter ? estimateTokens(messages, params.max_tokens ?? null) : 0,
    async send(signal) {
      reading = emptyReading();
      if (body.stream) {
        // Streamed answers skip the SDK's transport (event-stream.ts): the same request, leaner.
        const send = (onChunk: (chunk: OpenAI.Chat.ChatCompletionChunk) => void) => postEventStream(endpoint.openai, '/chat/completions', body, signal, onChunk as (data: unknown) => void);
        await readChatStream(send, reading, signal, o.onDelta);
      } else {
        readCompletion(await endpoint.openai.chat.completions.create(body, { signal, timeout: o.timeoutMs, maxRetries: 0 }), reading);
      }
      return reading;
    },
    tokensUsed: ({ usage }) => (usage.promptTokens === null ? null : usage.promptTokens + (usage.completionTokens ?? 0)),
    failed() {
      if (reading.text !== '' && o.stream) o.onRestart?.();
    },
  });
  const { value, latencyMs, retries, release } = answered;
  return { ...value, cost: costOf(value.usage, endpoint.params), latencyMs, retries, release };
}
