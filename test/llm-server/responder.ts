import type { ChatMessage, Responder, ResponderContext } from './types';

const QUOTE_LIMIT = 80;

/** The reply when nothing is scripted: predictable from the request alone. */
export function defaultReply(lastUserMessage: string | undefined): string {
  return `reply to: ${Array.from(lastUserMessage ?? '').slice(0, QUOTE_LIMIT).join('')}`;
}

export const defaultResponder: Responder = (ctx) => defaultReply(ctx.lastUserMessage);

/** Flattens string or content-part message content to its text. */
export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      part && typeof part === 'object' && 'text' in part && typeof part.text === 'string' ? part.text : '',
    )
    .join('');
}

export function buildContext(
  body: Record<string, unknown>,
  messages: ChatMessage[],
  model: string,
  index: number,
): ResponderContext {
  // Newer models take instructions as `developer` messages; treat them like system ones.
  const system = messages.find((m) => m.role === 'system' || m.role === 'developer');
  const lastUser = messages.findLast((m) => m.role === 'user');
  return {
    body,
    messages,
    model,
    index,
    systemPrompt: system?.content,
    lastUserMessage: lastUser?.content,
    stream: body.stream === true,
  };
}
