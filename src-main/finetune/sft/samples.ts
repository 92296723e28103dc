import type { DatasetSession } from '../../evaluation/dataset';
import { addCounts, noShapeCounts, trainingTurns, type ShapeCounts, type TrainingMessage } from './shape';
import { approxTokens, MESSAGE_OVERHEAD, SAMPLE_OVERHEAD } from './tokens';

// Samples from shaped sessions (shape.ts), in one of two modes:
//  - prefix (the paper, §5.1): one sample per counselor turn t, the history up to and including
//    r_t; trained with `mask_history: true`, so the loss is on r_t alone, given h_t;
//  - session: one sample per session, the loss on every counselor turn (LLaMA-Factory's default,
//    `mask_history: false`; the paper's released data/data.json holds one record per session).
// Both put the same counselor tokens under the loss, each conditioned on its own history h_t;
// prefix repeats the history in every sample (a file about turns/2 times larger, as many more
// steps), and when a sample exceeds cutoff_len LLaMA-Factory cuts the oldest history under
// mask_history, but the latest turns without it.

export const sftModes = ['prefix', 'session'] as const;
export type SftMode = (typeof sftModes)[number];

export interface SftSample {
  sessionId: number;
  /** The counselor turn this sample ends on (1-based); in session mode, the last one. */
  turn: number;
  messages: TrainingMessage[];
}

export interface ShapedSession {
  session: DatasetSession;
  turns: TrainingMessage[];
}

export function shapeSessions(sessions: readonly DatasetSession[]): { shaped: ShapedSession[]; counts: ShapeCounts } {
  const counts = noShapeCounts();
  const shaped = sessions.map((session) => {
    const r = trainingTurns(session.messages);
    addCounts(counts, r.counts);
    return { session, turns: r.turns };
  });
  return { shaped, counts };
}

/** The samples of one shaped session; none when it has no counselor turn answering the client. */
export function samplesOf(s: ShapedSession, mode: SftMode): SftSample[] {
  const pairs = s.turns.length / 2;
  if (pairs === 0) return [];
  if (mode === 'session') return [{ sessionId: s.session.id, turn: pairs, messages: s.turns }];
  return Array.from({ length: pairs }, (_, i) => ({ sessionId: s.session.id, turn: i + 1, messages: s.turns.slice(0, 2 * i + 2) }));
}

export interface SampleSizes {
  samples: number;
  /** Approximate tokens of every sample, the system prompt and template markers included. */
  tokens: number;
  /** Approximate tokens under the loss: the counselor turns trained. */
  trainedTokens: number;
  longest: { tokens: number; sessionId: number; turn: number } | null;
  /** Samples longer than cutoffLen (approximately). */
  overCutoff: number;
}

/**
 * The sizes of a session's samples without building them: prefix sums of its message lengths
 * (prefix samples share their history, so this is linear, not quadratic, in the turns).
 */
export function sampleSizes(s: ShapedSession, mode: SftMode, systemTokens: number, cutoffLen: number): SampleSizes {
  const sizes: SampleSizes = { samples: 0, tokens: 0, trainedTokens: 0, longest: null, overCutoff: 0 };
  const pairs = s.turns.length / 2;
  let running = SAMPLE_OVERHEAD + MESSAGE_OVERHEAD + systemTokens;
  const add = (tokens: number, turn: number) => {
    sizes.samples++;
    sizes.tokens += tokens;
    if (tokens > cutoffLen) sizes.overCutoff++;
    if (!sizes.longest || tokens > sizes.longest.tokens) sizes.longest = { tokens, sessionId: s.session.id, turn };
  };
  for (let i = 0; i < pairs; i++) {
    const answer = approxTokens(s.turns[2 * i + 1]!.content);
    running += 2 * MESSAGE_OVERHEAD + approxTokens(s.turns[2 * i]!.content) + answer;
    sizes.trainedTokens += answer;
    if (mode === 'prefix') add(running, i + 1);
  }
  if (mode === 'session' && pairs > 0) add(running, pairs);
  return sizes;
}

