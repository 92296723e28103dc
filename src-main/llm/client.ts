import OpenAI from 'openai';
import { keyedError } from '../common/errors';
import type { EndpointRecord } from '../endpoints/repository';
import type { SecretBox } from '../endpoints/secret-box';
import type { LlmEndpoint } from './params';
import { tunnelFetch, tunnelledBaseUrl } from './tunnel';

// Every LLM call in the project goes through the `openai` package pointed at an endpoint's
// base URL, which is what makes OpenAI, DeepSeek, DashScope (Qwen), vLLM, Ollama, LM Studio
// and LLaMA-Factory's API server interchangeable.

export const DEFAULT_TIMEOUT_MS = 60_000;

// Local servers (vLLM, Ollama, LM Studio) accept any key, but the SDK refuses to start
// without one, so an endpoint with no key sends this placeholder.
const NO_KEY = 'no-key';

/** Where the key comes from: the app's encrypted copy, else the named environment variable. */
export function resolveApiKey(
  endpoint: Pick<EndpointRecord, 'name' | 'apiKeyCipher' | 'apiKeyEnv'>,
  secrets: SecretBox,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (endpoint.apiKeyCipher) {
    if (!secrets.available) {
      throw keyedError(
        'unavailable',
        'apiKeyOnlyInApp',
        { endpoint: endpoint.name },
        `Endpoint '${endpoint.name}' has a key saved by the app, which only the app can decrypt. Here, name an environment variable that holds it (--api-key-env).`,
      );
    }
    return secrets.decrypt(endpoint.apiKeyCipher);
  }
  if (endpoint.apiKeyEnv) {
    const value = env[endpoint.apiKeyEnv];
    if (!value) {
      throw keyedError(
        'unavailable',
        'apiKeyEnvUnset',
        { endpoint: endpoint.name, variable: endpoint.apiKeyEnv },
        `Endpoint '${endpoint.name}' reads its API key from $${endpoint.apiKeyEnv}, which is not set. Export it and try again.`,
      );
    }
    return value;
  }
  return undefined;
}

export interface ClientOptions {
  timeoutMs?: number;
  /** Retries are the caller's business (a policy of llm/attempts.ts), so the SDK's are off. */
  maxRetries?: number;
}

/** `id` lets an endpoint served through an SSH tunnel be reached through it (tunnel.ts). */
export function createLlmClient(
  endpoint: Pick<EndpointRecord, 'baseUrl' | 'timeoutMs'> & { id?: number },
  apiKey: string | undefined,
  options: ClientOptions = {},
): OpenAI {
  const tunnelled = tunnelledBaseUrl(endpoint.id, endpoint.baseUrl);
  return new OpenAI({
    baseURL: tunnelled ?? endpoint.baseUrl,
    ...(tunnelled ? { fetch: tunnelFetch } : {}),
    apiKey: apiKey ?? NO_KEY,
    timeout: options.timeoutMs ?? endpoint.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? 0,
  });
}

/** The timeout of one answer on an endpoint: its own, or the default. */
export const endpointTimeoutMs = (endpoint: Pick<EndpointRecord, 'timeoutMs'>): number => endpoint.timeoutMs ?? DEFAULT_TIMEOUT_MS;

/** A saved endpoint, ready for `chat` and `embed`; throws a DomainError when its key is not at hand. */
export function connectEndpoint(endpoint: EndpointRecord, secrets: SecretBox, env: NodeJS.ProcessEnv = process.env): LlmEndpoint {
  return { openai: createLlmClient(endpoint, resolveApiKey(endpoint, secrets, env)), params: endpoint };
}
