import type { CardChatTranscript, ChatMessage } from '../contract/card-assist';
import { now } from '../common/time';
import type { Db } from '../storage/database';
import { cardText } from '../role-cards/card-text';
import type { CardSource, EndpointAccess } from './deps';

/** What transcripts read and write: the card_chats table, its cards and the endpoint's name. */
type TranscriptDeps = CardSource & Pick<EndpointAccess, 'endpoints'> & { readonly db: Db };

// Trial-chat transcripts (table card_chats, migration 004): kept with their card and deleted
// with it. The card text is stored as the client received it at saving time, and the
// endpoint's name as it was then.

interface TranscriptRow {
  id: number;
  card_id: number;
  endpoint_name: string;
  messages: string;
  note: string | null;
  created_at: string;
}

const toView = (r: TranscriptRow): CardChatTranscript => ({
  id: r.id,
  cardId: r.card_id,
  endpointName: r.endpoint_name,
  messages: JSON.parse(r.messages) as ChatMessage[],
  note: r.note,
  createdAt: r.created_at,
});

export function saveTranscript(
  ctx: TranscriptDeps,
  input: { cardId: number; endpointId: number; messages: ChatMessage[]; note?: string | undefined },
): CardChatTranscript {
  const card = ctx.cards.get(input.cardId);
  const endpoint = ctx.endpoints.get(input.endpointId);
  const messages = input.messages.map((m) => ({ role: m.role, content: m.content }));
  const note = input.note?.trim() ? input.note.trim() : null;
  const info = ctx.db
    .prepare(
      `INSERT INTO card_chats (card_id, endpoint_id, endpoint_name, messages, note, card_text, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(card.id, endpoint.id, endpoint.name, JSON.stringify(messages), note, cardText(card, card.language), now());
  return toView(ctx.db.prepare('SELECT * FROM card_chats WHERE id = ?').get(Number(info.lastInsertRowid)) as TranscriptRow);
}

/** A card's transcripts, newest first. */
export function listTranscripts(ctx: Omit<TranscriptDeps, 'endpoints'>, cardId: number): CardChatTranscript[] {
  ctx.cards.get(cardId);
  const rows = ctx.db.prepare('SELECT * FROM card_chats WHERE card_id = ? ORDER BY id DESC').all(cardId) as TranscriptRow[];
  return rows.map(toView);
}
