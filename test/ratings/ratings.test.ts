import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootstrapRatings, quantileOf, ranksByIntervals } from '../../src-main/ratings/bootstrap';
import { fitBradleyTerry, tallyBattles } from '../../src-main/ratings/bradley-terry';
import { onlineElo } from '../../src-main/ratings/elo';
import { rateBattles } from '../../src-main/ratings/rate';
import { computeRatings } from '../../src-main/ratings/ratings';
import { summariseBattles } from '../../src-main/ratings/summary';
import { sourceEntry } from '../../src-main/workers/entry';
import { WorkerPool } from '../../src-main/workers/pool';
import { TaskCancelled, type TaskProgress } from '../../src-main/workers/task';
import { appTasks } from '../../src-main/workers/tasks';
import { byName, coded, near } from './support';

// The ratings' arithmetic against values worked out by hand; reference.test.ts holds them to
// an independent implementation of Chatbot Arena's algorithms over 300 battles.

describe('online Elo, by hand', () => {
  it('takes three battles in order, with a win, a both-bad tie and a tie', () => {
    const elo = onlineElo(coded([
      ['A', 'B', 'model_a'],
      ['B', 'A', 'tie (bothbad)'],
      ['A', 'B', 'tie'],
    ]));
    // Battle 1: both at 1000, E_A = 1/(1 + 10^0) = 0.5; A wins: A = 1000 + 4(1 − 0.5) = 1002, B = 1000 + 4(0 − 0.5) = 998.
    let a = 1002;
    let b = 998;
    // Battle 2: B is model_a. E_B = 1/(1 + 10^((1002 − 998)/400)) = 1/(1 + 10^0.01) ≈ 1/2.0232930 ≈ 0.4942438;
    // a tie scores 0.5: B += 4(0.5 − 0.4942438) ≈ +0.0230248 → 998.0230248; A −= the same → 1001.9769752.
    const e2 = 1 / (1 + 10 ** ((a - b) / 400));
    near(e2, 0.4942438, 1e-7);
    b += 4 * (0.5 - e2);
    a -= 4 * (0.5 - e2);
    near(b, 998.0230248, 1e-7);
    // Battle 3: A is model_a. E_A = 1/(1 + 10^((998.0230248 − 1001.9769752)/400)) = 1/(1 + 10^−0.0098849) ≈ 0.5056899;
    // tie: A += 4(0.5 − 0.5056899) ≈ −0.0227598 → 1001.9542154; B += 0.0227598 → 998.0457846.
    const e3 = 1 / (1 + 10 ** ((b - a) / 400));
    near(e3, 0.5056899, 1e-7);
    a += 4 * (0.5 - e3);
    b -= 4 * (0.5 - e3);
    near(a, 1001.9542154, 1e-7);
    near(b, 998.0457846, 1e-7);
    expect([...elo]).toHaveLength(2);
    near(elo[0]!, a, 1e-9);
    near(elo[1]!, b, 1e-9);
    near(elo[0]! + elo[1]!, 2000, 1e-9); // what A gains B loses
  });

  it('depends on the order of the battles', () => {
    const forward = onlineElo(coded([['A', 'B', 'model_a'], ['A', 'B', 'model_b']]));
    const backward = onlineElo(coded([['A', 'B', 'model_b'], ['A', 'B', 'model_a']]));
    // Forward: A 1002, then loses at E_A = 1/(1 + 10^(−4/400)) > 0.5, so A ends below 1000.
    expect(forward[0]).toBeLessThan(1000);
    expect(backward[0]).toBeGreaterThan(1000);
  });
});

