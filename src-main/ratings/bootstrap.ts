import { randomFrom } from '../common/random';
import { noTaskControl, type TaskControl } from '../workers/task';
import type { CodedBattles } from './battle';
import { fitBradleyTerry, tallyCells } from './bradley-terry';
import { eloPass, packBattles } from './elo';

// Bootstrap of both ratings, as Chatbot Arena does it: each round draws n battles from the n
// with replacement (pandas' battles.sample(frac=1, replace=True)) and rates them: online Elo
// over the drawn battles *in the order drawn* (so the Elo interval reflects the order's
// arbitrariness as well as the sample's), and Bradley–Terry on the same draw, which only
// changes how often each kind of battle occurs (FastChat draws those counts from a
// multinomial; counting the drawn battles is the same distribution). One draw per round feeds
// both, so a round costs one Elo pass and one count, and the fit on the counts is O(models²).
// One seeded generator for all rounds: the same seed gives the same intervals.

export interface BootstrapSamples {
  rounds: number;
  /** Elo of model j in round r at [r·m + j]; NaN when j drew no battle that round. */
  elo: Float64Array;
  /** Bradley–Terry the same way. */
  bt: Float64Array;
  /** Rounds whose Bradley–Terry maximum did not exist (the ridge was used). */
  separatedRounds: number;
}

export function bootstrapRatings(battles: CodedBattles, rounds: number, seed: number, control: TaskControl = noTaskControl): BootstrapSamples {
  const m = battles.models.length;
  const packed = packBattles(battles);
  const draw = { random: randomFrom(seed), cells: new Uint32Array(m * m * 4), models: m };
  const ratings = new Float64Array(m);
  const samples: BootstrapSamples = { rounds, elo: new Float64Array(rounds * m), bt: new Float64Array(rounds * m), separatedRounds: 0 };
  for (let r = 0; r < rounds; r++) {
    control.checkpoint();
    control.progress(r, rounds);
    draw.cells.fill(0);
    eloPass(packed, ratings, draw);
    const fit = fitBradleyTerry(tallyCells(draw.cells, m));
    if (fit.separated) samples.separatedRounds++;
    for (let j = 0; j < m; j++) {
      // A model no drawn battle had: left out of this round (its Bradley–Terry rating is NaN then).
      samples.elo[r * m + j] = Number.isNaN(fit.ratings[j]!) ? Number.NaN : ratings[j]!;
      samples.bt[r * m + j] = fit.ratings[j]!;
    }
  }
  control.progress(rounds, rounds);
  return samples;
}

/** The q-quantile of model j's values over the rounds, NaN left out, interpolated linearly (pandas' default, numpy's type 7); NaN if none. */
export function quantileOf(samples: Float64Array, m: number, j: number, qs: readonly number[]): number[] {
  const values: number[] = [];
  for (let i = j; i < samples.length; i += m) if (!Number.isNaN(samples[i]!)) values.push(samples[i]!);
  values.sort((x, y) => x - y);
  return qs.map((q) => {
    if (values.length === 0) return Number.NaN;
    const h = (values.length - 1) * q;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, values.length - 1);
    return values[lo]! + (h - lo) * (values[hi]! - values[lo]!);
  });
}

/**
 * Rank by non-overlapping intervals, as LMSYS ranks its leaderboard: 1 + the number of models
 * whose lower bound is above this one's upper bound (so models whose intervals overlap share
 * a rank, and a rank can be skipped).
 */
export function ranksByIntervals(intervals: readonly (readonly [number, number])[]): number[] {
  return intervals.map(([, upper], i) => 1 + intervals.filter(([lower], j) => j !== i && lower > upper).length);
}
