import { DomainError } from '../common/errors';
import type { Choice } from '../ratings/agreement';
import type { Winner } from '../ratings/battle';
import type { Db } from '../storage/database';
import { prepared } from '../storage/statements';
import type { SourceItem, Turn } from './package';

// An arena run's battle turns as annotation items: the fixed history the two replies answer
// and the two replies in the battle's frame (a = model_a). An item is one (session, turn) of
// the judge's battles, failed judgments included: a human can still judge those.

/** A stable id that names the battle turn without naming either counselor. */
export const itemIdOf = (sessionId: number, turn: number): string => `s${sessionId}t${turn}`;

export interface ArenaItem extends SourceItem {
  sessionId: number;
  turn: number;
  modelA: string;
  modelB: string;
}

interface ItemRow {
  session_id: number;
  turn: number;
  model_a: string;
  model_b: string;
  reply_a: string;
  reply_b: string;
}

/** The items of an arena run, by session and turn; refuses a run with no battles yet. */
export function arenaItems(db: Db, arenaId: number): ArenaItem[] {
  const rows = prepared(
    db,
    `SELECT session_id, turn, min(model_a) AS model_a, min(model_b) AS model_b, min(reply_a) AS reply_a, min(reply_b) AS reply_b
     FROM battles WHERE arena_id = ? AND source = 'llm' GROUP BY session_id, turn ORDER BY session_id, turn`,
  ).all(arenaId) as ItemRow[];
  if (rows.length === 0) throw new DomainError('validation', `Arena ${arenaId} has no battles yet to annotate; run or resume it first (simpsy arena resume ${arenaId}).`);
  const histories = new Map<number, Turn[]>();
  const messages = prepared(db, 'SELECT role, content FROM arena_messages WHERE session_id = ? ORDER BY idx');
  return rows.map((r) => {
    let history = histories.get(r.session_id);
    if (!history) histories.set(r.session_id, (history = messages.all(r.session_id) as Turn[]));
    // The battle of turn t answers the messages before position 2t − 1 (migration 012).
    return {
      itemId: itemIdOf(r.session_id, r.turn),
      sessionId: r.session_id,
      turn: r.turn,
      modelA: r.model_a,
      modelB: r.model_b,
      history: history.slice(0, 2 * r.turn - 1),
      a: r.reply_a,
      b: r.reply_b,
    };
  });
}

const winnerOf: Record<Choice, Winner> = { A: 'model_a', B: 'model_b', tie: 'tie', bothbad: 'tie (bothbad)' };
const choiceOfWinner: Record<Winner, Choice> = { model_a: 'A', model_b: 'B', tie: 'tie', 'tie (bothbad)': 'bothbad' };

/** A verdict in the battle's frame as the battles table spells it, and back. */
export const battleWinner = (choice: Choice): Winner => winnerOf[choice];
export const verdictChoice = (winner: Winner): Choice => choiceOfWinner[winner];
