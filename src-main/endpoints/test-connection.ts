import type { ConnectionTest } from '../contract/endpoint';
import { said } from '../common/errors';
import { classifyLlmError } from '../llm/failure';
import { createLlmClient, resolveApiKey } from '../llm/client';
import type { EndpointRecord } from './repository';
import type { SecretBox } from './secret-box';

/** A connection test must not keep a person waiting a whole generation timeout. */
const TEST_TIMEOUT_MS = 15_000;

/**
 * Makes one real, tiny chat completion and reports its latency, or why it failed.
 * Never throws: every failure is a value with a kind and a one-line message.
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
    const client = createLlmClient(endpoint, resolveApiKey(endpoint, secrets, env), { timeoutMs });
    const completion = await client.chat.completions.create({
      model: endpoint.model,
      messages: [{ role: 'user', content: 'ping' }],
      max_tokens: 8,
    });
    const reply = completion.choices?.[0]?.message?.content;
    if (typeof reply !== 'string') {
      return { ok: false, kind: 'bad_response', latencyMs: elapsed(), message: 'The server answered, but without a chat completion message.', said: said('llmNoMessage', {}) };
    }
    return { ok: true, latencyMs: elapsed(), model: completion.model || endpoint.model, reply: reply.slice(0, 200) };
  } catch (error) {
    const failure = classifyLlmError(error, { baseUrl: endpoint.baseUrl, model: endpoint.model, timeoutMs });
    return { ok: false, kind: failure.kind, message: failure.message, ...(failure.said ? { said: failure.said } : {}), latencyMs: elapsed() };
  }
}