describe('Bradley–Terry, by hand', () => {
  it('fits two counselors in closed form: θ_A − θ_B = ln(points_A / points_B)', () => {
    // A beats B (A 1), B–A both bad (0.5 each), A–B tie (0.5 each): A has 2 points, B 1.
    // The maximum has σ(θ_A − θ_B) = 2/3, θ_A − θ_B = ln 2; centred, on the Elo scale:
    // 1000 ± (400/ln 10)(ln 2)/2 = 1000 ± 200·log₁₀ 2 ≈ 1000 ± 60.2059991.
    const fit = fitBradleyTerry(tallyBattles(coded([['A', 'B', 'model_a'], ['B', 'A', 'tie (bothbad)'], ['A', 'B', 'tie']])));
    expect(fit.separated).toBe(false);
    near(fit.ratings[0]!, 1000 + 200 * Math.log10(2), 1e-9);
    near(fit.ratings[1]!, 1000 - 200 * Math.log10(2), 1e-9);
    near(200 * Math.log10(2), 60.2059991, 1e-7);
  });

  it('rates a cycle of three (A beats B beats C beats A) all at 1000', () => {
    const fit = fitBradleyTerry(tallyBattles(coded([['A', 'B', 'model_a'], ['B', 'C', 'model_a'], ['A', 'C', 'model_b']])));
    for (const r of fit.ratings) near(r, 1000, 1e-9);
  });

  it('solves three counselors to the likelihood equations: each one’s points equal its expected points', () => {
    const battles = coded([
      ['A', 'B', 'model_a'], ['A', 'B', 'model_a'], ['B', 'A', 'model_a'], ['B', 'C', 'tie'], ['C', 'B', 'model_b'],
      ['C', 'A', 'model_a'], ['A', 'C', 'model_a'], ['C', 'A', 'tie (bothbad)'], ['B', 'C', 'model_a'],
    ]);
    const fit = fitBradleyTerry(tallyBattles(battles));
    const theta = [...fit.ratings].map((r) => ((r - 1000) * Math.LN10) / 400);
    // Points: A 2 + 1 + 0.5 = 3.5 of 6; B 1 + 0.5 + 2 = 3.5 of 6... as counted below from the battles.
    const points = [0, 0, 0];
    const expected = [0, 0, 0];
    for (let i = 0; i < battles.a.length; i++) {
      const [a, b, o] = [battles.a[i]!, battles.b[i]!, battles.outcome[i]!];
      const s = [0, 0.5, 1, 0.5][o]!;
      points[a]! += s;
      points[b]! += 1 - s;
      const p = 1 / (1 + Math.exp(theta[b]! - theta[a]!));
      expected[a]! += p;
      expected[b]! += 1 - p;
    }
    expect(points.reduce((x, y) => x + y)).toBe(9);
    for (let i = 0; i < 3; i++) near(expected[i]!, points[i]!, 1e-10);
    near(theta.reduce((x, y) => x + y), 0, 1e-12); // centred: mean rating 1000
  });

  it('keeps a counselor that never won finite, lowest, and says the maximum did not exist', () => {
    const fit = fitBradleyTerry(tallyBattles(coded([['A', 'B', 'model_a'], ['B', 'A', 'model_b'], ['A', 'C', 'tie'], ['C', 'B', 'model_a'], ['B', 'C', 'model_b']])));
    expect(fit.separated).toBe(true);
    expect(fit.ratings.every(Number.isFinite)).toBe(true);
    expect(fit.ratings[1]).toBeLessThan(Math.min(fit.ratings[0]!, fit.ratings[2]!) - 300);
  });
});

describe('bootstrap, intervals and ranks', () => {
  const battles = coded(Array.from({ length: 240 }, (_, i): [string, string, 'model_a' | 'model_b' | 'tie'] => {
    const pair = [['strong', 'middle'], ['middle', 'weak'], ['weak', 'strong']][i % 3]!;
    // strong beats middle 3 in 4, middle beats weak 3 in 4, strong beats weak 7 in 8; some ties.
    const aWins = i % 3 === 2 ? i % 8 === 2 : i % 4 !== 0;
    return [pair[0]!, pair[1]!, i % 10 === 5 ? 'tie' : aWins ? 'model_a' : 'model_b'];
  }));

  it('gives the same intervals for the same seed and different ones for another seed', () => {
    const one = bootstrapRatings(battles, 200, 7);
    const again = bootstrapRatings(battles, 200, 7);
    const other = bootstrapRatings(battles, 200, 8);
    expect([...again.elo]).toEqual([...one.elo]);
    expect([...again.bt]).toEqual([...one.bt]);
    expect([...other.elo]).not.toEqual([...one.elo]);
  });

  it('puts each point estimate inside its interval and ranks by non-overlap', () => {
    const r = computeRatings(battles, { bootstrap: 500, seed: 1 });
    expect(r.models.map((m) => m.name)).toEqual(['strong', 'middle', 'weak']);
    for (const m of r.models) {
      expect(m.btCi![0]).toBeLessThan(m.bt);
      expect(m.btCi![1]).toBeGreaterThan(m.bt);
      expect(m.eloCi![0]).toBeLessThan(m.eloCi![1]);
    }
    expect(r.models.map((m) => m.btRank)).toEqual([1, 2, 3]);
    expect(r.separated).toEqual({ all: false, rounds: 0 });
  });

  it('interpolates quantiles linearly (pandas, numpy type 7), leaving out rounds a model missed', () => {
    // Model 0 over 5 rounds: 5, 1, NaN, 4, 2, 3 … six rounds with m = 2, model 0 at even places.
    const samples = Float64Array.of(5, 0, 1, 0, Number.NaN, 0, 4, 0, 2, 0, 3, 0);
    // Sorted 1 2 3 4 5: h = 4q; q = 0.025 → 1 + 0.1·(2 − 1) = 1.1; q = 0.975 → 4 + 0.9 = 4.9; q = 0.5 → 3.
    const [lo, mid, hi] = quantileOf(samples, 2, 0, [0.025, 0.5, 0.975]);
    near(lo!, 1.1, 1e-12);
    near(mid!, 3, 1e-12);
    near(hi!, 4.9, 1e-12);
  });

  it('ranks as LMSYS: 1 + the models whose lower bound is above this one’s upper bound', () => {
    // A [10, 20]; B [15, 25] overlaps A; C [0, 9] is below both; D [21, 30] is above A only.
    expect(ranksByIntervals([[10, 20], [15, 25], [0, 9], [21, 30]])).toEqual([2, 1, 4, 1]);
  });
});

