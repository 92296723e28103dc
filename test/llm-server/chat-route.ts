import { completionObject, streamChunks, type Reply } from './chat-format';
import { sendFault, sendTruncatedJson } from './faults';
import { sendJson } from './http-util';
import { buildContext, defaultReply, messageText } from './responder';
import { isFault, isReply, requireModel, type RouteContext } from './route-context';
import { writeSse } from './sse';
import type { ChatMessage, FaultStep, ReplyStep, ResponderContext, ResponderResult } from './types';

function parseMessages(value: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const messages: ChatMessage[] = [];
  for (const m of value) {
    if (!m || typeof m !== 'object' || typeof m.role !== 'string') return undefined;
    messages.push({ role: m.role, content: messageText(m.content) });
  }
  return messages;
}

function asStep(result: ResponderResult): ReplyStep | FaultStep {
  return typeof result === 'string' ? { content: result } : result;
}

/** The queued step if it says what to answer; otherwise the responder's answer, with the step's extra delay. */
async function decide(ctx: RouteContext, responderCtx: ResponderContext): Promise<ReplyStep | FaultStep> {
  const step = ctx.takeStep('chat');
  if (step && (isFault(step) || isReply(step))) return step;
  const answer = asStep(await ctx.responder(responderCtx));
  if (!step?.delayMs) return answer;
  return { ...answer, delayMs: (answer.delayMs ?? 0) + step.delayMs };
}

export async function handleChat(ctx: RouteContext): Promise<void> {
  const model = await requireModel(ctx);
  if (model === undefined) return;
  const messages = parseMessages(ctx.body.messages);
  if (!messages) {
    return ctx.fail(400, "Invalid 'messages': expected an array of message objects with a string 'role'.", 'invalid_type', 'messages');
  }
  const index = ctx.nextChatIndex();
  const responderCtx = buildContext(ctx.body, messages, model, index);
  const outcome = await decide(ctx, responderCtx);
  if (!(await ctx.wait(outcome.delayMs))) return;

  const stream = responderCtx.stream;
  const meta = { id: `chatcmpl-test-${index}`, model, created: Math.floor(Date.now() / 1000) };
  if (isFault(outcome) && outcome.fault !== 'cut_stream') return sendFault(ctx.res, outcome, model, stream);

  const reply: Reply = isFault(outcome)
    ? { content: outcome.content ?? defaultReply(responderCtx.lastUserMessage), finishReason: 'stop' }
    : { content: outcome.content, finishReason: outcome.finishReason ?? 'stop', usage: outcome.usage };
  const cutAfter = isFault(outcome) ? (outcome.afterChunks ?? 2) : undefined;

  if (!stream) {
    const completion = completionObject(meta, messages, reply);
    return cutAfter === undefined ? sendJson(ctx.res, 200, completion) : sendTruncatedJson(ctx.res, completion);
  }
  const options = ctx.body.stream_options;
  const includeUsage = !!options && typeof options === 'object' && 'include_usage' in options && options.include_usage === true;
  await writeSse(ctx.res, streamChunks(meta, messages, reply, includeUsage), ctx.streamChunkDelayMs, cutAfter);
}
