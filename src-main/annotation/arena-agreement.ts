import { annotatorAgreement, judgeAgreement, type AnnotatorAgreement, type Choice, type PairAgreement, type Verdict } from '../ratings/agreement';
import type { Winner } from '../ratings/battle';
import type { Db } from '../storage/database';
import { prepared } from '../storage/statements';
import { arenaItems, itemIdOf, verdictChoice, type ArenaItem } from './items';

// The agreement figures of an arena run (issue 10, Must-have 7), from its stored battles:
// every LLM judge against the annotators on the items both judged, and the annotators among
// themselves. Disagreements come with the history and both replies, to read side by side.

export interface ItemText {
  itemId: string;
  modelA: string;
  modelB: string;
  history: ArenaItem['history'];
  a: string;
  b: string;
}

export interface ArenaAgreement {
  arenaId: number;
  /** Annotators with at least one imported verdict, by name. */
  annotators: string[];
  /** Human verdicts stored. */
  humanVerdicts: number;
  /** One per LLM judge of the run (normally one): accuracy, Cohen's κ, confusion (rows the judge), disagreements. */
  judges: PairAgreement[];
  between: AnnotatorAgreement;
  /** The text of every item named in a disagreement. */
  items: Record<string, ItemText>;
}

interface VerdictRow {
  session_id: number;
  turn: number;
  winner: Winner;
  judge: string;
  annotator: string;
  source: 'llm' | 'human';
}

export function arenaAgreement(db: Db, arenaId: number): ArenaAgreement {
  const rows = prepared(db, `SELECT session_id, turn, winner, judge, annotator, source FROM battles WHERE arena_id = ? AND winner IS NOT NULL ORDER BY id`).all(arenaId) as VerdictRow[];
  const verdicts: Verdict[] = [];
  const judges = new Set<string>();
  const humans = new Set<string>();
  let humanVerdicts = 0;
  for (const r of rows) {
    // An annotator named like the judge stays a different rater.
    const rater = r.source === 'human' ? `human:${r.annotator}` : `judge:${r.judge}`;
    (r.source === 'human' ? humans : judges).add(rater);
    if (r.source === 'human') humanVerdicts++;
    verdicts.push({ itemId: itemIdOf(r.session_id, r.turn), rater, choice: verdictChoice(r.winner) as Choice });
  }
  const named = (rater: string) => rater.slice(rater.indexOf(':') + 1);
  const rename = (p: PairAgreement): PairAgreement => ({
    ...p,
    first: named(p.first),
    second: p.second === 'human' ? 'human' : named(p.second),
    disagreements: p.disagreements.map((d) => ({ ...d, first: { ...d.first, rater: named(d.first.rater) }, second: { ...d.second, rater: named(d.second.rater) } })),
  });
  const humanList = [...humans].sort();
  const judgeFigures = [...judges].sort().map((j) => rename(judgeAgreement(verdicts, j, humanList)));
  const between = annotatorAgreement(verdicts, humanList);
  const pairs = between.pairs.map(rename);
  const wanted = new Set([...judgeFigures, ...pairs].flatMap((p) => p.disagreements.map((d) => d.itemId)));
  const items: Record<string, ItemText> = {};
  if (wanted.size > 0) {
    for (const i of arenaItems(db, arenaId)) if (wanted.has(i.itemId)) items[i.itemId] = { itemId: i.itemId, modelA: i.modelA, modelB: i.modelB, history: i.history, a: i.a, b: i.b };
  }
  return { arenaId, annotators: humanList.map(named), humanVerdicts, judges: judgeFigures, between: { ...between, pairs }, items };
}

/** JSON without NaN: an undefined κ is null. */
export const agreementJson = (a: ArenaAgreement): string => JSON.stringify(a, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
