// An OpenAI-compatible HTTP server on loopback for tests and benchmarks: the
// real `openai` client talks to it over real HTTP, so nothing mocks the SDK.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleChat } from './chat-route';
import { handleEmbeddings } from './embeddings-route';
import { errorBody, readBody, sendError, sendJson, wait } from './http-util';
import { handleListModels, handleRetrieveModel } from './models-route';
import { defaultResponder } from './responder';
import type { QueuedStep, RouteContext } from './route-context';
import type { Endpoint, LlmServer, LlmServerOptions, LoggedRequest, Responder, Step } from './types';

export type * from './types';
export { defaultReply, defaultResponder } from './responder';
export { embedText } from './embed';
export { countTokens } from './tokens';

type Handler = (ctx: RouteContext) => Promise<void>;

function route(method: string, path: string): Handler | undefined {
  if (method === 'POST' && path === '/v1/chat/completions') return handleChat;
  if (method === 'POST' && path === '/v1/embeddings') return handleEmbeddings;
  if (method === 'GET' && path === '/v1/models') return handleListModels;
  if (method === 'GET' && path.startsWith('/v1/models/')) {
    const id = decodeURIComponent(path.slice('/v1/models/'.length));
    return (ctx) => handleRetrieveModel(ctx, id);
  }
  return undefined;
}

export async function startLlmServer(options: LlmServerOptions = {}): Promise<LlmServer> {
  const models: ReadonlySet<string> = new Set(options.models ?? ['test-model', 'test-embed']);
  const initialLatency = options.latencyMs ?? 0;
  const logRequests = options.logRequests ?? true;
  const requests: LoggedRequest[] = [];
  const queue: QueuedStep[] = [];
  let responder: Responder = defaultResponder;
  let latencyMs = initialLatency;
  let chatCount = 0;
  let requestCount = 0;

  function context(res: ServerResponse, body: unknown): RouteContext {
    const delay = (extraMs = 0) => wait(latencyMs + extraMs, res);
    return {
      res,
      body: body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {},
      models,
      ownedBy: options.ownedBy ?? 'llm-test-server',
      embeddingDim: options.embeddingDim ?? 64,
      streamChunkDelayMs: options.streamChunkDelayMs ?? 0,
      responder,
      takeStep(endpoint: Endpoint) {
        const i = queue.findIndex((s) => (s.endpoint ?? 'chat') === endpoint);
        return i === -1 ? undefined : queue.splice(i, 1)[0];
      },
      nextChatIndex: () => chatCount++,
      wait: delay,
      async fail(status, message, code, param) {
        if (!(await delay())) return;
        sendJson(res, status, errorBody(message, 'invalid_request_error', code, param));
      },
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = Date.now();
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const raw = await readBody(req);
    let body: unknown;
    let badJson = false;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        badJson = true;
      }
    }
    if (logRequests) requests.push({ method, path, body, headers: req.headers, time });
    res.setHeader('x-request-id', `req_test_${++requestCount}`);

    const ctx = context(res, body);
    const handler = route(method, path);
    // A distinct, non-model 404 lets the app tell a wrong base URL (say, missing /v1) from a missing model.
    if (!handler) return ctx.fail(404, `Unknown path ${path}`, null);
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      const message = req.headers.authorization ? 'Incorrect API key provided.' : "You didn't provide an API key.";
      return ctx.fail(401, message, 'invalid_api_key');
    }
    if (badJson) return ctx.fail(400, 'We could not parse the JSON body of your request.', null);
    await handler(ctx);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A throwing responder is a bug in the test: surface it as a 500 the client will report.
      if (res.headersSent) res.destroy();
      else sendError(res, 500, `LLM test server: ${err instanceof Error ? err.message : String(err)}`, 'server_error', null);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    respond(fn) {
      responder = fn;
    },
    enqueue(...steps: Step[]) {
      for (const step of steps) queue.push(typeof step === 'string' ? { content: step } : step);
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    reset() {
      queue.length = 0;
      requests.length = 0;
      responder = defaultResponder;
      latencyMs = initialLatency;
      chatCount = 0;
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // close() alone waits for open requests, hung ones included; end them now.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
