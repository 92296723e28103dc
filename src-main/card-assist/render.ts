import type { CardDraft, CardRender } from '../contract/card-assist';
import { traits, type CardLanguage, type RoleCardContent } from '../contract/role-card';
import { cardText } from '../role-cards/card-text';
import { clientSystemPrompt } from '../simulation/views';
import type { CardSource } from './deps';
import { effectiveTemplate, type TemplateSource } from './prompt-store';

// A card as the client agent receives it, and the whole client system prompt around it.
// A saved card renders exactly as the simulation renders it (`cardText`). A draft being
// edited renders the same way: an element not filled in yet is left out, as on a saved card,
// so the preview and a trial chat with the draft show exactly what the model gets.

export type CardRef = { id: number } | { draft: CardDraft };

/** The draft's elements in the paper's layout, leaving out the ones not filled in. */
export function draftCardText(draft: CardDraft): string {
  const card: RoleCardContent = {
    gender: draft.gender ?? '',
    age: draft.age ?? '',
    education: draft.education ?? '',
    occupation: draft.occupation ?? '',
    maritalStatus: draft.maritalStatus ?? '',
    familyRelationships: draft.familyRelationships ?? '',
    bigFive: Object.fromEntries(traits.map((t) => [t, draft.bigFive?.[t] ?? ''])) as RoleCardContent['bigFive'],
    resistance: draft.resistance ?? '',
    extras: draft.extras ?? [],
    chiefComplaint: draft.chiefComplaint ?? '',
  };
  return cardText(card, draft.language);
}

/** The card text and its language, for a saved card (not_found if it is gone) or a draft. */
export function resolveCardText(ctx: CardSource, ref: CardRef): { language: CardLanguage; cardText: string } {
  if ('id' in ref) {
    const card = ctx.cards.get(ref.id);
    return { language: card.language, cardText: cardText(card, card.language) };
  }
  return { language: ref.draft.language, cardText: draftCardText(ref.draft) };
}

export function renderCard(ctx: CardSource & TemplateSource, ref: CardRef): CardRender {
  const { language, cardText: text } = resolveCardText(ctx, ref);
  return { language, cardText: text, systemPrompt: clientSystemPrompt(effectiveTemplate(ctx, 'client', language), text) };
}
