import type { AppContext } from '../app/context';
import type { CardDraft, CardRender } from '../contract/card-assist';
import { roleCardContentShape, traitLabels, traits, type CardLanguage, type RoleCardContent } from '../contract/role-card';
import { z } from 'zod';
import { cardLabels, cardText, ratingText } from '../role-cards/card-text';
import { clientSystemPrompt } from '../simulation/views';
import { effectiveTemplate } from './prompt-store';

// A card as the client agent receives it, and the whole client system prompt around it.
// A saved card renders exactly as the simulation renders it (`cardText`). A draft being
// edited may be incomplete: its missing elements are left out (no label with an empty
// value), so the preview and a trial chat with the draft show exactly what the model gets;
// a complete draft renders exactly like a saved card.

export type CardRef = { id: number } | { draft: CardDraft };

const completeCard = z.object(roleCardContentShape);

/** The draft's elements in the paper's layout, leaving out the ones not filled in. */
export function draftCardText(draft: CardDraft): string {
  const complete = completeCard.safeParse(draft);
  if (complete.success) return cardText(complete.data as RoleCardContent, draft.language);
  const language = draft.language;
  const l = cardLabels[language];
  const line = (label: string, value: string) => `${label}${l.colon}${value.replace(/\n/g, '\n  ')}`;
  const lines: string[] = [];
  const text = (label: string, value: string | undefined) => {
    if (value !== undefined) lines.push(line(label, value));
  };
  text(l.gender, draft.gender);
  if (draft.age !== undefined) lines.push(line(l.age, l.years(draft.age)));
  text(l.education, draft.education);
  text(l.occupation, draft.occupation);
  text(l.maritalStatus, draft.maritalStatus);
  text(l.familyRelationships, draft.familyRelationships);
  const rated = traits.filter((t) => draft.bigFive?.[t] !== undefined);
  if (rated.length > 0) {
    lines.push(`${l.bigFive}${l.colon.trimEnd()}`);
    for (const t of rated) lines.push(` - ${line(traitLabels[language][t], ratingText(draft.bigFive![t]!, language))}`);
  }
  if (draft.resistance !== undefined) lines.push(line(l.resistance, ratingText(draft.resistance, language)));
  if (draft.chiefComplaint !== undefined) lines.push(`${l.chiefComplaint}${l.colon}${draft.chiefComplaint}`);
  return lines.join('\n');
}

/** The card text and its language, for a saved card (not_found if it is gone) or a draft. */
export function resolveCardText(ctx: AppContext, ref: CardRef): { language: CardLanguage; cardText: string } {
  if ('id' in ref) {
    const card = ctx.cards.get(ref.id);
    return { language: card.language, cardText: cardText(card, card.language) };
  }
  return { language: ref.draft.language, cardText: draftCardText(ref.draft) };
}

export function renderCard(ctx: AppContext, ref: CardRef): CardRender {
  const { language, cardText: text } = resolveCardText(ctx, ref);
  return { language, cardText: text, systemPrompt: clientSystemPrompt(effectiveTemplate(ctx, 'client', language), text) };
}
