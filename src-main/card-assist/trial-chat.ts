import type { AppEvents } from '../app/events';
import type { CardChatReply, ChatMessage as CardChatMessage } from '../contract/card-assist';
import { DomainError } from '../common/errors';
import { CallAborted, CallFailed } from '../llm/attempts';
import { chat } from '../llm/chat';
import { connectEndpoint, endpointTimeoutMs } from '../llm/client';
import { noUsage, type Usage } from '../llm/usage';
import { agentView, clientSystemPrompt, type Turn } from '../simulation/views';
import type { TrialChatDeps } from './deps';
import { effectiveTemplate } from './prompt-store';
import { resolveCardText, type CardRef } from './render';

// The counselor (a person) talks to a card's simulated client. The client agent gets exactly
// what the simulation gives it: the effective client template with the card text in place,
// and the dialogue from its own side (the counselor's turns as `user`, its own as
// `assistant`). The reply streams through the one chat call (llm/chat.ts), with the
// endpoint's timeout over the whole answer and no retry (a person is waiting); its text goes
// out on `cards:chatTokens` in batches every ~50 ms, and once the request is under way every
// chat ends with exactly one `done: true` event (answered, cancelled or failed).
// `cards:chatCancel` aborts a chat by its id.

export const CHAT_TOKEN_BATCH_MS = 50;

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

/** The chats answering right now, by chat id: one per app context, wired by app/context.ts with what it calls. */
export class TrialChats {
  private readonly inFlight = new Map<string, AbortController>();

  constructor(private readonly deps: TrialChatDeps) {}

  async chat(input: TrialChatInput): Promise<CardChatReply> {
    if (this.inFlight.has(input.chatId)) {
      throw new DomainError('conflict', 'The client is still answering in this chat; wait for the reply or stop it first.', [
        { path: 'chatId', message: 'A reply is already being written for this chat' },
      ]);
    }
    const { deps } = this;
    const { language, cardText } = resolveCardText(deps, input.card);
    const messages = clientMessages(clientSystemPrompt(effectiveTemplate(deps, 'client', language), cardText), input.history, input.message);
    const endpoint = deps.endpoints.get(input.endpointId);
    const target = connectEndpoint(endpoint, deps.secrets, deps.env);

    const controller = new AbortController();
    this.inFlight.set(input.chatId, controller);
    const batcher = new ChatTokenBatcher(deps.events, input.chatId);
    const started = performance.now();
    // What had arrived, for a cancelled reply.
    let content = '';
    const reply = (cancelled: boolean, usage: Usage = noUsage): CardChatReply => ({
      chatId: input.chatId,
      content,
      latencyMs: Math.round(performance.now() - started),
      ...(cancelled ? { cancelled: true } : {}),
      usage: { promptTokens: usage.promptTokens, completionTokens: usage.completionTokens },
    });
    try {
      const answer = await chat(target, messages, {
        stream: true,
        timeoutMs: endpointTimeoutMs(endpoint),
        signal: controller.signal,
        onDelta: (delta) => {
          content += delta;
          batcher.push(delta);
        },
      });
      content = answer.text;
      return reply(false, answer.usage);
    } catch (error) {
      if (error instanceof CallAborted) return reply(true);
      if (error instanceof CallFailed) throw new DomainError('unavailable', error.failure.message, undefined, error.failure.said);
      throw error;
    } finally {
      this.inFlight.delete(input.chatId);
      batcher.finish();
    }
  }

  /** Stops a chat's reply; false when no reply was being written under that id. */
  cancel(chatId: string): { cancelled: boolean } {
    const controller = this.inFlight.get(chatId);
    if (!controller) return { cancelled: false };
    controller.abort();
    return { cancelled: true };
  }
}
