import { cohensKappaOf, confusionMatrix, fleissKappa, type CohensKappa, type FleissKappa } from './kappa';

// Agreement over verdicts on the same items (the paper's judge accuracy, 64.4% for GPT-4o with
// Prompt 2, and the annotators' agreement among themselves). A verdict's choice is in the
// item's own frame: 'A' is the battle's model_a, whatever position an annotator saw it in
// (the annotation package maps its per-annotator shuffled order back before this).
// Choices compare exactly: a judge's tie against a human's both-bad is a disagreement.

export const choices = ['A', 'B', 'tie', 'bothbad'] as const;
export type Choice = (typeof choices)[number];

export interface Verdict {
  itemId: string;
  rater: string;
  choice: Choice;
}

export interface Disagreement {
  itemId: string;
  first: { rater: string; choice: Choice };
  second: { rater: string; choice: Choice };
}

export interface PairAgreement extends CohensKappa {
  first: string;
  second: string;
  /** Share of the common items with the same choice (= observed). */
  accuracy: number;
  /** [i][j]: items the first rater put in choices[i] and the second in choices[j]. */
  confusion: number[][];
  disagreements: Disagreement[];
}

/** The verdicts by item, then by rater; a rater's second verdict on one item is refused (imports keep one). */
function byItem(verdicts: readonly Verdict[]): Map<string, Map<string, Choice>> {
  const items = new Map<string, Map<string, Choice>>();
  for (const v of verdicts) {
    if (!choices.includes(v.choice)) throw new RangeError(`Item ${v.itemId}: ${v.rater}'s choice '${String(v.choice)}' is not one of ${choices.join(', ')}.`);
    let raters = items.get(v.itemId);
    if (!raters) items.set(v.itemId, (raters = new Map()));
    if (raters.has(v.rater)) throw new RangeError(`Item ${v.itemId} has two verdicts by ${v.rater}; keep one.`);
    raters.set(v.rater, v.choice);
  }
  return items;
}

/** Two raters on the items both rated: accuracy (share agreeing), Cohen's κ, the confusion matrix, the disagreements. */
export function pairAgreement(verdicts: readonly Verdict[], first: string, second: string): PairAgreement {
  const pairs: [Choice, Choice][] = [];
  const disagreements: Disagreement[] = [];
  for (const [itemId, raters] of byItem(verdicts)) {
    const x = raters.get(first);
    const y = raters.get(second);
    if (x === undefined || y === undefined) continue;
    pairs.push([x, y]);
    if (x !== y) disagreements.push({ itemId, first: { rater: first, choice: x }, second: { rater: second, choice: y } });
  }
  const confusion = confusionMatrix(pairs, choices);
  const kappa = cohensKappaOf(confusion);
  return { first, second, ...kappa, accuracy: kappa.observed, confusion, disagreements };
}

/**
 * A judge against the humans: one pair per (item, human) where both judged, pooled over the
 * humans (each item of the paper had one human); accuracy is the share where the judge chose
 * as the human did.
 */
export function judgeAgreement(verdicts: readonly Verdict[], judge: string, humans: readonly string[]): PairAgreement {
  const human = new Set(humans);
  // Each human's verdicts become one rater's, keyed by item and human, so each (item, human) pairs with the judge's verdict on the item.
  const judged = new Map(verdicts.filter((v) => v.rater === judge).map((v) => [v.itemId, v.choice]));
  const pooled: Verdict[] = [];
  for (const v of verdicts) {
    if (!human.has(v.rater) || !judged.has(v.itemId)) continue;
    const key = `${v.itemId}\u0000${v.rater}`;
    pooled.push({ itemId: key, rater: 'human', choice: v.choice }, { itemId: key, rater: judge, choice: judged.get(v.itemId)! });
  }
  const result = pairAgreement(pooled, judge, 'human');
  return {
    ...result,
    disagreements: result.disagreements.map((d) => {
      const [itemId, rater] = d.itemId.split('\u0000') as [string, string];
      return { itemId, first: d.first, second: { rater, choice: d.second.choice } };
    }),
  };
}

export interface AnnotatorAgreement {
  /** Cohen's κ of every pair of annotators, on the items both rated. */
  pairs: PairAgreement[];
  /** Fleiss' κ over the items rated by `fleiss.raters` annotators (the most common number; ties: the larger). */
  fleiss: FleissKappa;
  /** Items left out of Fleiss' κ for having another number of ratings. */
  fleissLeftOut: number;
}

/** Agreement among annotators (human raters, or any set of raters). */
export function annotatorAgreement(verdicts: readonly Verdict[], annotators: readonly string[]): AnnotatorAgreement {
  const names = [...annotators];
  const pairs: PairAgreement[] = [];
  for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) pairs.push(pairAgreement(verdicts, names[i]!, names[j]!));

  const among = new Set(names);
  const rows = [...byItem(verdicts.filter((v) => among.has(v.rater))).values()].map((raters) => choices.map((c) => [...raters.values()].filter((x) => x === c).length));
  const sizes = new Map<number, number>();
  for (const row of rows) {
    const n = row.reduce((a, b) => a + b, 0);
    if (n >= 2) sizes.set(n, (sizes.get(n) ?? 0) + 1);
  }
  const k = [...sizes].sort((x, y) => y[1] - x[1] || y[0] - x[0])[0]?.[0] ?? 0;
  const used = rows.filter((row) => row.reduce((a, b) => a + b, 0) === k);
  return { pairs, fleiss: fleissKappa(used), fleissLeftOut: rows.length - used.length };
}
