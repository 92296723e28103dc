import type { CardSplitInput, Split, SplitResult } from '../contract/role-card';
import { DomainError } from '../common/errors';
import { seededShuffle } from '../common/random';
import type { RoleCardRepository } from './repository';

// The seeded random split (the paper keeps 1,000 pool cards and 100 held-out test cards).
// Cards are put in content order (their content hash) before shuffling, so the same cards
// and the same seed give the same split in any database, whatever ids the cards got there.

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
