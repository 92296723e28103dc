import type OpenAI from 'openai';
import { noUsage, readUsage, type Usage } from './usage';

// The streaming loop, kept lean: the simulation runs it for every token of every session.
// Per chunk it does what the transport has already parsed (event-stream.ts), nothing more:
// no allocation besides the growing text, no event, no JSON. Usage comes in the last chunk
// (stream_options.include_usage).

/** A chat answer as it arrives; on a failed try it holds what had streamed. */
export interface ChatReading {
  text: string;
  finishReason: string | null;
  model: string | null;
  usage: Usage;
}

export const emptyReading = (): ChatReading => ({ text: '', finishReason: null, model: null, usage: noUsage });

/**
 * Reads a streamed chat completion into `into`, handing each piece of text to `onDelta`.
 * `send` starts the request and calls back with each chunk as it arrives. Throws when the
 * stream ends without any choice, or was aborted: an aborted stream must never pass for a
 * complete answer.
 */
export async function readChatStream(
  send: (onChunk: (chunk: OpenAI.Chat.ChatCompletionChunk) => void) => Promise<void>,
  into: ChatReading,
  signal: AbortSignal,
  onDelta: ((text: string) => void) | undefined,
): Promise<void> {
  let sawChoice = false;
  // Locals in the loop; `into` learns them once, even when the stream fails part-way.
  let text = '';
  let finishReason: string | null = null;
  let model: string | null = null;
  let usage = into.usage;
  try {
    await send((chunk) => {
      model ??= chunk.model ?? null;
      if (chunk.usage) usage = readUsage(chunk.usage);
      const choice = chunk.choices?.[0];
      if (!choice) return;
      sawChoice = true;
      const delta = choice.delta?.content;
      if (delta) {
        text += delta;
        onDelta?.(delta);
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    });
  } finally {
    into.text = text;
    into.finishReason = finishReason;
    into.model = model;
    into.usage = usage;
  }
  if (signal.aborted) throw signal.reason;
  if (!sawChoice) throw new TypeError('the stream ended without an answer');
}

/** A whole (not streamed) chat completion, read the same way. */
export function readCompletion(completion: OpenAI.Chat.ChatCompletion, into: ChatReading): void {
  const choice = completion.choices?.[0];
  const content = choice?.message?.content;
  if (typeof content !== 'string') throw new TypeError('the answer has no message content');
  into.text = content;
  into.finishReason = choice?.finish_reason ?? null;
  into.model = completion.model ?? null;
  into.usage = readUsage(completion.usage);
}
