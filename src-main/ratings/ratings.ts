import type { TaskControl } from '../workers/task';
import { noTaskControl } from '../workers/task';
import type { CodedBattles } from './battle';
import { bootstrapRatings, quantileOf, ranksByIntervals } from './bootstrap';
import { fitBradleyTerry, tallyBattles } from './bradley-terry';
import { onlineElo } from './elo';
import type { Ratings } from '../contract/arena';
import { summariseBattles } from './summary';

// The ratings of a set of battles: online Elo (chronological) and Bradley–Terry, each with a
// 95% bootstrap interval and a rank by non-overlapping intervals, plus the battle counts and
// win rates per pair. Runs in a worker (the task below); see docs/ratings.md.

export const DEFAULT_BOOTSTRAP = 1000;

export interface RatingsOptions {
  /** Bootstrap rounds (0: no intervals or ranks). */
  bootstrap: number;
  seed: number;
}

// The shapes of the result live in the contract: the window reads them too.
export type { ModelRating, Ratings } from '../contract/arena';

const interval = (samples: Float64Array, m: number, j: number): [number, number] => quantileOf(samples, m, j, [0.025, 0.975]) as [number, number];

export function computeRatings(battles: CodedBattles, options: RatingsOptions, control: TaskControl = noTaskControl): Ratings {
  const m = battles.models.length;
  const elo = onlineElo(battles);
  const bt = fitBradleyTerry(tallyBattles(battles));
  const summary = summariseBattles(battles);
  const samples = options.bootstrap > 0 ? bootstrapRatings(battles, options.bootstrap, options.seed, control) : null;
  const eloCis = samples ? battles.models.map((_, j) => interval(samples.elo, m, j)) : null;
  const btCis = samples ? battles.models.map((_, j) => interval(samples.bt, m, j)) : null;
  const eloRanks = eloCis && ranksByIntervals(eloCis);
  const btRanks = btCis && ranksByIntervals(btCis);
  const order = battles.models.map((_, j) => j).sort((x, y) => elo[y]! - elo[x]! || (battles.models[x]! < battles.models[y]! ? -1 : 1));
  return {
    battles: battles.a.length,
    bootstrap: options.bootstrap,
    seed: options.seed,
    models: order.map((j) => ({
      name: battles.models[j]!,
      elo: elo[j]!,
      eloCi: eloCis?.[j] ?? null,
      eloRank: eloRanks?.[j] ?? null,
      bt: bt.ratings[j]!,
      btCi: btCis?.[j] ?? null,
      btRank: btRanks?.[j] ?? null,
      ...summary.perModel[j]!,
    })),
    battleCounts: order.map((i) => order.map((j) => summary.battleCounts[i]![j]!)),
    winRates: order.map((i) => order.map((j) => summary.winRates[i]![j]!)),
    separated: { all: bt.separated, rounds: samples?.separatedRounds ?? 0 },
  };
}

export interface RatingsInput extends RatingsOptions {
  battles: CodedBattles;
}

/** The worker task 'ratings.compute' (its progress: bootstrap rounds done). */
export const ratingsTask = (input: RatingsInput, control: TaskControl): Ratings => computeRatings(input.battles, input, control);
