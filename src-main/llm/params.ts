import type OpenAI from 'openai';
import type { EndpointView } from '../contract/endpoint';

// What a request to an endpoint carries, from the endpoint's own settings (or a run's
// snapshot of them) plus the caller's overrides. A null setting is left out of the request,
// so the server's default applies.

/**
 * The settings of an endpoint a call needs (prices per million tokens give its cost; null is
 * free). An `EndpointRecord` is one, and so is a run's `AgentSnapshot` of it.
 */
export type EndpointParams = Pick<EndpointView, 'baseUrl' | 'model' | 'temperature' | 'topP' | 'maxTokens' | 'priceInputPerM' | 'priceOutputPerM'>;

/** An endpoint ready to call: the SDK client pointed at its base URL, and its settings. */
export interface LlmEndpoint {
  openai: OpenAI;
  params: EndpointParams;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** What one call changes of the endpoint's settings; null leaves the setting out. */
export interface ChatOverrides {
  model?: string;
  temperature?: number | null;
  topP?: number | null;
  maxTokens?: number | null;
  /** `json_object` asks for JSON mode; not every OpenAI-compatible server knows it. */
  responseFormat?: 'json_object';
}

export type ChatParams = Pick<OpenAI.Chat.ChatCompletionCreateParams, 'model' | 'messages' | 'temperature' | 'top_p' | 'max_tokens' | 'response_format'>;

export function chatParams(params: EndpointParams, messages: readonly ChatMessage[], overrides: ChatOverrides = {}): ChatParams {
  const pick = (key: 'temperature' | 'topP' | 'maxTokens') => (overrides[key] !== undefined ? overrides[key] : params[key]);
  const temperature = pick('temperature');
  const topP = pick('topP');
  const maxTokens = pick('maxTokens');
  return {
    model: overrides.model ?? params.model,
    messages: messages as ChatMessage[],
    ...(temperature !== null ? { temperature } : {}),
    ...(topP !== null ? { top_p: topP } : {}),
    ...(maxTokens !== null ? { max_tokens: maxTokens } : {}),
    ...(overrides.responseFormat ? { response_format: { type: overrides.responseFormat } } : {}),
  };
}
