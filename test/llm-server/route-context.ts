import type { ServerResponse } from 'node:http';
import type { DelayStep, Endpoint, FaultStep, ReplyStep, Responder } from './types';

/** A queued step after strings have become reply steps. */
export type QueuedStep = ReplyStep | FaultStep | DelayStep;

/** What the server hands each endpoint handler for one request. */
export interface RouteContext {
  res: ServerResponse;
  /** The JSON body when it is an object, else empty. */
  body: Record<string, unknown>;
  models: ReadonlySet<string>;
  /** `owned_by` of every model in /v1/models. */
  ownedBy: string;
  embeddingDim: number;
  streamChunkDelayMs: number;
  responder: Responder;
  takeStep(endpoint: Endpoint): QueuedStep | undefined;
  nextChatIndex(): number;
  /** Waits the server latency plus `extraMs`; false if the client is gone. */
  wait(extraMs?: number): Promise<boolean>;
  /** Sends an OpenAI-shaped error after the usual latency. */
  fail(status: number, message: string, code: string | null, param?: string): Promise<void>;
}

export function isFault(step: object): step is FaultStep {
  return 'fault' in step;
}

export function isReply(step: object): step is ReplyStep {
  return 'content' in step && typeof step.content === 'string';
}

export function modelNotFound(ctx: RouteContext, model: string): Promise<void> {
  return ctx.fail(404, `The model \`${model}\` does not exist or you do not have access to it.`, 'model_not_found');
}

/** The `model` field validated against the known models; undefined once an error has been sent. */
export async function requireModel(ctx: RouteContext): Promise<string | undefined> {
  const model = ctx.body.model;
  if (typeof model !== 'string' || model === '') {
    await ctx.fail(400, 'You must provide a model parameter.', null, 'model');
    return undefined;
  }
  if (!ctx.models.has(model)) {
    await modelNotFound(ctx, model);
    return undefined;
  }
  return model;
}
