import type { CardBulkInput } from '../../contract/role-card';
import type { HandlerPart } from '../handler-table';
import type { AppContext } from '../../app/context';
import { cardText } from '../../role-cards/card-text';
import { catchUpIndex, importCardsJob, searchDuplicates } from '../../role-cards/card-jobs';
import { exportCards } from '../../role-cards/export';
import { splitCards } from '../../role-cards/split';

export type CardChannel =
  | 'cards:list'
  | 'cards:get'
  | 'cards:text'
  | 'cards:create'
  | 'cards:update'
  | 'cards:remove'
  | 'cards:bulk'
  | 'cards:tags'
  | 'cards:history'
  | 'cards:revert'
  | 'cards:import'
  | 'cards:export'
  | 'cards:split'
  | 'cards:duplicates';

export function bulkCards(ctx: AppContext, input: CardBulkInput): { affected: number } {
  const ids = input.ids ?? ctx.cards.ids(input.filter ?? {});
  return { affected: ctx.cards.bulk(ids, input.action) };
}

export const cardHandlers: HandlerPart<CardChannel> = {
  'cards:list': (input, ctx) => {
    // Picks up an index catch-up an earlier session left unfinished.
    void catchUpIndex(ctx);
    return ctx.cards.list(input);
  },
  'cards:get': ({ id }, ctx) => ctx.cards.get(id),
  'cards:text': ({ id }, ctx) => {
    const card = ctx.cards.get(id);
    return { id, language: card.language, text: cardText(card, card.language) };
  },
  'cards:create': (input, ctx) => ctx.cards.create(input),
  'cards:update': (input, ctx) => ctx.cards.update(input),
  'cards:remove': ({ id }, ctx) => {
    ctx.cards.remove(id);
    return { removed: true };
  },
  'cards:bulk': (input, ctx) => bulkCards(ctx, input),
  'cards:tags': (_input, ctx) => ctx.cards.tags(),
  'cards:history': ({ id }, ctx) => ctx.cards.history(id),
  'cards:revert': ({ id, revisionId }, ctx) => ctx.cards.revert(id, revisionId),
  'cards:import': async (input, ctx) => {
    const report = await importCardsJob(ctx, input);
    void catchUpIndex(ctx);
    return report;
  },
  'cards:export': (input, ctx) => exportCards(ctx.cards, input, { protect: [ctx.dbPath] }),
  'cards:split': (input, ctx) => splitCards(ctx.cards, input),
  'cards:duplicates': (input, ctx) => searchDuplicates(ctx, input),
};
