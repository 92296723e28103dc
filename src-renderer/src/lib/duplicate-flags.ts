import type { DuplicateGroup } from '@contract';

export interface DuplicateFlag {
  kind: 'exact' | 'near';
  /** Every card of its group, this one included (shared by the group, not copied per card). */
  group: number[];
  /** Its highest similarity to another card of the group. */
  similarity: number;
}

/**
 * The flag each card of the pool shows, in one pass over the groups and their pairs. A
 * search over 10,000 generated cards returns groups of thousands of cards and millions of
 * pairs: looking up each card's pairs, or copying its group minus itself, froze the window
 * for 20 s. An exact twin outranks a near one.
 */
export function duplicateFlags(groups: readonly DuplicateGroup[]): Map<number, DuplicateFlag> {
  const flags = new Map<number, DuplicateFlag>();
  for (const group of groups) {
    const best = new Map<number, number>();
    for (const { a, b, similarity } of group.pairs) {
      if (similarity > (best.get(a) ?? 0)) best.set(a, similarity);
      if (similarity > (best.get(b) ?? 0)) best.set(b, similarity);
    }
    for (const id of group.cardIds) {
      const previous = flags.get(id);
      if (previous && (previous.kind === 'exact' || group.kind === 'near')) continue;
      flags.set(id, { kind: group.kind, group: group.cardIds, similarity: best.get(id) ?? 0 });
    }
  }
  return flags;
}

/** The first few other cards of a flagged card's group, for its row ("#12 #40 #41 …"). */
export function otherCards(flag: DuplicateFlag, id: number, shown = 3): { ids: number[]; more: boolean } {
  const ids: number[] = [];
  for (const other of flag.group) {
    if (other === id) continue;
    if (ids.length === shown) return { ids, more: true };
    ids.push(other);
  }
  return { ids, more: false };
}
