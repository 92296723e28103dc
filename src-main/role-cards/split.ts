import type { CardSplitInput, Split, SplitResult } from '../contract/role-card';
import { DomainError } from '../common/errors';
import type { RoleCardRepository } from './repository';

// The seeded random split (the paper keeps 1,000 pool cards and 100 held-out test cards).
// Cards are put in content order (their content hash) before shuffling, so the same cards
// and the same seed give the same split in any database, whatever ids the cards got there.

/** mulberry32: a small, well-mixed 32-bit PRNG; enough for shuffling, and easy to reimplement. */
export function randomFrom(seed: number): () => number {
  // Fold a seed of up to 53 bits into 32.
  let a = (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) >>> 0, 0x9e3779b1);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates with the seeded generator: a copy of `items` in a reproducible random order. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const random = randomFrom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The split each card should have: the first `test` cards of the shuffled order go to test. */
export function planSplit(cards: { id: number; contentHash: string }[], test: number, seed: number): Map<number, Split> {
  const ordered = [...cards].sort((a, b) => (a.contentHash < b.contentHash ? -1 : a.contentHash > b.contentHash ? 1 : a.id - b.id));
  const shuffled = seededShuffle(ordered, seed);
  return new Map(shuffled.map((c, i) => [c.id, i < test ? 'test' : 'pool']));
}

export function splitCards(repo: RoleCardRepository, input: CardSplitInput): SplitResult {
  const cards = repo.splitKeys();
  if (input.test > cards.length) {
    throw new DomainError('validation', `Cannot put ${input.test} cards in the test split: there are only ${cards.length} cards.`, [
      { path: 'test', message: `At most ${cards.length}` },
    ]);
  }
  const plan = planSplit(cards, input.test, input.seed);
  const moves = cards.filter((c) => plan.get(c.id) !== c.split).map((c) => ({ id: c.id, split: plan.get(c.id)! }));
  const moved = input.dryRun ? moves.length : repo.setSplits(moves, `random split: ${input.test} test cards, seed ${input.seed}`);
  return { seed: input.seed, test: input.test, pool: cards.length - input.test, moved, dryRun: input.dryRun };
}
