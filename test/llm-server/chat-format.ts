// Builds chat.completion and chat.completion.chunk objects in the shapes the
// openai SDK (and the real API) use.

import { countTokens, splitIntoChunks } from './tokens';
import type { ChatMessage, FinishReason, UsageOverride } from './types';

export interface Reply {
  content: string;
  finishReason: FinishReason;
  usage?: UsageOverride;
}

export interface CompletionMeta {
  id: string;
  model: string;
  created: number;
}

export function computeUsage(messages: ChatMessage[], reply: Reply) {
  const promptTokens = reply.usage?.prompt_tokens ?? messages.reduce((sum, m) => sum + countTokens(m.content), 0);
  const completionTokens = reply.usage?.completion_tokens ?? countTokens(reply.content);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: reply.usage?.cached_tokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

export function completionObject(meta: CompletionMeta, messages: ChatMessage[], reply: Reply) {
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    system_fingerprint: 'fp_llm_test_server',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: reply.content, refusal: null },
        logprobs: null,
        finish_reason: reply.finishReason,
      },
    ],
    usage: computeUsage(messages, reply),
  };
}

/**
 * The chunk sequence of a streamed reply: a role chunk, the content in small
 * pieces, a finish chunk, and (with include_usage) a usage chunk with no choices.
 */
export function streamChunks(meta: CompletionMeta, messages: ChatMessage[], reply: Reply, includeUsage: boolean) {
  // With include_usage the API puts `usage: null` on every chunk but the last.
  const usageField = includeUsage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finishReason: FinishReason | null) => ({
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    system_fingerprint: 'fp_llm_test_server',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...usageField,
  });
  const chunks: object[] = [chunk({ role: 'assistant', content: '', refusal: null }, null)];
  for (const piece of splitIntoChunks(reply.content)) chunks.push(chunk({ content: piece }, null));
  chunks.push(chunk({}, reply.finishReason));
  if (includeUsage) {
    chunks.push({
      id: meta.id,
      object: 'chat.completion.chunk',
      created: meta.created,
      model: meta.model,
      system_fingerprint: 'fp_llm_test_server',
      choices: [],
      usage: computeUsage(messages, reply),
    });
  }
  return chunks;
}
