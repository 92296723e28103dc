import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { CardImportInput } from '../contract/role-card';
import type { DialogueImportInput } from '../contract/simulation';
import { controlCharacterIn } from '../contract/text';
import { cardText } from '../role-cards/card-text';
import { readInput, writeImport } from '../role-cards/import';
import { describeProblem } from '../role-cards/import-report';
import type { RoleCardRepository } from '../role-cards/repository';

// The card each imported client saw, so that fidelity (overlap, semantic consistency) can be
// measured on imported dialogues as on simulated ones. Three ways to give it:
//  - the paper's layout (`cards: { path, split }`): dialogue/N.json pairs with
//    raw_role_card/<split>/N.txt and element N of user_profiles/<split>.json. The cards are
//    read by the card importer's own paper reader and imported into the pool unless already
//    there (same content); the session keeps the card's id and its text exactly as the
//    simulation renders a card into the client prompt (`cardText`);
//  - a record's `card`: the card text as the client saw it, kept as given (no card id);
//  - a record's `cardId`: a card of the pool, rendered as the simulation renders it.
// Every pairing is checked before anything is written (`prepareCards` reads, `write` runs
// inside the dialogue import's transaction), so a bad pairing leaves nothing behind.

/** What a record says about its card; `place` names it for messages. */
export type CardClaim = { kind: 'text'; text: string; place: string } | { kind: 'id'; id: number; place: string };

export interface PairedCard {
  cardId: number | null;
  cardText: string;
}

/** The dialogue as the pairing sees it. */
export interface Pairable {
  externalId: string;
  place: string;
  card: CardClaim | null;
}

export interface CardPairing {
  /** Inside the import's transaction: imports the paper's cards, returns each dialogue's card (null: none). */
  write(): { cards: (PairedCard | null)[]; imported: number; existing: number };
}

/**
 * Reads `card` / `cardId` of a record (null or absent: no card). Faults are refusals naming
 * the record and the field: both given, a card that is not text or is empty, an id that is
 * not a whole number, a control character in the text.
 */
export function cardClaimOf(value: unknown, place: string, check: boolean, refusals: string[]): CardClaim | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const { card, cardId } = value as { card?: unknown; cardId?: unknown };
  const hasText = card !== undefined && card !== null;
  const hasId = cardId !== undefined && cardId !== null;
  if (hasText && hasId) {
    refusals.push(`${place}: both "card" and "cardId" are given; keep one (the card text the client saw, or the id of a card in the pool)`);
    return null;
  }
  if (hasText) {
    if (typeof card !== 'string' || card.trim() === '') {
      refusals.push(`${place}, field card: must be the card text the client saw (non-empty text), got ${typeof card === 'string' ? 'empty text' : JSON.stringify(card).slice(0, 40)}`);
      return null;
    }
    const fault = check ? controlCharacterIn(card) : undefined;
    if (fault) {
      refusals.push(`${place}, field card: holds the control character ${fault}; only tab and line breaks are allowed`);
      return null;
    }
    return { kind: 'text', text: card, place };
  }
  if (hasId) {
    if (typeof cardId !== 'number' || !Number.isSafeInteger(cardId) || cardId < 1) {
      refusals.push(`${place}, field cardId: must be the id of a card in the pool (a whole number from 1), got ${JSON.stringify(cardId).slice(0, 40)}`);
      return null;
    }
    return { kind: 'id', id: cardId, place };
  }
  return null;
}

const PAPER_FILE = /^(0|[1-9]\d*)$/;

const isFile = (path: string) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/**
 * Checks every dialogue's card without writing: the paper layout's files and their cards
 * (read and validated by the card importer), the ids of `cardId`. Problems are refusals.
 */
export function prepareCards(repo: RoleCardRepository, source: DialogueImportInput['cards'], dialogues: readonly Pairable[], refusals: string[]): CardPairing {
  const byId = new Map<number, PairedCard>();
  const rendered = (id: number): PairedCard => {
    let paired = byId.get(id);
    if (!paired) {
      const card = repo.get(id);
      byId.set(id, (paired = { cardId: id, cardText: cardText(card, card.language) }));
    }
    return paired;
  };
  for (const d of dialogues) {
    if (d.card?.kind !== 'id') continue;
    try {
      rendered(d.card.id);
    } catch {
      refusals.push(`${d.card.place}, field cardId: there is no card #${d.card.id} in the pool; import the cards first (simpsy cards import) or give the card text as "card"`);
    }
  }
  if (!source) {
    return {
      write: () => ({
        cards: dialogues.map((d) => (d.card === null ? null : d.card.kind === 'text' ? { cardId: null, cardText: d.card.text } : rendered(d.card.id))),
        imported: 0,
        existing: 0,
      }),
    };
  }

  // The paper's layout: N.json ↔ raw_role_card/<split>/N.txt.
  const folder = join(source.path, 'raw_role_card', source.split);
  const numbers = new Set<number>();
  for (const d of dialogues) {
    if (d.card) refusals.push(`${d.card.place}: carries its own card while the cards come from ${source.path}; give one of them`);
    else if (!PAPER_FILE.test(d.externalId)) refusals.push(`${d.place}: cards in the paper's layout pair dialogue/N.json files by their number N, and this is not one`);
    else if (!isFile(join(folder, `${d.externalId}.txt`))) refusals.push(`${d.place}: there is no card raw_role_card/${source.split}/${d.externalId}.txt in ${source.path}`);
    else numbers.add(Number(d.externalId));
  }
  if (refusals.length > 0) return { write: () => ({ cards: [], imported: 0, existing: 0 }) };
  const input: CardImportInput = { path: source.path, format: 'paper', dryRun: false };
  const read = readInput(input, undefined, { folder: source.split, numbers });
  for (const p of read.problems.list) refusals.push(`the card ${describeProblem(p)}`);
  if (read.problems.more > 0) refusals.push(`${read.problems.more} more problems in the cards`);
  return {
    write: () => {
      const report = writeImport(repo, input, read);
      const idOf = new Map<number, number>();
      for (const c of read.cards) {
        const n = Number(/\/(\d+)$/.exec(c.card.source)![1]);
        idOf.set(n, repo.idsWithContent(c.keys.contentHash)[0]!);
      }
      const fresh = new Set(report.ids);
      const existing = new Set([...idOf.values()].filter((id) => !fresh.has(id)));
      return { cards: dialogues.map((d) => rendered(idOf.get(Number(d.externalId))!)), imported: report.imported, existing: existing.size };
    },
  };
}
