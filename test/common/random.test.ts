import { describe, expect, it } from 'vitest';
import { randomFrom, seededSample, seededShuffle } from '../../src-main/common/random';

// The one seeded generator. A split or a run's sample made with a seed must come out the same
// in any later version, so its first numbers are pinned to mulberry32's published sequence.

describe('the seeded generator', () => {
  it('is mulberry32: the same numbers for the same seed, in any version', () => {
    const r = randomFrom(42);
    expect([r(), r()]).toEqual([0.6011037519201636, 0.44829055899754167]);
  });

  it('folds seeds above 32 bits in, rather than dropping their high bits', () => {
    expect(randomFrom(2 ** 40 + 5)()).not.toBe(randomFrom(5)());
  });

  it('samples without repeats, reproducibly, and never more than there are', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const once = seededSample(items, 10, 7);
    expect(new Set(once).size).toBe(10);
    expect(once.every((x) => items.includes(x))).toBe(true);
    expect(seededSample(items, 10, 7)).toEqual(once);
    expect(seededSample(items, 10, 8)).not.toEqual(once);
    expect(seededSample(items, 80, 7).sort((a, b) => a - b)).toEqual(items);
  });

  it('shuffles a copy and leaves the input alone', () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(seededShuffle(items, 7)).toEqual([5, 7, 2, 3, 4, 6, 8, 1]);
    expect(items).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
