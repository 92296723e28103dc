import { describe, expect, it } from 'vitest';
import type { DuplicateGroup } from '../../src-main/contract/role-card';
import { duplicateFlags, otherCards } from '../../src-renderer/src/lib/duplicate-flags';

describe('duplicate flags', () => {
  it('gives each card its best similarity in its group, and an exact twin outranks a near one', () => {
    const groups: DuplicateGroup[] = [
      { kind: 'exact', cardIds: [1, 2], pairs: [{ a: 1, b: 2, similarity: 1 }] },
      {
        kind: 'near',
        cardIds: [2, 3, 4],
        pairs: [
          { a: 2, b: 3, similarity: 0.91 },
          { a: 3, b: 4, similarity: 0.95 },
        ],
      },
    ];
    const flags = duplicateFlags(groups);
    expect(flags.get(1)).toEqual({ kind: 'exact', group: [1, 2], similarity: 1 });
    expect(flags.get(2)).toEqual({ kind: 'exact', group: [1, 2], similarity: 1 });
    expect(flags.get(3)).toEqual({ kind: 'near', group: [2, 3, 4], similarity: 0.95 });
    expect(flags.get(4)).toEqual({ kind: 'near', group: [2, 3, 4], similarity: 0.95 });
    expect(flags.has(5)).toBe(false);
    // Found exact after near, the exact flag still wins.
    expect(duplicateFlags([...groups].reverse()).get(2)?.kind).toBe('exact');
  });

  it('names the first three others of a row, and says when there are more', () => {
    const flag = { kind: 'near' as const, group: [7, 8, 9, 10, 11], similarity: 0.9 };
    expect(otherCards(flag, 9)).toEqual({ ids: [7, 8, 10], more: true });
    expect(otherCards({ ...flag, group: [7, 9] }, 9)).toEqual({ ids: [7], more: false });
  });

  it('flags 5,000 cards tied by a million pairs in well under a second (it ran on the window thread for 20 s)', () => {
    const ids = Array.from({ length: 5_000 }, (_, i) => i + 1);
    const pairs = [];
    for (let a = 1; a <= 5_000; a++) for (let k = 1; k <= 200; k++) pairs.push({ a, b: ((a + k - 1) % 5_000) + 1, similarity: 0.9 + (k % 10) / 100 });
    const started = performance.now();
    const flags = duplicateFlags([{ kind: 'near', cardIds: ids, pairs }]);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(flags.size).toBe(5_000);
    expect(flags.get(1)?.similarity).toBeCloseTo(0.99);
  });
});
