import { codeBattles, type CodedBattles, type Winner } from '../../src-main/ratings/battle';

/** Battles written as [model_a, model_b, winner] triples, in chronological order. */
export const coded = (rows: [string, string, Winner][]): CodedBattles => codeBattles(rows.map(([modelA, modelB, winner]) => ({ modelA, modelB, winner })));

/** |actual − expected| ≤ tolerance (absolute: ratings are on a scale of hundreds). */
export function near(actual: number, expected: number, tolerance = 1e-9): void {
  if (!(Math.abs(actual - expected) <= tolerance)) throw new Error(`${actual} is not within ${tolerance} of ${expected}`);
}

/** A model's value by name in a result listing models in its own order. */
export const byName = <T extends { name: string }>(models: T[], name: string): T => {
  const m = models.find((x) => x.name === name);
  if (!m) throw new Error(`no model ${name}`);
  return m;
};
