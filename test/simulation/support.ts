import { createAppContext, type AppContext } from '../../src-main/app/context';
import type { RunStartInput } from '../../src-main/contract/simulation';
import type { LeaseTiming } from '../../src-main/jobs/lease';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import type { ResponderContext, ResponderResult } from '../llm-server/types';
import { makeCard } from '../role-cards/support';
import { tempDbPath } from '../support/temp';

export { paperFixtures, repoRoot } from '../role-cards/support';

/** Which agent a request is for, read from its system prompt (Figure 7 vs Figure 9, zh or en). */
export function agentOf(ctx: ResponderContext): 'client' | 'counselor' {
  const system = ctx.systemPrompt ?? '';
  if (system.includes('来访者的对话要求') || system.includes("Client's dialogue requirements")) return 'client';
  if (system.includes('咨询师') || system.includes('counselor')) return 'counselor';
  throw new Error(`Cannot tell the agent from the system prompt: ${system.slice(0, 60)}`);
}

/** Counselor turns so far in a request (the reply being asked for is the next one). */
export const counselorTurnsBefore = (ctx: ResponderContext): number =>
  ctx.messages.filter((m) => m.role === (agentOf(ctx) === 'counselor' ? 'assistant' : 'user')).length;

/** A tiny deterministic hash, so replies depend on the whole history a call was given. */
export const hash = (s: string) => [...s].reduce((h, c) => (Math.imul(h, 31) + c.codePointAt(0)!) >>> 0, 7).toString(36);

/** Never ends by a phrase, so sessions run to the turn limit; replies depend on the history. */
export function longTalk(ctx: ResponderContext): string {
  const history = hash(ctx.messages.map((m) => `${m.role}:${m.content}`).join('|'));
  return agentOf(ctx) === 'client' ? `来访者（${history}）` : `咨询师（${history}）能再说说吗？`;
}

export interface Play {
  client?: (ctx: ResponderContext, turn: number) => ResponderResult;
  /** `turn` is the 1-based number of the counselor reply being asked for. */
  counselor?: (ctx: ResponderContext, turn: number) => ResponderResult;
}

/** A responder playing both agents: by default the client talks and the counselor never ends. */
export function play(p: Play = {}) {
  return (ctx: ResponderContext): ResponderResult => {
    const agent = agentOf(ctx);
    const turn = counselorTurnsBefore(ctx) + (agent === 'counselor' ? 1 : 0);
    if (agent === 'client') return p.client?.(ctx, turn) ?? `来访者第${turn}次回应`;
    return p.counselor?.(ctx, turn) ?? `咨询师第${turn}次回应，能多说一点吗？`;
  };
}

export interface Harness {
  ctx: AppContext;
  server: LlmServer;
  endpointId: number;
  cardIds: number[];
  /** A start input with fast settings; override what the test looks at. */
  input(overrides?: Partial<RunStartInput>): RunStartInput;
  close(): Promise<void>;
}

export async function harness(options: { cards?: number; latencyMs?: number; server?: LlmServer; dbPath?: string; price?: boolean; jobLease?: LeaseTiming } = {}): Promise<Harness> {
  const server = options.server ?? (await startLlmServer({ latencyMs: options.latencyMs ?? 0 }));
  const ctx = createAppContext({ dbPath: options.dbPath ?? tempDbPath(), ...(options.jobLease ? { jobLease: options.jobLease } : {}) });
  const endpoint = ctx.endpoints.create({
    name: 'local',
    baseUrl: server.url,
    model: 'test-model',
    ...(options.price ? { priceInputPerM: 2, priceOutputPerM: 8 } : {}),
  });
  const cardIds: number[] = [];
  for (let i = 0; i < (options.cards ?? 1); i++) {
    cardIds.push(ctx.cards.create(makeCard({ chiefComplaint: `第${i + 1}号来访者的主诉：最近总是失眠，和家人关系紧张。`, age: `${20 + i}岁` })).id);
  }
  return {
    ctx,
    server,
    endpointId: endpoint.id,
    cardIds,
    input: (overrides = {}) => ({
      client: { endpointId: endpoint.id },
      counselor: { endpointId: endpoint.id },
      maxTurns: 5,
      concurrency: 4,
      retryBaseMs: 5,
      retryMaxMs: 50,
      timeoutMs: 5_000,
      ...overrides,
    }),
    close: async () => {
      await ctx.simulation.stopAll();
      ctx.close();
      if (!options.server) await server.close();
    },
  };
}

/** Creates a run and executes it to its end in this process. */
export async function simulate(h: Harness, overrides: Partial<RunStartInput> = {}) {
  const run = await h.ctx.simulation.create(h.input(overrides));
  const job = await h.ctx.simulation.execute(run.id);
  return { run: h.ctx.simulation.summary(run.id), job };
}

/** The stored dialogue of a session. */
export function messagesOf(h: Harness, sessionId: number) {
  return h.ctx.simulation.dialogues.messages(sessionId);
}

export function sessionsOf(h: Harness, runId: number) {
  return h.ctx.db
    .prepare('SELECT id, status, end_reason AS endReason, end_phrase AS endPhrase, turns, message_count AS messageCount, error, error_kind AS errorKind FROM sim_sessions WHERE run_id = ? ORDER BY seq')
    .all(runId) as { id: number; status: string; endReason: string | null; endPhrase: string | null; turns: number; messageCount: number; error: string | null; errorKind: string | null }[];
}
