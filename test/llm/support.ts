import OpenAI from 'openai';
import type { EndpointParams, LlmEndpoint } from '../../src-main/llm/params';
import type { LlmServer } from '../llm-server/types';

/** An endpoint on the LLM test server, called through the real openai client. */
export function endpointOn(server: LlmServer, params: Partial<EndpointParams> = {}): LlmEndpoint {
  return {
    openai: new OpenAI({ baseURL: server.url, apiKey: 'k', maxRetries: 0, logLevel: 'off' }),
    params: { baseUrl: server.url, model: 'test-model', temperature: null, topP: null, maxTokens: null, priceInputPerM: null, priceOutputPerM: null, ...params },
  };
}

/** The requests the server got on one route, bodies and arrival times. */
export const requestsTo = (server: LlmServer, route: 'chat/completions' | 'embeddings') =>
  server.requests.filter((r) => r.path === `/v1/${route}`).map((r) => ({ body: r.body as Record<string, unknown>, time: r.time }));

/** The rejection of a promise that must reject. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, and it answered');
}
