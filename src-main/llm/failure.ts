import OpenAI from 'openai';
import type { ConnectionFailure } from '../contract/endpoint';
import type { Said } from '../contract/errors';
import { DomainError, said } from '../common/errors';
import { AnswerCutOff } from './event-stream';

// Turns whatever an LLM call threw into a failure kind and one line a person can act on,
// and says whether trying again may help. Every call path (llm/attempts.ts) classifies here.

export interface LlmFailure {
  kind: ConnectionFailure;
  message: string;
  /** The same, as a keyed sentence the window shows in the user's language (absent: show `message`). */
  said?: Said;
  status?: number;
  /** Seconds the server asked us to wait (Retry-After), when it said. */
  retryAfter?: number;
  /** Whether trying again later may succeed (429, 5xx, timeouts, dropped connections). */
  retryable: boolean;
}

/** Failures that are about the endpoint's configuration, not this call: only a person can fix them. */
const configurationKinds = new Set<ConnectionFailure>(['unauthorized', 'forbidden', 'model_not_found', 'bad_url', 'no_api_key', 'dns']);

export const isConfigurationFailure = (failure: LlmFailure): boolean => !failure.retryable && configurationKinds.has(failure.kind);

/** No whole answer within the call's timeout (the SDK's, up to the headers, or ours, over the whole body). */
export function timeoutFailure(baseUrl: string, timeoutMs: number): LlmFailure {
  const host = safeHost(baseUrl);
  const seconds = Math.round(timeoutMs / 100) / 10;
  return {
    kind: 'timeout',
    message: `No complete answer from ${host} within ${seconds} s: the server may be overloaded, or the URL may point somewhere that never answers. Try again, or raise the endpoint's timeout.`,
    said: said('llmTimeout', { host, seconds }),
    retryable: true,
  };
}

const oneLine = (s: string, max = 200) => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** The first `code` (ECONNREFUSED, ENOTFOUND, …) anywhere down the error's cause chain. */
function causeCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
  }
  return undefined;
}

function causeMessages(error: unknown): string[] {
  const messages: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    messages.push(String((e as { message?: unknown }).message ?? ''));
  }
  return messages;
}

function retryAfterSeconds(headers: Headers | undefined): number | undefined {
  const raw = headers?.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

export function classifyLlmError(error: unknown, target: { baseUrl: string; model: string; timeoutMs: number }): LlmFailure {
  const host = safeHost(target.baseUrl);
  // The SDK wraps what its fetch threw: a tunnel that could not open (llm/tunnel.ts) says why itself.
  if (error instanceof OpenAI.APIConnectionError && error.cause instanceof DomainError) error = error.cause;
  if (error instanceof DomainError) return { kind: 'no_api_key', message: error.message, ...(error.said ? { said: error.said } : {}), retryable: false };
  if (error instanceof OpenAI.APIConnectionTimeoutError) return timeoutFailure(target.baseUrl, target.timeoutMs);
  if (error instanceof OpenAI.APIConnectionError) {
    const code = causeCode(error);
    if (code === 'ECONNREFUSED') {
      return { kind: 'refused', message: `Connection refused by ${host}: is the server running, and is the port right?`, said: said('llmRefused', { host }), retryable: true };
    }
    if (causeMessages(error).includes('bad port')) {
      // fetch refuses a fixed list of ports (9, 25, 6000, …) that browsers block too.
      const port = safePort(target.baseUrl);
      return { kind: 'bad_url', message: `Port ${port} is one that HTTP clients refuse to use; run the server on another port (e.g. 8000).`, said: said('llmBadPort', { port }), retryable: false };
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return { kind: 'dns', message: `Cannot find the host '${host}': check the spelling of the base URL, or your network.`, said: said('llmDns', { host }), retryable: code === 'EAI_AGAIN' };
    }
    return {
      kind: 'network',
      message: `The connection to ${host} failed${code ? ` (${code})` : ''}: the server closed it or the network dropped. Try again.`,
      said: said('llmNetwork', { host, code: code ?? '' }),
      retryable: true,
    };
  }
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    const status = error.status;
    const told = oneLine(String((error.error as { message?: unknown } | undefined)?.message ?? error.message ?? ''));
    const base = { status, retryable: false };
    if (status === 401) {
      return { ...base, kind: 'unauthorized', message: `The server rejected the API key (401): check the key, or the environment variable that holds it.`, said: said('llmUnauthorized', {}) };
    }
    if (status === 403) return { ...base, kind: 'forbidden', message: `The key is not allowed to use this model or API (403): ${told}`, said: said('llmForbidden', { said: told }) };
    if (status === 404) {
      const aboutModel = error.code === 'model_not_found' || /model/i.test(told);
      return aboutModel
        ? { ...base, kind: 'model_not_found', message: `The server has no model '${target.model}' (404): check the model name.`, said: said('llmModelNotFound', { model: target.model }) }
        : { ...base, kind: 'bad_url', message: `Nothing OpenAI-compatible answered at ${target.baseUrl} (404): the base URL usually ends in /v1.`, said: said('llmBadUrl', { url: target.baseUrl }) };
    }
    if (status === 429) {
      const retryAfter = retryAfterSeconds(error.headers);
      return {
        ...base,
        kind: 'rate_limited',
        retryable: true,
        ...(retryAfter !== undefined ? { retryAfter } : {}),
        message: `The server is rate-limiting requests (429)${retryAfter !== undefined ? `; it asks to wait ${retryAfter} s` : ''}: ${told}`,
        said: said('llmRateLimited', { said: told, seconds: retryAfter ?? null }),
      };
    }
    if (status >= 500) return { ...base, kind: 'server_error', retryable: true, message: `The server failed (${status}): ${told}`, said: said('llmServerError', { status, said: told }) };
    return { ...base, kind: 'bad_response', message: `The server refused the request (${status}): ${told}`, said: said('llmRefusedRequest', { status, said: told }) };
  }
  if (error instanceof AnswerCutOff || (error instanceof TypeError && causeMessages(error).some((m) => m === 'terminated' || /other side closed/.test(m)))) {
    // A streamed answer cut mid-way (event-stream.ts), or a whole one, which surfaces from
    // the SDK's fetch as a bare TypeError, not an SDK error.
    return { kind: 'network', message: `The connection to ${host} broke off mid-answer. Try again.`, said: said('llmCutOff', { host }), retryable: true };
  }
  const detail = oneLine(error instanceof Error ? error.message : String(error), 120);
  return {
    kind: 'bad_response',
    message: `${host} answered with something that is not an OpenAI-compatible response (${detail}).`,
    said: said('llmNotCompatible', { host, detail }),
    retryable: true,
  };
}

function safePort(url: string): string {
  try {
    return new URL(url).port;
  } catch {
    return '?';
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
