// A battle as the ratings read it: two counselors (models), and who won. The arena's battles
// (`arenaBattles(db, arenaId, source?)`, chronological) and a Chatbot-Arena-shaped battles file
// (battles-file.ts) both become this; the ratings need only the first three fields.

/** Chatbot Arena's four verdicts, spelled as its published battle files spell them. */
export const winners = ['model_a', 'model_b', 'tie', 'tie (bothbad)'] as const;
export type Winner = (typeof winners)[number];

export interface ArenaBattle {
  modelA: string;
  modelB: string;
  winner: Winner;
  /** Who judged: an LLM judge's name, an annotator's, or null when the source did not say. */
  judge: string | null;
  /** Where the verdict came from: 'judge', 'human', or the file a battle was read from. */
  source: string;
  /** When it was judged (ISO 8601), or null when the source did not say (then the order given is the order). */
  at: string | null;
}

/** What the ratings need of a battle. */
export type RatedBattle = Pick<ArenaBattle, 'modelA' | 'modelB' | 'winner'>;

/**
 * Outcome codes, chosen so the score of model A is OUTCOME_SCORE[code]: a win 1, a loss 0,
 * a tie and a both-bad tie 0.5 (as Chatbot Arena scores them), kept apart for the counts.
 */
export const Outcome = { bWins: 0, tie: 1, aWins: 2, bothBad: 3 } as const;
export const OUTCOME_SCORE = Float64Array.of(0, 0.5, 1, 0.5);
const outcomeOf: Record<Winner, number> = { model_b: Outcome.bWins, tie: Outcome.tie, model_a: Outcome.aWins, 'tie (bothbad)': Outcome.bothBad };

/**
 * Battles as integers, for the inner loops (a bootstrap walks 10⁸ of them): models by index
 * in order of first appearance, and per battle the two indices and the outcome code, in the
 * order given (chronological). Plain typed arrays, so they move to a worker without a copy.
 */
export interface CodedBattles {
  models: string[];
  a: Uint32Array<ArrayBuffer>;
  b: Uint32Array<ArrayBuffer>;
  outcome: Uint8Array<ArrayBuffer>;
}

/** Models a set of battles can have: elo.ts packs a battle's two model indices in 15 bits each. */
export const MAX_MODELS = 1 << 15;

export function codeBattles(battles: readonly RatedBattle[]): CodedBattles {
  const index = new Map<string, number>();
  const models: string[] = [];
  const id = (name: string) => {
    let i = index.get(name);
    if (i === undefined) {
      if (models.length === MAX_MODELS) throw new RangeError(`The battles name more than ${MAX_MODELS} models; rate fewer at a time.`);
      i = models.length;
      index.set(name, i);
      models.push(name);
    }
    return i;
  };
  const n = battles.length;
  const coded: CodedBattles = { models, a: new Uint32Array(n), b: new Uint32Array(n), outcome: new Uint8Array(n) };
  battles.forEach((battle, i) => {
    if (battle.modelA === battle.modelB) throw new RangeError(`Battle ${i + 1} sets '${battle.modelA}' against itself.`);
    coded.a[i] = id(battle.modelA);
    coded.b[i] = id(battle.modelB);
    const o = outcomeOf[battle.winner];
    if (o === undefined) throw new RangeError(`Battle ${i + 1} has winner '${String(battle.winner)}'; it must be one of ${winners.join(', ')}.`);
    coded.outcome[i] = o;
  });
  return coded;
}
