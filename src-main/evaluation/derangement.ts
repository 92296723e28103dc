import { DomainError } from '../common/errors';
import { randomFrom } from '../common/random';

// The random group's pairing (paper §4.1, "random-mapping control group"): each session is
// scored against the card of another session of the same dataset. pairing[i] = j means
// session i gets session j's card. It is a permutation (every card is used exactly once,
// as in the mapping group) with no session keeping its own card, nor a card with the same
// text (a card simulated several times appears once per session; pairing a session with its
// twin would score it against its own card).
//
// How: a seeded Fisher–Yates shuffle (mulberry32, the card split's generator), drawn again
// until no session clashes, up to MAX_DRAWS times; accepted draws are uniform over all valid
// pairings. When clashes are likely (few cards, many repeats) the last draw is repaired
// instead: each clashing session swaps cards with the first session, from a seeded random
// start, with which the swap leaves both valid. Such a partner always exists when no card
// text is held by more than half the sessions (m sessions of card A need m cards other than
// A: n − m ≥ m); otherwise no valid pairing exists at all and we say so.

const MAX_DRAWS = 100;

function shuffleInPlace(items: number[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

/** `cards[i]` is session i's card text (or any key that is equal exactly for equal cards). */
export function cardDerangement(cards: readonly string[], seed: number): number[] {
  const n = cards.length;
  if (n < 2) throw new DomainError('validation', `A random group needs at least two sessions with cards (got ${n}): no session can take another's card.`);
  const counts = new Map<string, number>();
  for (const c of cards) counts.set(c, (counts.get(c) ?? 0) + 1);
  const commonest = Math.max(...counts.values());
  if (commonest * 2 > n) {
    throw new DomainError(
      'validation',
      `One card is used by ${commonest} of the ${n} sessions; a random group pairs every session with a different card, which needs each card in at most half the sessions. Add sessions of other cards.`,
    );
  }
  const clash = (i: number, j: number) => cards[i] === cards[j];
  const random = randomFrom(seed);
  const pairing = Array.from({ length: n }, (_, i) => i);
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    shuffleInPlace(pairing, random);
    if (!pairing.some((j, i) => clash(i, j))) return pairing;
  }
  for (let i = 0; i < n; i++) {
    if (!clash(i, pairing[i]!)) continue;
    const start = Math.floor(random() * n);
    let k = 0;
    for (; k < n; k++) {
      const j = (start + k) % n;
      if (!clash(i, pairing[j]!) && !clash(j, pairing[i]!)) {
        [pairing[i], pairing[j]] = [pairing[j]!, pairing[i]!];
        break;
      }
    }
    if (k === n) throw new Error(`No valid partner for session ${i} although one must exist`); // unreachable by the counting above
  }
  return pairing;
}
