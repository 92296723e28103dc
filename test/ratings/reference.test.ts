import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeBattles } from '../../src-main/ratings/battle';
import { parseBattlesFile } from '../../src-main/ratings/battles-file';
import { computeRatings } from '../../src-main/ratings/ratings';
import { byName, near } from './support';

// 300 battles among five counselors (test/fixtures/ratings/battles-300.jsonl: wins, ties and
// both-bad ties, written in shuffled order with increasing tstamps), rated by an independent
// implementation of Chatbot Arena's algorithms in Python:
//   python3 test/ratings/reference/fastchat_reference.py   (numpy 2.4.6, scipy 1.17.1; run 2026-11-29)
// Elo: FastChat's compute_elo loop (10 ** x, E_A and E_B each by its formula), over the battles
// sorted by tstamp. Bradley–Terry: FastChat's weighted logistic loss minimised by scipy's L-BFGS-B
// (gtol 1e-13), and, as a check, Hunter's MM algorithm; the two agree within 1e-9.

export const fixture = join(__dirname, '../fixtures/ratings/battles-300.jsonl');

const elo: [string, number][] = [
  ['gpt-4o', 995.9628683018834],
  ['baseline', 959.436065937395],
  ['simpsybot_Q', 1000.1941922199675],
  ['心理咨询师-7B', 975.429570520237],
  ['simpsybot_D', 1068.977303020518],
];
const btLbfgs: [string, number][] = [
  ['baseline', 918.6856595087822],
  ['gpt-4o', 1002.0052659665611],
  ['simpsybot_D', 1120.6898480327693],
  ['simpsybot_Q', 1001.5599031180915],
  ['心理咨询师-7B', 957.059323373796],
];
const btMm: [string, number][] = [
  ['baseline', 918.685659509473],
  ['gpt-4o', 1002.0052659663396],
  ['simpsybot_D', 1120.6898480318637],
  ['simpsybot_Q', 1001.5599031185707],
  ['心理咨询师-7B', 957.059323373753],
];

describe('ratings of 300 battles against the Python reference', () => {
  const battles = parseBattlesFile(readFileSync(fixture, 'utf8'), fixture);
  const r = computeRatings(codeBattles(battles), { bootstrap: 0, seed: 1 });

  it('reads all 300 in tstamp order', () => {
    expect(r.battles).toBe(300);
    const times = battles.map((b) => Date.parse(b.at!));
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it.each(elo)('online Elo of %s is %s', (name, value) => near(byName(r.models, name).elo, value, 1e-9));
  it.each(btLbfgs)('Bradley–Terry of %s is %s (L-BFGS-B)', (name, value) => near(byName(r.models, name).bt, value, 1e-8));
  it.each(btMm)('Bradley–Terry of %s is %s (MM)', (name, value) => near(byName(r.models, name).bt, value, 1e-9));

  it('would differ in file order: the sort by tstamp matters', () => {
    const lines = readFileSync(fixture, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const unsorted = lines.map((l) => ({ model_a: l.model_a, model_b: l.model_b, winner: l.winner }));
    const inFileOrder = computeRatings(codeBattles(parseBattlesFile(unsorted.map((l) => JSON.stringify(l)).join('\n'), 'x.jsonl')), { bootstrap: 0, seed: 1 });
    expect(Math.abs(byName(inFileOrder.models, 'gpt-4o').elo - elo[0]![1])).toBeGreaterThan(0.01);
    near(byName(inFileOrder.models, 'gpt-4o').bt, btMm[1]![1], 1e-9); // Bradley–Terry ignores order
  });
});
