import { z } from 'zod';
import { cardLanguages, cardTextLimits, elementText, extrasList, traits, writtenText, type BigFive, type CardLanguage, type RoleCardContent, type Trait } from './role-card';

// Help for the counselor designing a card: editable prompt templates, a live preview of the
// card and the whole client prompt, AI drafting from a complaint, and a trial chat in which
// the counselor talks to the card's simulated client.

export const promptKinds = ['client', 'counselor', 'drafting'] as const;
export type PromptKind = (typeof promptKinds)[number];

export const promptRef = z.strictObject({ kind: z.enum(promptKinds), language: z.enum(cardLanguages) });

/** `template: null` resets to the shipped file in resources/. */
export const promptSetInput = z.strictObject({
  kind: z.enum(promptKinds),
  language: z.enum(cardLanguages),
  template: z.string().max(50_000).nullable(),
});

export interface PromptTemplate {
  kind: PromptKind;
  language: CardLanguage;
  /** What is in effect: the user's override, else the shipped default. */
  template: string;
  shipped: string;
  isOverride: boolean;
  /** Placeholders the template must keep, e.g. {role_card}; saving one without them is refused. */
  placeholders: string[];
}

/**
 * A card being edited, possibly incomplete: the preview renders whatever is there, exactly as
 * a saved card with the same values would render (an element left empty is left out). Each
 * value given is checked as on a card; the complaint may still be empty.
 */
const e = elementText;
export const cardDraft = z.strictObject({
  gender: e.gender.optional(),
  age: e.age.optional(),
  education: e.education.optional(),
  occupation: e.occupation.optional(),
  maritalStatus: e.maritalStatus.optional(),
  familyRelationships: e.familyRelationships.optional(),
  bigFive: z.strictObject(Object.fromEntries(traits.map((t) => [t, e.trait(t).optional()])) as Record<Trait, z.ZodOptional<ReturnType<typeof e.trait>>>).optional(),
  resistance: e.resistance.optional(),
  extras: extrasList.optional(),
  chiefComplaint: writtenText('The chief complaint', cardTextLimits.chiefComplaint).optional(),
  language: z.enum(cardLanguages),
});
export type CardDraft = Partial<Omit<RoleCardContent, 'bigFive'>> & { bigFive?: Partial<BigFive>; language: CardLanguage };

/** Renders a card (saved, by id, or an unsaved draft) exactly as the client agent will receive it. */
export const cardRenderInput = z.union([z.strictObject({ id: z.number().int().positive() }), z.strictObject({ draft: cardDraft })]);

export interface CardRender {
  language: CardLanguage;
  cardText: string;
  /** The whole client system prompt: the client template with the card text in place. */
  systemPrompt: string;
}

export const cardDraftInput = z.strictObject({
  endpointId: z.number().int().positive(),
  chiefComplaint: z.string().trim().min(1, 'Write or paste a chief complaint first').max(20_000),
  language: z.enum(cardLanguages),
});

/** The eight other elements, drafted by the model and validated against the card schema. */
export interface CardDraftResult {
  draft: Omit<RoleCardContent, 'chiefComplaint'>;
  attempts: number;
  latencyMs: number;
}

export const chatMessage = z.strictObject({
  role: z.enum(['counselor', 'client']),
  content: z.string().max(10_000),
});
export type ChatMessage = z.infer<typeof chatMessage>;

/**
 * One counselor message to a card's simulated client. The reply streams on
 * `cards:chatTokens` under `chatId` (chosen by the renderer) and the whole reply is the result.
 * `history` is the conversation so far (the client's opener included), oldest first.
 */
export const cardChatInput = z.strictObject({
  chatId: z.string().min(1).max(64),
  endpointId: z.number().int().positive(),
  card: cardRenderInput,
  history: z.array(chatMessage).max(200),
  message: z.string().trim().min(1).max(10_000),
});

export interface CardChatReply {
  chatId: string;
  /** The whole reply; when cancelled, what had arrived by then. */
  content: string;
  latencyMs: number;
  /** True when `cards:chatCancel` stopped the reply part-way. */
  cancelled?: boolean;
  /** Token counts the server reported (stream_options.include_usage); null when it did not. */
  usage?: { promptTokens: number | null; completionTokens: number | null };
}

export const cardChatCancelInput = z.strictObject({ chatId: z.string().min(1).max(64) });

export const cardChatSaveInput = z.strictObject({
  cardId: z.number().int().positive(),
  endpointId: z.number().int().positive(),
  messages: z.array(chatMessage).min(1).max(400),
  note: z.string().max(2000).optional(),
});

export interface CardChatTranscript {
  id: number;
  cardId: number;
  endpointName: string;
  messages: ChatMessage[];
  note: string | null;
  createdAt: string;
}

export interface CardChatTokens {
  chatId: string;
  /** Text appended since the last event (batched, not per token). */
  delta: string;
  done: boolean;
}
