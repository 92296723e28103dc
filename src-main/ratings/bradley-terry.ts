import { ELO } from './elo';
import { Outcome, type CodedBattles } from './battle';

// Bradley–Terry by maximum likelihood: P(i beats j) = σ(θᵢ − θⱼ), a tie counting half a win
// each way (as FastChat's compute_elo_mle_with_tie does), fitted by Newton's method on the
// wins aggregated per pair of models, so a fit costs O(models²) whatever the battles.
// Reported on the Elo scale: 1000 + 400·θ/ln 10 = 1000 + 400·log₁₀(strength), with the θ
// centred (mean 0), so the models' mean rating is 1000. That is FastChat's convention when its
// anchor model (mixtral-8x7b-instruct at 1114) is absent: its optimiser starts at 0 and every
// gradient sums to 0, so its θ keep mean 0 too.
//
// The maximum exists only when the battles cannot split the models into two groups one of which
// never took a point (a win or a tie) from the other (Zermelo; Ford 1957; Hunter 2004): the
// "took a point from" graph must be strongly connected. When it is not (a model that never
// won, one never beaten, two groups that never met: common in small samples and their
// bootstrap resamples), the fit adds a small ridge, λ/2·Σθ² with λ = RIDGE, which keeps the
// ratings finite and puts the unbeaten far above (or the winless far below) the rest, and says
// so (`separated`).

export const RIDGE = 0.01;

/** Points per ordered pair: `score[i·m + j]` what i took from j (a win 1, a tie 0.5); `games` the battles between them (symmetric). */
export interface PairTally {
  m: number;
  score: Float64Array;
  games: Float64Array;
}

/** Cell of a battle in a per-battle-kind count: (a·m + b)·4 + outcome. */
export const cellOf = (m: number, a: number, b: number, outcome: number): number => (a * m + b) * 4 + outcome;

/** The tally of counts per battle kind (`cells`, indexed by cellOf). */
export function tallyCells(cells: Float64Array | Uint32Array, m: number, into?: PairTally): PairTally {
  const t = into ?? { m, score: new Float64Array(m * m), games: new Float64Array(m * m) };
  t.score.fill(0);
  t.games.fill(0);
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      const base = (a * m + b) * 4;
      const bWins = cells[base + Outcome.bWins]!;
      const ties = cells[base + Outcome.tie]! + cells[base + Outcome.bothBad]!;
      const aWins = cells[base + Outcome.aWins]!;
      const n = bWins + ties + aWins;
      if (n === 0) continue;
      t.score[a * m + b]! += aWins + ties / 2;
      t.score[b * m + a]! += bWins + ties / 2;
      t.games[a * m + b]! += n;
      t.games[b * m + a]! += n;
    }
  }
  return t;
}

/** The tally of all the battles. */
export function tallyBattles(battles: CodedBattles): PairTally {
  const m = battles.models.length;
  const cells = new Float64Array(m * m * 4);
  for (let i = 0; i < battles.a.length; i++) cells[cellOf(m, battles.a[i]!, battles.b[i]!, battles.outcome[i]!)]!++;
  return tallyCells(cells, m);
}

export interface BradleyTerryFit {
  /** Elo-scale rating per model; NaN for a model with no battles in the tally. */
  ratings: Float64Array;
  /** The plain maximum did not exist and the ridge was used (see above). */
  separated: boolean;
}

/** Whether every model with battles took a point from, and gave one to, every other, through chains. */
export function stronglyConnected(t: PairTally, present: readonly number[]): boolean {
  const { m, score } = t;
  const reach = (forward: boolean): number => {
    const seen = new Uint8Array(m);
    const stack = [present[0]!];
    seen[present[0]!] = 1;
    let count = 1;
    while (stack.length > 0) {
      const i = stack.pop()!;
      for (const j of present) {
        if (seen[j] || (forward ? score[i * m + j]! : score[j * m + i]!) <= 0) continue;
        seen[j] = 1;
        count++;
        stack.push(j);
      }
    }
    return count;
  };
  return reach(true) === present.length && reach(false) === present.length;
}

