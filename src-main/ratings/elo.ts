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

/** A battle in one 32-bit word, a | b << 15 | outcome << 30, so the loop loads one value per battle (models: at most 32,768). */
export function packBattles(battles: CodedBattles): Uint32Array {
  const packed = new Uint32Array(battles.a.length);
  for (let i = 0; i < packed.length; i++) packed[i] = (battles.a[i]! | (battles.b[i]! << 15) | (battles.outcome[i]! << 30)) >>> 0;
  return packed;
}

/** A bootstrap round's draw: which battle to take next, and where to count the battles taken (cellOf's layout). */
export interface Draw {
  random: () => number;
  cells: Uint32Array;
  models: number;
}

/**
 * One pass of online Elo into `ratings` (one per model, reset to the initial rating here):
 * over the packed battles in their order, or, given a `draw`, over as many battles drawn from
 * them with replacement, in the order drawn, each counted in `draw.cells` for the
 * Bradley–Terry fit of the same sample. One loop for both, since the bootstrap's cost is
 * this loop: drawing, counting and rating each battle while it is loaded is about twice as
 * fast as three passes.
 */
export function eloPass(packed: Uint32Array, ratings: Float64Array, draw?: Draw): Float64Array {
  // Locals, not module bindings or properties: a bundled import is a getter, too slow here.
  const k = ELO.k;
  const score = OUTCOME_SCORE;
  const perPoint = EXPONENT_PER_POINT;
  const n = packed.length;
  const random = draw?.random;
  const cells = draw?.cells;
  const m = draw?.models ?? 0;
  ratings.fill(ELO.initial);
  for (let i = 0; i < n; i++) {
    const p = packed[random ? Math.floor(random() * n) : i]!;
    const x = p & 0x7fff;
    const y = (p >>> 15) & 0x7fff;
    const outcome = p >>> 30;
    if (cells) cells[(x * m + y) * 4 + outcome]!++;
    const ra = ratings[x]!;
    const rb = ratings[y]!;
    const expectedA = 1 / (1 + Math.exp((rb - ra) * perPoint));
    const change = k * (score[outcome]! - expectedA);
    ratings[x] = ra + change;
    ratings[y] = rb - change;
  }
  return ratings;
}

/** Online Elo over the battles in their order (chronological): one rating per model. */
export function onlineElo(battles: CodedBattles): Float64Array {
  return eloPass(packBattles(battles), new Float64Array(battles.models.length));
}
