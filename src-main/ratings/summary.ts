import { Outcome, type CodedBattles } from './battle';

// What the battles were, per model and per pair: the paper's Table 4 (battles, wins, ties
// per counselor), Figure 14 (battles between each pair) and the win-rate heatmap.

export interface ModelTally {
  battles: number;
  wins: number;
  losses: number;
  /** Ties of both kinds ('tie' and 'tie (bothbad)'). */
  ties: number;
  /** Of those, the both-bad ones. */
  bothBad: number;
}

export interface BattleSummary {
  perModel: ModelTally[];
  /** [i][j]: battles between i and j, in either position (symmetric; 0 on the diagonal). */
  battleCounts: number[][];
  /**
   * [i][j]: the share of the decisive battles between i and j that i won, ties left out (as
   * FastChat's win-fraction heatmap); null when they had no decisive battle.
   */
  winRates: (number | null)[][];
}

export function summariseBattles(battles: CodedBattles): BattleSummary {
  const m = battles.models.length;
  const perModel: ModelTally[] = battles.models.map(() => ({ battles: 0, wins: 0, losses: 0, ties: 0, bothBad: 0 }));
  const counts = battles.models.map(() => new Array<number>(m).fill(0));
  const beat = battles.models.map(() => new Array<number>(m).fill(0));
  for (let i = 0; i < battles.a.length; i++) {
    const a = battles.a[i]!;
    const b = battles.b[i]!;
    const o = battles.outcome[i]!;
    counts[a]![b]!++;
    counts[b]![a]!++;
    perModel[a]!.battles++;
    perModel[b]!.battles++;
    if (o === Outcome.aWins || o === Outcome.bWins) {
      const [winner, loser] = o === Outcome.aWins ? [a, b] : [b, a];
      perModel[winner]!.wins++;
      perModel[loser]!.losses++;
      beat[winner]![loser]!++;
    } else {
      for (const x of [a, b]) {
        perModel[x]!.ties++;
        if (o === Outcome.bothBad) perModel[x]!.bothBad++;
      }
    }
  }
  const winRates = beat.map((row, i) =>
    row.map((won, j) => {
      const decisive = won + beat[j]![i]!;
      return i === j || decisive === 0 ? null : won / decisive;
    }),
  );
  return { perModel, battleCounts: counts, winRates };
}
