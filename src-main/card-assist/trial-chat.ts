import type { AppContext } from '../app/context';
import type { AppEvents } from '../app/events';
import type { CardChatReply, ChatMessage as CardChatMessage } from '../contract/card-assist';
import { DomainError, keyedError } from '../common/errors';
import { createLlmClient, DEFAULT_TIMEOUT_MS, resolveApiKey } from '../llm/client';
import { classifyLlmError } from '../llm/failure';
import { readUsage, noUsage, type Usage } from '../simulation/usage';
import { agentView, clientSystemPrompt, type Turn } from '../simulation/views';
import { effectiveTemplate } from './prompt-store';
import { resolveCardText, type CardRef } from './render';

// The counselor (a person) talks to a card's simulated client. The client agent gets exactly
// what the simulation gives it: the effective client template with the card text in place,
// and the dialogue from its own side (the counselor's turns as `user`, its own as
// `assistant`). The reply streams; its text goes out on `cards:chatTokens` in batches every
// ~50 ms, and once the request is under way every chat ends with exactly one `done: true`
// event (answered, cancelled or failed). `cards:chatCancel` aborts a chat by its id.

export const CHAT_TOKEN_BATCH_MS = 50;

const CANCELLED = Symbol('cancelled');
const TIMED_OUT = Symbol('timed out');

/** Chats in flight, per context (tests run several contexts in one process). */
const inFlight = new WeakMap<object, Map<string, AbortController>>();
function chatsOf(ctx: AppContext): Map<string, AbortController> {
  let chats = inFlight.get(ctx.events);
  if (!chats) inFlight.set(ctx.events, (chats = new Map()));
  return chats;
}

/** Collects deltas and emits them at most every `intervalMs`; the timer runs only while text waits. */
export class ChatTokenBatcher {
  private pending = '';
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly events: AppEvents,
    private readonly chatId: string,
    private readonly intervalMs = CHAT_TOKEN_BATCH_MS,
  ) {}

  push(text: string): void {
    this.pending += text;
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
    this.timer.unref?.();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending === '') return;
    const delta = this.pending;
    this.pending = '';
    this.events.emit('cards:chatTokens', { chatId: this.chatId, delta, done: false });
  }

  /** The last text, if any, with `done: true`. */
  finish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const delta = this.pending;
    this.pending = '';
    this.events.emit('cards:chatTokens', { chatId: this.chatId, delta, done: true });
  }
}

/** The client agent's messages for the next reply: its system prompt, then the dialogue from its side. */
export function clientMessages(systemPrompt: string, history: readonly CardChatMessage[], message: string) {
  const turns: Turn[] = [...history.map((m) => ({ role: m.role, content: m.content })), { role: 'counselor', content: message }];
  return agentView('client', systemPrompt, turns);
}

export interface TrialChatInput {
  chatId: string;
  endpointId: number;
  card: CardRef;
  history: CardChatMessage[];
  message: string;
}

export async function trialChat(ctx: AppContext, input: TrialChatInput): Promise<CardChatReply> {
  const chats = chatsOf(ctx);
  if (chats.has(input.chatId)) {
    throw new DomainError('conflict', 'The client is still answering in this chat; wait for the reply or stop it first.', [
      { path: 'chatId', message: 'A reply is already being written for this chat' },
    ]);
  }
  const { language, cardText } = resolveCardText(ctx, input.card);
  const messages = clientMessages(clientSystemPrompt(effectiveTemplate(ctx, 'client', language), cardText), input.history, input.message);
  const endpoint = ctx.endpoints.get(input.endpointId);
  const timeoutMs = endpoint.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const client = createLlmClient(endpoint, resolveApiKey(endpoint, ctx.secrets, ctx.env), { timeoutMs });
  const target = { baseUrl: endpoint.baseUrl, model: endpoint.model, timeoutMs };

  const controller = new AbortController();
  chats.set(input.chatId, controller);
  const batcher = new ChatTokenBatcher(ctx.events, input.chatId);
  // The SDK's timeout ends at the response headers; this one covers the whole streamed answer.
  const timer = setTimeout(() => controller.abort(TIMED_OUT), timeoutMs);
  const started = performance.now();
  let content = '';
  let usage: Usage = noUsage;
  const reply = (cancelled: boolean): CardChatReply => ({
    chatId: input.chatId,
    content,
    latencyMs: Math.round(performance.now() - started),
    ...(cancelled ? { cancelled: true } : {}),
    usage: { promptTokens: usage.promptTokens, completionTokens: usage.completionTokens },
  });
  try {
    const stream = await client.chat.completions.create(
      {
        model: endpoint.model,
        messages,
        stream: true,
        stream_options: { include_usage: true },
        ...(endpoint.temperature !== null ? { temperature: endpoint.temperature } : {}),
        ...(endpoint.topP !== null ? { top_p: endpoint.topP } : {}),
        ...(endpoint.maxTokens !== null ? { max_tokens: endpoint.maxTokens } : {}),
      },
      { signal: controller.signal },
    );
    let sawChoice = false;
    for await (const chunk of stream) {
      if (chunk.usage) usage = readUsage(chunk.usage);
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      sawChoice = true;
      const delta = choice.delta?.content;
      if (delta) {
        content += delta;
        batcher.push(delta);
      }
    }
    // An abort mid-stream may end the SDK's iteration quietly rather than throw: look.
    if (controller.signal.aborted) throw controller.signal.reason;
    if (!sawChoice) throw new TypeError('the stream ended without an answer');
    return reply(false);
  } catch (error) {
    if (controller.signal.reason === CANCELLED) return reply(true);
    if (controller.signal.reason === TIMED_OUT) {
      const [host, seconds] = [hostOf(endpoint.baseUrl), Math.round(timeoutMs / 1000)];
      throw keyedError('unavailable', 'llmTimeout', { host, seconds }, `No complete answer from ${host} within ${seconds} s: try again, or raise the endpoint's timeout.`);
    }
    const failure = classifyLlmError(error, target);
    throw new DomainError('unavailable', failure.message, undefined, failure.said);
  } finally {
    clearTimeout(timer);
    chats.delete(input.chatId);
    batcher.finish();
  }
}

/** Stops a chat's reply; false when no reply was being written under that id. */
export function cancelChat(ctx: AppContext, chatId: string): { cancelled: boolean } {
  const controller = chatsOf(ctx).get(chatId);
  if (!controller) return { cancelled: false };
  controller.abort(CANCELLED);
  return { cancelled: true };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
