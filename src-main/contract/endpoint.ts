import { z } from 'zod';
import type { Said } from './errors';

// An OpenAI-compatible model endpoint. The API key is write-only: it goes in through
// `apiKey` (the app encrypts it) or is named by `apiKeyEnv` (read from the environment
// at call time), and it never comes back out: views carry only `hasApiKey`.

const optionalNumber = (min: number, max: number) => z.number().finite().min(min).max(max).optional();

export const endpointName = z
  .string()
  .trim()
  .min(1, 'Give the endpoint a name')
  .max(80, 'Keep the name under 80 characters')
  .regex(/^[^\s/\\]+( [^\s/\\]+)*$/u, 'Use letters, digits, dashes or single spaces (no slashes)');

export const baseUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
    } catch {
      return false;
    }
  }, 'Enter a full http:// or https:// URL, e.g. https://api.deepseek.com/v1');

export const envVarName = z
  .string()
  .trim()
  .max(128)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'An environment variable name: letters, digits and _, not starting with a digit');

export const endpointFields = {
  name: endpointName,
  baseUrl,
  model: z.string().trim().min(1, 'Name the model, e.g. gpt-4o or qwen-plus').max(200),
  temperature: optionalNumber(0, 2),
  topP: z.number().finite().gt(0).max(1).optional(),
  maxTokens: z.number().int().min(1).max(1_000_000).optional(),
  priceInputPerM: optionalNumber(0, 100_000),
  priceOutputPerM: optionalNumber(0, 100_000),
  timeoutMs: z.number().int().min(1000).max(600_000).optional(),
  apiKeyEnv: envVarName.optional(),
  apiKey: z.string().max(4096).optional(),
};

export const endpointCreateInput = z.strictObject(endpointFields);
export type EndpointCreateInput = z.infer<typeof endpointCreateInput>;

/** Fields left out stay as they are; `null` clears an optional field. `clearApiKey` drops a saved key. */
export const endpointUpdateInput = z.strictObject({
  id: z.number().int().positive(),
  name: endpointFields.name.optional(),
  baseUrl: endpointFields.baseUrl.optional(),
  model: endpointFields.model.optional(),
  temperature: endpointFields.temperature.nullable(),
  topP: endpointFields.topP.nullable(),
  maxTokens: endpointFields.maxTokens.nullable(),
  priceInputPerM: endpointFields.priceInputPerM.nullable(),
  priceOutputPerM: endpointFields.priceOutputPerM.nullable(),
  timeoutMs: endpointFields.timeoutMs.nullable(),
  apiKeyEnv: endpointFields.apiKeyEnv.nullable(),
  apiKey: endpointFields.apiKey,
  clearApiKey: z.boolean().optional(),
});
export type EndpointUpdateInput = z.infer<typeof endpointUpdateInput>;

export interface EndpointView {
  id: number;
  name: string;
  baseUrl: string;
  model: string;
  temperature: number | null;
  topP: number | null;
  maxTokens: number | null;
  priceInputPerM: number | null;
  priceOutputPerM: number | null;
  timeoutMs: number | null;
  apiKeyEnv: string | null;
  /** True when a key was saved in the app (encrypted); the key itself never leaves main. */
  hasApiKey: boolean;
  createdAt: string;
  updatedAt: string;
}

export type ConnectionFailure =
  | 'bad_url'
  | 'dns'
  | 'refused'
  | 'timeout'
  | 'network'
  | 'unauthorized'
  | 'forbidden'
  | 'model_not_found'
  | 'rate_limited'
  | 'server_error'
  | 'bad_response'
  | 'no_api_key';

export type ConnectionTest =
  | { ok: true; latencyMs: number; model: string; reply: string }
  | { ok: false; kind: ConnectionFailure; message: string; said?: Said; latencyMs: number };

// ---------------------------------------------------------------------------------------
// OpenAI-compatible servers already running on this computer (src-main/endpoints/detect.ts)

export const localServerKinds = ['ollama', 'lm-studio', 'vllm', 'llama.cpp', 'openai-compatible'] as const;
export type LocalServerKind = (typeof localServerKinds)[number];

export interface LocalModel {
  id: string;
  /** Named like an embedding model (nomic-embed-text, bge-m3…): listed, but not meant to chat. */
  embedding: boolean;
  /** The endpoint already set up for this server and model, if any. */
  endpoint: string | null;
  /** A free endpoint name for one-click adding. */
  suggestedName: string;
}

export interface LocalServer {
  kind: LocalServerKind;
  /** With /v1, ready to be an endpoint's base URL. */
  baseUrl: string;
  port: number;
  /** It answered 401/403: it wants an API key, so its models are unknown. */
  needsKey: boolean;
  models: LocalModel[];
}

/** What `endpoints:detect` found, and where it looked. */
export interface LocalServerScan {
  ports: number[];
  servers: LocalServer[];
}