const logSigmoid = (x: number) => (x > 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x)));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function fitBradleyTerry(t: PairTally): BradleyTerryFit {
  const { m, score, games } = t;
  const ratings = new Float64Array(m).fill(Number.NaN);
  const present: number[] = [];
  for (let i = 0; i < m; i++) {
    let n = 0;
    for (let j = 0; j < m; j++) n += games[i * m + j]!;
    if (n > 0) present.push(i);
  }
  const k = present.length;
  if (k === 0) return { ratings, separated: false };
  const separated = !stronglyConnected(t, present);
  const lambda = separated ? RIDGE : 0;
  // Without the ridge the likelihood does not move when every θ shifts alike: the last θ stays 0
  // (Newton on the first k − 1), and the result is centred at the end.
  const free = separated ? k : k - 1;

  const objective = (theta: Float64Array): number => {
    let value = 0;
    for (let p = 0; p < k; p++) {
      const i = present[p]!;
      value += (lambda / 2) * theta[p]! * theta[p]!;
      for (let q = p + 1; q < k; q++) {
        const j = present[q]!;
        if (games[i * m + j]! === 0) continue;
        const d = theta[p]! - theta[q]!;
        value -= score[i * m + j]! * logSigmoid(d) + score[j * m + i]! * logSigmoid(-d);
      }
    }
    return value;
  };

  let theta = new Float64Array(k);
  let value = objective(theta);
  const gradient = new Float64Array(k);
  const hessian = new Float64Array(k * k);
  for (let iteration = 0; iteration < 100; iteration++) {
    gradient.fill(0);
    hessian.fill(0);
    for (let p = 0; p < k; p++) {
      gradient[p] = -lambda * theta[p]!;
      hessian[p * k + p] = lambda;
    }
    for (let p = 0; p < k; p++) {
      const i = present[p]!;
      for (let q = p + 1; q < k; q++) {
        const j = present[q]!;
        const n = games[i * m + j]!;
        if (n === 0) continue;
        const prob = sigmoid(theta[p]! - theta[q]!);
        const g = score[i * m + j]! - n * prob;
        const h = n * prob * (1 - prob);
        gradient[p]! += g;
        gradient[q]! -= g;
        hessian[p * k + p]! += h;
        hessian[q * k + q]! += h;
        hessian[p * k + q]! -= h;
        hessian[q * k + p]! -= h;
      }
    }
    const step = solveSpd(hessian, k, gradient, free);
    // Newton's step, halved while it would lower the likelihood (far from the maximum, a full step can overshoot).
    let size = 1;
    let next = theta;
    let nextValue = value;
    for (let halving = 0; halving < 40; halving++) {
      next = theta.map((v, p) => v + size * step[p]!);
      nextValue = objective(next);
      if (nextValue <= value + 1e-12 * Math.abs(value)) break;
      size /= 2;
    }
    let largest = 0;
    for (let p = 0; p < k; p++) largest = Math.max(largest, Math.abs(next[p]! - theta[p]!));
    theta = next;
    value = nextValue;
    if (largest < 1e-12) break;
  }
  let mean = 0;
  for (let p = 0; p < k; p++) mean += theta[p]! / k;
  for (let p = 0; p < k; p++) ratings[present[p]!] = ELO.initial + (ELO.scale * (theta[p]! - mean)) / Math.LN10;
  return { ratings, separated };
}

/**
 * Solves H x = g for the first `free` unknowns (the rest 0) by Cholesky: H is the negative
 * log-likelihood's Hessian, symmetric and positive definite on those (positive semi-definite
 * with the one direction of a common shift, which fixing the last unknown removes).
 */
function solveSpd(h: Float64Array, k: number, g: Float64Array, free: number): Float64Array {
  const l = new Float64Array(free * free);
  for (let i = 0; i < free; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = h[i * k + j]!;
      for (let c = 0; c < j; c++) sum -= l[i * free + c]! * l[j * free + c]!;
      l[i * free + j] = i === j ? Math.sqrt(Math.max(sum, 1e-300)) : sum / l[j * free + j]!;
    }
  }
  const x = new Float64Array(k);
  const y = new Float64Array(free);
  for (let i = 0; i < free; i++) {
    let sum = g[i]!;
    for (let c = 0; c < i; c++) sum -= l[i * free + c]! * y[c]!;
    y[i] = sum / l[i * free + i]!;
  }
  for (let i = free - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let c = i + 1; c < free; c++) sum -= l[c * free + i]! * x[c]!;
    x[i] = sum / l[i * free + i]!;
  }
  return x;
}
