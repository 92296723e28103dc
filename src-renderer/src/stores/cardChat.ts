import type { CardChatTranscript, CardLanguage, ChatMessage, ChannelInput } from '@contract';
import { create } from 'zustand';
import { currentMessages } from '../i18n';
import { call } from '../lib/call';
import { apiErrorText } from '../lib/error-text';
import { notifyError, notifySuccess } from '../lib/feedback';

// "Try the client": the counselor talks, as the counselor, with the card's simulated client.
// As in the paper's simulations the client speaks first ("你好" / "Hello"); each reply
// streams in on `cards:chatTokens` under the chat id this store chose for it.

// ── State ──────────────────────────────────────────────────────────────────────
export interface TrialMessage extends ChatMessage {
  /** The client's reply is still arriving. */
  streaming?: boolean;
  /** The counselor stopped the reply: what arrived is kept. */
  stopped?: boolean;
}

export interface CardChatState {
  /** The card the conversation belongs to ('new' for a card not saved yet). */
  cardKey: number | 'new' | null;
  language: CardLanguage;
  endpointId: number | null;
  messages: TrialMessage[];
  /** The reply being streamed. */
  chatId: string | null;
  error: string | null;
  saved: boolean;
  transcripts: CardChatTranscript[];
  transcriptsFor: number | null;
}

export const openers: Record<CardLanguage, string> = { zh: '你好', en: 'Hello' };

export const useCardChatStore = create<CardChatState>()(() => ({
  cardKey: null,
  language: 'zh',
  endpointId: null,
  messages: [],
  chatId: null,
  error: null,
  saved: false,
  transcripts: [],
  transcriptsFor: null,
}));

const get = () => useCardChatStore.getState();
const set = useCardChatStore.setState;

const cancelled = new Set<string>();
const newChatId = () => `trial-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

// ── Actions ────────────────────────────────────────────────────────────────────
export const cardChatActions = {
  /** A fresh conversation for a card: the client's opener only. Keeps the chosen endpoint. */
  begin(cardKey: number | 'new', language: CardLanguage): void {
    const { chatId } = get();
    if (chatId) void cardChatActions.stop();
    set({ cardKey, language, messages: [{ role: 'client', content: openers[language] }], chatId: null, error: null, saved: false });
  },

  /** Same card, same language: keep the conversation; otherwise start again. */
  ensure(cardKey: number | 'new', language: CardLanguage): void {
    const s = get();
    if (s.cardKey !== cardKey || s.language !== language || s.messages.length === 0) cardChatActions.begin(cardKey, language);
  },

  /** A card created from 'new' keeps its conversation under its id. */
  adopt(id: number): void {
    if (get().cardKey === 'new') set({ cardKey: id });
  },

  setEndpoint(endpointId: number | null): void {
    set({ endpointId });
  },

  async send(text: string, card: ChannelInput<'cards:chat'>['card']): Promise<void> {
    const s = get();
    const message = text.trim();
    if (!message || s.chatId || s.endpointId === null) return;
    const history: ChatMessage[] = s.messages.filter((m) => m.content.trim()).map(({ role, content }) => ({ role, content }));
    const chatId = newChatId();
    set({
      chatId,
      error: null,
      saved: false,
      messages: [...s.messages, { role: 'counselor', content: message }, { role: 'client', content: '', streaming: true }],
    });
    const result = await call(() => window.api.cards.chat({ chatId, endpointId: s.endpointId!, card, history, message }));
    const wasCancelled = cancelled.has(chatId);
    cancelled.delete(chatId);
    if (get().chatId !== chatId) return;
    set((state) => {
      const messages = [...state.messages];
      const last = messages[messages.length - 1]!;
      if (result.ok) {
        const stopped = wasCancelled || result.value.cancelled === true;
        if (stopped && !result.value.content.trim()) messages.pop();
        else messages[messages.length - 1] = { role: 'client', content: result.value.content, ...(stopped ? { stopped } : {}) };
        return { messages, chatId: null };
      }
      if (wasCancelled) {
        if (last.content.trim()) messages[messages.length - 1] = { role: 'client', content: last.content, stopped: true };
        else messages.pop();
        return { messages, chatId: null };
      }
      // A failed reply: the counselor's message stays so it can be sent again.
      if (!last.content.trim()) messages.pop();
      else messages[messages.length - 1] = { role: 'client', content: last.content, stopped: true };
      return { messages, chatId: null, error: result.ok ? null : apiErrorText(result.error, currentMessages()) };
    });
  },

  /** Appends streamed text to the reply it belongs to. */
  applyTokens(payload: { chatId: string; delta: string; done: boolean }): void {
    if (payload.chatId !== get().chatId || !payload.delta) return;
    set((s) => {
      const messages = [...s.messages];
      const last = messages[messages.length - 1];
      if (!last || !last.streaming) return {};
      messages[messages.length - 1] = { ...last, content: last.content + payload.delta };
      return { messages };
    });
  },

  subscribe(): () => void {
    return window.api.cards.onChatTokens((payload) => cardChatActions.applyTokens(payload));
  },

  async stop(): Promise<void> {
    const { chatId } = get();
    if (!chatId) return;
    cancelled.add(chatId);
    const result = await call(() => window.api.cards.chatCancel({ chatId }));
    if (!result.ok) notifyError(currentMessages().cards.chat.stopFailed, result.error);
  },

  /** The counselor's last message back in the box, and the exchange removed (to try another wording). */
  retractLast(): string | null {
    const s = get();
    if (s.chatId) return null;
    const index = s.messages.map((m) => m.role).lastIndexOf('counselor');
    if (index < 0) return null;
    const text = s.messages[index]!.content;
    set({ messages: s.messages.slice(0, index), error: null, saved: false });
    return text;
  },

  async save(cardId: number, note?: string): Promise<boolean> {
    const s = get();
    if (s.endpointId === null) return false;
    const messages = s.messages.filter((m) => m.content.trim()).map(({ role, content }) => ({ role, content }));
    const result = await call(() =>
      window.api.cards.chatSave({ cardId, endpointId: s.endpointId!, messages, ...(note?.trim() ? { note: note.trim() } : {}) }),
    );
    if (!result.ok) {
      notifyError(currentMessages().cards.chat.saveFailed, result.error);
      return false;
    }
    set({ saved: true });
    notifySuccess(currentMessages().cards.chat.savedToast);
    await cardChatActions.loadTranscripts(cardId);
    return true;
  },

  async loadTranscripts(cardId: number): Promise<void> {
    const result = await call(() => window.api.cards.chats({ id: cardId }));
    if (result.ok) set({ transcripts: result.value, transcriptsFor: cardId });
    else set({ transcripts: [], transcriptsFor: cardId });
  },
};

// ── Selectors ──────────────────────────────────────────────────────────────────
export const selectStreaming = (s: CardChatState) => s.chatId !== null;
export const selectTurns = (s: CardChatState) => s.messages.filter((m) => m.role === 'counselor').length;
