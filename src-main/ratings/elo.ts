import { OUTCOME_SCORE, type CodedBattles } from './battle';

// Online Elo as Chatbot Arena computes it (FastChat, fastchat/serve/monitor/elo_analysis.py,
// compute_elo): every model starts at 1000; battles are taken in order; for each, model A's
// expected score is E_A = 1 / (1 + 10^((R_B − R_A)/400)); A scores 1 for a win, 0 for a loss
// and 0.5 for a tie or a both-bad tie; then R_A += K(S_A − E_A) and R_B += K(S_B − E_B), K = 4.
//
// Two liberties, neither changing a result beyond the last bits (the tests hold it to FastChat's
// own arithmetic within 1e-9 over hundreds of battles): 10^x is computed as e^(x·ln 10), since
// V8's pow is about six times slower than exp and a bootstrap runs 10⁸ of these; and E_B is
// 1 − E_A, so that B loses exactly what A gains (FastChat computes E_B by its own formula, which
// equals 1 − E_A up to rounding).

export const ELO = { k: 4, base: 10, scale: 400, initial: 1000 } as const;

const EXPONENT_PER_POINT = Math.log(ELO.base) / ELO.scale;

/**
 * One pass over the battles `order` names (indices, in the order to take them) into `ratings`
 * (one per model, reset to the initial rating here). A model that never plays keeps the
 * initial rating; `played` marks who played, so a caller can leave the others out (FastChat's
 * defaultdict only knows the models it met).
 */
export function eloPass(battles: CodedBattles, order: Uint32Array, ratings: Float64Array, played?: Uint8Array): Float64Array {
  const { a, b, outcome } = battles;
  // Locals, not module bindings: a bundled import is a getter, too slow for this loop.
  const k = ELO.k;
  const score = OUTCOME_SCORE;
  const perPoint = EXPONENT_PER_POINT;
  ratings.fill(ELO.initial);
  played?.fill(0);
  for (let i = 0; i < order.length; i++) {
    const j = order[i]!;
    const x = a[j]!;
    const y = b[j]!;
    const ra = ratings[x]!;
    const rb = ratings[y]!;
    const expectedA = 1 / (1 + Math.exp((rb - ra) * perPoint));
    const change = k * (score[outcome[j]!]! - expectedA);
    ratings[x] = ra + change;
    ratings[y] = rb - change;
  }
  if (played) for (let i = 0; i < order.length; i++) played[a[order[i]!]!] = played[b[order[i]!]!] = 1;
  return ratings;
}

/** The battles in the order given. */
export const inOrder = (battles: CodedBattles): Uint32Array => Uint32Array.from({ length: battles.a.length }, (_, i) => i);

/** Online Elo over the battles in their order (chronological): one rating per model. */
export function onlineElo(battles: CodedBattles): Float64Array {
  return eloPass(battles, inOrder(battles), new Float64Array(battles.models.length));
}
