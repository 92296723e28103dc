import { describe, expect, it } from 'vitest';
import { annotatorAgreement, judgeAgreement, pairAgreement, type Choice, type Verdict } from '../../src-main/ratings/agreement';
import { cohensKappaOf, confusionMatrix, fleissKappa } from '../../src-main/ratings/kappa';
import { near } from './support';

// Kappas against textbook examples, then the arena's verdicts (A / B / tie / both bad).

describe("Cohen's kappa", () => {
  it('is 0.4 for the grant example (Wikipedia, "Cohen\'s kappa": 50 proposals, 20 yes–yes, 5 yes–no, 10 no–yes, 15 no–no)', () => {
    // p_o = 35/50 = 0.7; A says yes 25/50, B 30/50: p_e = 0.5·0.6 + 0.5·0.4 = 0.5; κ = 0.2/0.5 = 0.4.
    const k = cohensKappaOf([[20, 5], [10, 15]]);
    expect(k.n).toBe(50);
    near(k.observed, 0.7, 1e-12);
    near(k.expected, 0.5, 1e-12);
    near(k.kappa, 0.4, 1e-12);
  });

  it('tells apart equal agreement with different marginals (Wikipedia: 0.1304 and 0.2593, both 60 of 100 agreeing)', () => {
    // [[45, 15], [25, 15]]: p_e = 0.6·0.7 + 0.4·0.3 = 0.54, κ = 0.06/0.46; [[25, 35], [5, 35]]: p_e = 0.6·0.3 + 0.4·0.7 = 0.46, κ = 0.14/0.54.
    near(cohensKappaOf([[45, 15], [25, 15]]).kappa, 0.06 / 0.46, 1e-12);
    near(cohensKappaOf([[45, 15], [25, 15]]).kappa, 0.1304, 1e-4);
    near(cohensKappaOf([[25, 35], [5, 35]]).kappa, 0.2593, 1e-4);
  });

  it('is undefined when every rating is one category, and 1 for perfect agreement', () => {
    expect(cohensKappaOf([[7, 0], [0, 0]]).kappa).toBeNaN();
    near(cohensKappaOf([[3, 0], [0, 4]]).kappa, 1, 1e-12);
  });

  it('cross-tabulates pairs and refuses an unknown category', () => {
    expect(confusionMatrix([['y', 'y'], ['y', 'n'], ['n', 'n']], ['y', 'n'])).toEqual([[1, 1], [0, 1]]);
    expect(() => confusionMatrix([['y', 'maybe']], ['y', 'n'])).toThrow(/'maybe' is not one of the categories y, n/);
  });
});

describe("Fleiss' kappa", () => {
  it('is 0.210 for the example of 10 subjects, 14 raters, 5 categories (Wikipedia, "Fleiss\' kappa")', () => {
    const k = fleissKappa([
      [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ]);
    expect(k).toMatchObject({ items: 10, raters: 14 });
    // The article's P̄ = 0.378, P̄_e = 0.213, κ = 0.210 (numpy from the table: 0.3780220, 0.2127551, 0.2099307).
    near(k.observed, 0.378022, 1e-6);
    near(k.expected, 0.212755, 1e-6);
    near(k.kappa, 0.209931, 1e-6);
  });

  it("equals Scott's pi for two raters, and refuses uneven raters", () => {
    // Two raters, 4 items: agree on yes, yes, no; split on one. P̄ = 3/4; p_yes = 5/8, p_no = 3/8: P̄_e = 34/64; κ = (0.75 − 0.53125)/(0.46875).
    near(fleissKappa([[2, 0], [2, 0], [0, 2], [1, 1]]).kappa, (0.75 - 34 / 64) / (1 - 34 / 64), 1e-12);
    expect(() => fleissKappa([[2, 0], [1, 2]])).toThrow(/item 2 has 3, item 1 has 2/);
  });
});

const v = (itemId: string, rater: string, choice: Choice): Verdict => ({ itemId, rater, choice });

describe('agreement over arena verdicts', () => {
  const verdicts: Verdict[] = [
    v('1', 'gpt-4o', 'A'), v('1', 'ann', 'A'), v('1', 'bo', 'A'),
    v('2', 'gpt-4o', 'A'), v('2', 'ann', 'B'), v('2', 'bo', 'B'),
    v('3', 'gpt-4o', 'B'), v('3', 'ann', 'B'), v('3', 'bo', 'tie'),
    v('4', 'gpt-4o', 'tie'), v('4', 'ann', 'bothbad'),
    v('5', 'ann', 'A'), v('5', 'bo', 'A'),
  ];

  it('scores a judge against the humans on the items both judged, with the disagreements to read', () => {
    const j = judgeAgreement(verdicts, 'gpt-4o', ['ann', 'bo']);
    // Pairs (item, human): 1 ann A/A ✓, 1 bo A/A ✓, 2 ann A/B, 2 bo A/B, 3 ann B/B ✓, 3 bo B/tie, 4 ann tie/bothbad: 3 of 7.
    expect(j.n).toBe(7);
    near(j.accuracy, 3 / 7, 1e-12);
    expect(j.confusion).toEqual([[2, 2, 0, 0], [0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]]);
    // Judge: A 4, B 2, tie 1; humans: A 2, B 3, tie 1, bothbad 1 → p_e = (4·2 + 2·3 + 1·1 + 0·1)/49 = 15/49.
    near(j.kappa, (3 / 7 - 15 / 49) / (1 - 15 / 49), 1e-12);
    expect(j.disagreements).toContainEqual({ itemId: '4', first: { rater: 'gpt-4o', choice: 'tie' }, second: { rater: 'ann', choice: 'bothbad' } });
    expect(j.disagreements).toHaveLength(4);
  });

  it("gives Cohen's kappa per pair of annotators and Fleiss' kappa over the items they share", () => {
    const a = annotatorAgreement(verdicts, ['ann', 'bo']);
    expect(a.pairs).toHaveLength(1);
    // ann vs bo on items 1, 2, 3, 5: A/A, B/B, B/tie, A/A: p_o = 3/4.
    expect(a.pairs[0]).toMatchObject({ first: 'ann', second: 'bo', n: 4, accuracy: 0.75 });
    expect(a.pairs[0]!.disagreements).toEqual([{ itemId: '3', first: { rater: 'ann', choice: 'B' }, second: { rater: 'bo', choice: 'tie' } }]);
    // Fleiss over the 4 items with two ratings (item 4 has one and is left out).
    expect(a.fleiss).toMatchObject({ items: 4, raters: 2 });
    expect(a.fleissLeftOut).toBe(1);
    near(a.fleiss.observed, 3 / 4, 1e-12);
  });

  it('refuses a second verdict of one rater on one item, and a choice that is not A, B, tie or bothbad', () => {
    expect(() => pairAgreement([v('1', 'ann', 'A'), v('1', 'ann', 'B')], 'ann', 'bo')).toThrow(/Item 1 has two verdicts by ann/);
    expect(() => pairAgreement([{ itemId: '1', rater: 'ann', choice: 'C' as Choice }], 'ann', 'bo')).toThrow(/choice 'C' is not one of A, B, tie, bothbad/);
  });
});
