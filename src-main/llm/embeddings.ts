import type OpenAI from 'openai';
import { callWithPolicies, type CallPolicies } from './attempts';
import type { LlmEndpoint } from './params';
import { costOf } from './usage';

// Embeddings of many texts, in batches, through the same policies as a chat call (timeout
// per batch, abort, retries, rate limit; failures classified the same way). Vectors come
// back as Float32Array in the order of the texts, whatever order the server listed them
// in. `base64` (the default, a third of the bytes of JSON floats) is decoded exactly: the
// bytes are the little-endian float32 values the server computed. `float` is read from
// JSON numbers and rounded to float32, which gives the same values for any server that
// sends float32s.

export const DEFAULT_EMBEDDING_BATCH = 64;

export interface EmbedOptions extends CallPolicies {
  /** The embedding model, when it is not the endpoint's own. */
  model?: string;
  /** Texts per request; OpenAI takes up to 2048. */
  batchSize?: number;
  encoding?: 'float' | 'base64';
  /** Ask for shorter vectors (models that support it). */
  dimensions?: number;
}

export interface Embeddings {
  /** One per text, in the texts' order. */
  vectors: Float32Array[];
  promptTokens: number | null;
  cost: number;
  /** Requests sent that answered (one per batch). */
  requests: number;
  /** Failed tries, over all batches. */
  retries: number;
  latencyMs: number;
}

export async function embed(endpoint: LlmEndpoint, texts: readonly string[], o: EmbedOptions): Promise<Embeddings> {
  const batchSize = Math.max(1, Math.floor(o.batchSize ?? DEFAULT_EMBEDDING_BATCH));
  const encoding = o.encoding ?? 'base64';
  const model = o.model ?? endpoint.params.model;
  const vectors: Float32Array[] = [];
  let promptTokens: number | null = 0;
  let requests = 0;
  let retries = 0;
  let latencyMs = 0;
  for (let start = 0; start < texts.length; start += batchSize) {
    const batch = texts.slice(start, start + batchSize);
    const answered = await callWithPolicies(o, {
      baseUrl: endpoint.params.baseUrl,
      model,
      // ¾ token per character, as for chat (usage.ts): only the limiter's first guess.
      estimatedTokens: o.limiter ? Math.ceil(batch.reduce((n, t) => n + t.length, 0) * 0.75) : 0,
      async send(signal) {
        const response = await endpoint.openai.embeddings.create(
          { model, input: batch, encoding_format: encoding, ...(o.dimensions ? { dimensions: o.dimensions } : {}) },
          { signal, timeout: o.timeoutMs, maxRetries: 0 },
        );
        return { vectors: readVectors(response, batch.length), tokens: response.usage?.prompt_tokens ?? null };
      },
      tokensUsed: (r) => r.tokens,
    });
    answered.release();
    vectors.push(...answered.value.vectors);
    promptTokens = promptTokens === null || answered.value.tokens === null ? null : promptTokens + answered.value.tokens;
    requests++;
    retries += answered.retries;
    latencyMs += answered.latencyMs;
  }
  const cost = costOf({ promptTokens, completionTokens: null, cachedTokens: null }, endpoint.params);
  return { vectors, promptTokens, cost, requests, retries, latencyMs };
}

/** The batch's vectors in input order; a response that does not match the batch is malformed (and retried). */
function readVectors(response: OpenAI.CreateEmbeddingResponse, count: number): Float32Array[] {
  const data = response?.data;
  if (!Array.isArray(data) || data.length !== count) {
    throw new TypeError(`${Array.isArray(data) ? data.length : 'no'} embeddings for ${count} texts`);
  }
  const vectors = new Array<Float32Array>(count);
  for (const item of data) {
    const index = item?.index;
    if (!Number.isInteger(index) || index < 0 || index >= count || vectors[index]) throw new TypeError(`an embedding with a wrong index (${String(index)})`);
    vectors[index] = toFloat32(item.embedding as unknown);
  }
  return vectors;
}

function toFloat32(raw: unknown): Float32Array {
  if (typeof raw === 'string') {
    const bytes = Buffer.from(raw, 'base64');
    if (bytes.length === 0 || bytes.length % 4 !== 0) throw new TypeError('a base64 embedding that is not float32 values');
    // Copied into its own buffer: a Buffer's bytes may sit at an offset a Float32Array cannot start at.
    // Every platform Electron runs on is little-endian, as the bytes are.
    return new Float32Array(new Uint8Array(bytes).buffer);
  }
  if (Array.isArray(raw) && raw.length > 0 && raw.every((x) => typeof x === 'number')) return Float32Array.from(raw as number[]);
  throw new TypeError('an embedding that is neither base64 nor a list of numbers');
}
