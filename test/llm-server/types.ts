import type { IncomingHttpHeaders } from 'node:http';

export interface LlmServerOptions {
  /** Listening port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Model ids the server knows; others get 404 model_not_found. */
  models?: string[];
  /** `owned_by` in /v1/models ('llm-test-server'); real servers name themselves there ('vllm', 'llamacpp', …). */
  ownedBy?: string;
  /** When set, every /v1 call must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Delay before any response starts (simulated network + inference time). */
  latencyMs?: number;
  /** Length of embedding vectors unless the request asks for `dimensions`. */
  embeddingDim?: number;
  /** Pause between streamed chunks. */
  streamChunkDelayMs?: number;
  /** Keep `requests`; turn off for long benchmarks so the log does not grow without bound. */
  logRequests?: boolean;
}

export interface LoggedRequest {
  method: string;
  path: string;
  /** Parsed JSON body; undefined when there was none or it did not parse. */
  body: unknown;
  headers: IncomingHttpHeaders;
  /** Arrival time, ms since epoch. */
  time: number;
}

/** Which endpoint a queued step is meant for; chat when omitted. */
export type Endpoint = 'chat' | 'embeddings';

interface StepBase {
  /** Extra delay on top of the server latency, for this request only. */
  delayMs?: number;
  endpoint?: Endpoint;
}

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls';

export interface UsageOverride {
  prompt_tokens?: number;
  completion_tokens?: number;
  cached_tokens?: number;
}

/** A scripted assistant reply (chat only). */
export interface ReplyStep extends StepBase {
  content: string;
  finishReason?: FinishReason;
  usage?: UsageOverride;
}

/** Neither reply nor fault: answer normally, only later (delayMs). */
export type DelayStep = StepBase;

export type Fault =
  | { fault: 'rate_limit'; retryAfter?: number }
  | { fault: 'server_error'; status?: 500 | 502 | 503 }
  | { fault: 'hang' }
  | { fault: 'drop' }
  | { fault: 'malformed' }
  | { fault: 'cut_stream'; afterChunks?: number; content?: string }
  | { fault: 'unauthorized' }
  | { fault: 'status'; status: number; body?: unknown };

export type FaultStep = Fault & StepBase;

/** One scripted behaviour; a bare string is a chat reply. */
export type Step = string | ReplyStep | FaultStep | DelayStep;

export interface ChatMessage {
  role: string;
  /** Text of the message; array content is flattened to its text parts. */
  content: string;
}

export interface ResponderContext {
  /** The parsed request body, as sent. */
  body: Record<string, unknown>;
  messages: ChatMessage[];
  model: string;
  /** 0-based count of valid chat completion requests before this one (since start or reset). */
  index: number;
  /** Content of the first system (or developer) message. */
  systemPrompt: string | undefined;
  lastUserMessage: string | undefined;
  stream: boolean;
}

export type ResponderResult = string | ReplyStep | FaultStep;

export type Responder = (ctx: ResponderContext) => ResponderResult | Promise<ResponderResult>;

export interface LlmServer {
  /** Base URL including `/v1`, ready for `new OpenAI({ baseURL })`. */
  readonly url: string;
  readonly port: number;
  readonly requests: readonly LoggedRequest[];
  /** Replaces the chat responder used once the queue has no step for a request. */
  respond(fn: Responder): void;
  /** Queues steps consumed in order, each by the next request to its endpoint. */
  enqueue(...steps: Step[]): void;
  setLatency(ms: number): void;
  /** Clears queue and log, restores the default responder and the initial latency. */
  reset(): void;
  /** Stops listening and destroys every socket, hung ones included. */
  close(): Promise<void>;
}
