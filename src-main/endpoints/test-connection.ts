import type { ConnectionTest } from '../contract/endpoint';
import { CallFailed } from '../llm/attempts';
import { chat } from '../llm/chat';
import { connectEndpoint } from '../llm/client';
import { classifyLlmError } from '../llm/failure';
import type { EndpointRecord } from './repository';
import type { SecretBox } from './secret-box';

/** A connection test must not keep a person waiting a whole generation timeout. */
const TEST_TIMEOUT_MS = 15_000;

/**
 * Makes one real, tiny chat completion, with the endpoint's own parameters (so a parameter
 * the server refuses shows here, not in the first run), and reports its latency, or why it
 * failed. Never throws: every failure is a value with a kind and a one-line message.
 */
export async function testConnection(
  endpoint: EndpointRecord,
  secrets: SecretBox,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ConnectionTest> {
  const timeoutMs = Math.min(endpoint.timeoutMs ?? TEST_TIMEOUT_MS, TEST_TIMEOUT_MS);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const answer = await chat(connectEndpoint(endpoint, secrets, env), [{ role: 'user', content: 'ping' }], { timeoutMs, overrides: { maxTokens: 8 } });
    return { ok: true, latencyMs: elapsed(), model: answer.model || endpoint.model, reply: answer.text.slice(0, 200) };
  } catch (error) {
    // A missing key fails before any request, and is classified the same way.
    const failure = error instanceof CallFailed ? error.failure : classifyLlmError(error, { baseUrl: endpoint.baseUrl, model: endpoint.model, timeoutMs });
    return { ok: false, kind: failure.kind, message: failure.message, ...(failure.said ? { said: failure.said } : {}), latencyMs: elapsed() };
  }
}
