import { createAppContext, type AppContext } from '../../src-main/app/context';
import type { Result } from '../../src-main/contract';
import { createDispatch, type Dispatch } from '../../src-main/ipc/dispatch';
import { createHandlerTable } from '../../src-main/ipc/handlers';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import type { LlmServerOptions } from '../llm-server/types';
import { makeCard } from '../role-cards/support';
import { tempDbPath } from '../support/temp';

export { makeCard };

export interface Harness {
  ctx: AppContext;
  server: LlmServer;
  endpointId: number;
  cardId: number;
  dispatch: Dispatch;
  /** The channel's value, or a thrown Error naming the error code and message. */
  call<T>(channel: string, payload?: unknown): Promise<T>;
  /** The channel's error (fails if it succeeded). */
  fail(channel: string, payload?: unknown): Promise<{ code: string; message: string; issues?: { path: string; message: string }[] }>;
  close(): Promise<void>;
}

/** A context over a fresh database, an endpoint on the LLM test server and one saved card. */
export async function harness(options: { server?: LlmServerOptions; endpoint?: Record<string, unknown> } = {}): Promise<Harness> {
  const server = await startLlmServer(options.server);
  const ctx = createAppContext({ dbPath: tempDbPath() });
  const endpoint = ctx.endpoints.create({ name: 'local', baseUrl: server.url, model: 'test-model', ...options.endpoint });
  const cardId = ctx.cards.create(makeCard()).id;
  const dispatch = createDispatch(createHandlerTable(), ctx, () => {});
  return {
    ctx,
    server,
    endpointId: endpoint.id,
    cardId,
    dispatch,
    async call<T>(channel: string, payload: unknown = {}) {
      const result = (await dispatch(channel, payload)) as Result<T>;
      if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
      return result.value;
    },
    async fail(channel: string, payload: unknown = {}) {
      const result = await dispatch(channel, payload);
      if (result.ok) throw new Error(`${channel} succeeded: ${JSON.stringify(result.value).slice(0, 200)}`);
      return result.error;
    },
    async close() {
      ctx.close();
      await server.close();
    },
  };
}

/** The chat requests the server received, bodies only. */
export const chatBodies = (server: LlmServer) =>
  server.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => r.body as Record<string, unknown>);
