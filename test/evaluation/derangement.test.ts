import { describe, expect, it } from 'vitest';
import { cardDerangement } from '../../src-main/evaluation/derangement';

const isPermutation = (p: number[]) => [...p].sort((a, b) => a - b).every((v, i) => v === i);

describe('the random group pairing', () => {
  it('gives no session its own card, uses every card once, and repeats by seed', () => {
    const cards = Array.from({ length: 50 }, (_, i) => `card ${i}`);
    for (const seed of [0, 1, 42, 2 ** 40 + 7]) {
      const p = cardDerangement(cards, seed);
      expect(isPermutation(p)).toBe(true);
      expect(p.every((j, i) => j !== i)).toBe(true);
      expect(cardDerangement(cards, seed)).toEqual(p);
    }
    expect(cardDerangement(cards, 1)).not.toEqual(cardDerangement(cards, 2));
    expect(cardDerangement(['a', 'b'], 9)).toEqual([1, 0]);
  });

  it('never pairs a session with another session of the same card text', () => {
    // Five cards simulated four times each: a plain derangement would often pair twins.
    const cards = Array.from({ length: 20 }, (_, i) => `card ${i % 5}`);
    for (let seed = 0; seed < 30; seed++) {
      const p = cardDerangement(cards, seed);
      expect(isPermutation(p)).toBe(true);
      expect(p.filter((j, i) => cards[j] === cards[i])).toEqual([]);
    }
  });

  it('repairs a draw when clashes are likely (two cards, half the sessions each)', () => {
    const cards = [...Array(30).fill('A'), ...Array(30).fill('B')] as string[];
    const p = cardDerangement(cards, 3);
    expect(isPermutation(p)).toBe(true);
    expect(p.every((j, i) => cards[j] !== cards[i])).toBe(true);
    expect(cardDerangement(cards, 3)).toEqual(p);
  });

  it('refuses when no pairing exists', () => {
    expect(() => cardDerangement(['only'], 1)).toThrow('A random group needs at least two sessions with cards (got 1)');
    expect(() => cardDerangement(['A', 'A', 'B'], 1)).toThrow('One card is used by 2 of the 3 sessions');
  });
});
