import type { AgentRole } from '../../contract/simulation';
import { normalise } from '../../simulation/import';

// LLaMA-Factory keeps a conversation only when, after one optional system message, its roles
// alternate user, assistant, user, … and it ends on assistant (data/converter.py: a role out
// of place or an odd count logs "Skipping this abnormal example" and trains on nothing). So
// every session is put in that shape here, before any sample is cut from it:
//  1. empty messages (blank after trimming) are dropped: an empty counselor target would
//     teach silence, an empty client turn is no utterance;
//  2. consecutive messages of one role are joined with a line break, as the importer joins
//     them (simulation/import.ts `normalise`): two client messages are one client turn;
//  3. a counselor message before the first client message is dropped: there is nothing it
//     answers, and inventing a client line to precede it would put words in the client's
//     mouth (the paper's sessions open with the client's 你好);
//  4. a client message after the last counselor turn is dropped: it has no answer to train on.
// Each step is counted, so the export can say what it changed.

export type TrainingRole = 'user' | 'assistant';

export interface TrainingMessage {
  role: TrainingRole;
  content: string;
}

export interface ShapeCounts {
  /** Messages blank after trimming. */
  empty: number;
  /** Messages joined onto the one before (same role). */
  merged: number;
  /** Sessions whose opening counselor message was dropped. */
  counselorOpenings: number;
  /** Sessions whose trailing client message was dropped. */
  trailingClient: number;
}

export const noShapeCounts = (): ShapeCounts => ({ empty: 0, merged: 0, counselorOpenings: 0, trailingClient: 0 });

export function addCounts(into: ShapeCounts, more: ShapeCounts): void {
  into.empty += more.empty;
  into.merged += more.merged;
  into.counselorOpenings += more.counselorOpenings;
  into.trailingClient += more.trailingClient;
}

const trainingRole: Record<AgentRole, TrainingRole> = { client: 'user', counselor: 'assistant' };

/**
 * The session as user/assistant turns: starts on user, strictly alternates, ends on assistant
 * (or is empty when no counselor turn answers a client one).
 */
export function trainingTurns(messages: readonly { role: AgentRole; content: string }[]): { turns: TrainingMessage[]; counts: ShapeCounts } {
  const counts = noShapeCounts();
  counts.empty = messages.filter((m) => m.content.trim() === '').length;
  const joined = normalise(messages); // builds new messages: the session's are not changed
  counts.merged = joined.merged;
  const list = joined.messages;
  if (list[0]?.role === 'counselor') {
    list.shift();
    counts.counselorOpenings = 1;
  }
  if (list.at(-1)?.role === 'client') {
    list.pop();
    counts.trailingClient = 1;
  }
  return { turns: list.map((m) => ({ role: trainingRole[m.role], content: m.content })), counts };
}