describe('summary matrices', () => {
  it('counts battles, wins, losses and ties per counselor and per pair', () => {
    const s = summariseBattles(coded([['A', 'B', 'model_a'], ['B', 'A', 'model_a'], ['A', 'B', 'model_a'], ['A', 'C', 'tie (bothbad)'], ['C', 'B', 'tie']]));
    expect(s.perModel).toEqual([
      { battles: 4, wins: 2, losses: 1, ties: 1, bothBad: 1 },
      { battles: 4, wins: 1, losses: 2, ties: 1, bothBad: 0 },
      { battles: 2, wins: 0, losses: 0, ties: 2, bothBad: 1 },
    ]);
    expect(s.battleCounts).toEqual([[0, 3, 1], [3, 0, 1], [1, 1, 0]]);
    expect(s.winRates).toEqual([[null, 2 / 3, null], [1 / 3, null, null], [null, null, null]]);
  });

  it('lists the matrices in the ratings’ order, highest Elo first', () => {
    const r = computeRatings(coded([['A', 'B', 'model_b'], ['A', 'B', 'model_b'], ['B', 'A', 'tie']]), { bootstrap: 0, seed: 1 });
    expect(r.models.map((m) => m.name)).toEqual(['B', 'A']);
    expect(r.winRates).toEqual([[null, 1], [0, null]]);
    expect(byName(r.models, 'A')).toMatchObject({ eloCi: null, eloRank: null, battles: 3, wins: 0, losses: 2, ties: 1 });
  });
});

describe('in a worker thread', () => {
  const pool = new WorkerPool({ registry: appTasks, size: 1, entry: sourceEntry(join(__dirname, '../../src-main/workers/worker.ts')) });
  afterAll(() => pool.close());
  const many = Array.from({ length: 3000 }, (_, i) => ({ modelA: `c${i % 4}`, modelB: `c${(i + 1 + (i % 3)) % 4}`, winner: (['model_a', 'model_b', 'tie', 'model_a'] as const)[i % 4]! }));

  it('computes what the same code computes here, reporting bootstrap rounds as progress', async () => {
    const progress: TaskProgress[] = [];
    const there = await rateBattles(pool, many, { bootstrap: 100, seed: 3 }, { onProgress: (p) => progress.push(p) });
    const here = computeRatings(coded(many.map((b) => [b.modelA, b.modelB, b.winner])), { bootstrap: 100, seed: 3 });
    expect(there).toEqual(here);
    expect(progress.at(-1)).toEqual({ done: 100, total: 100 });
  });

  it('stops when cancelled', async () => {
    const abort = new AbortController();
    const running = rateBattles(pool, many, { bootstrap: 100_000, seed: 3 }, { signal: abort.signal, onProgress: () => abort.abort() });
    await expect(running).rejects.toBeInstanceOf(TaskCancelled);
    // The thread is free again for the next task.
    expect((await rateBattles(pool, many, { bootstrap: 200, seed: 1 })).battles).toBe(3000);
  });
});
