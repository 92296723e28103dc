import { z } from 'zod';

// The human live mode of the arena (paper §5.3, Figure 15; src-main/arena/live.ts): a human
// counselor picks the better of two blind replies at each turn while the AI client goes on.

export const livePicks = ['A', 'B', 'tie', 'bothbad'] as const;
/** A or B as shown, a tie, or both bad (Chatbot Arena's `tie (bothbad)`). */
export type LivePick = (typeof livePicks)[number];

const id = z.number().int().positive();
const counselorName = z.string().trim().min(1).max(64);

export const arenaLiveStartInput = z.strictObject({
  /** The two counselors that compete (names from the counselor registry). */
  counselors: z.tuple([counselorName, counselorName]),
  cardId: id,
  /** The endpoint (and optionally model) that plays the AI client. */
  client: z.strictObject({ endpointId: id, model: z.string().trim().min(1).max(200).optional() }),
  /** Who picks: stored as the battles' annotator. */
  annotator: z.string().trim().min(1).max(64),
  maxTurns: z.number().int().min(1).max(100).optional(),
});
export type ArenaLiveStartInput = z.output<typeof arenaLiveStartInput>;

export const arenaLiveRef = z.strictObject({ arenaId: id });

export const arenaLivePickInput = z.strictObject({
  arenaId: id,
  /** The turn the pair belongs to: a pick for a pair no longer shown is refused, never applied to the next one. */
  turn: z.number().int().min(1).max(1000),
  pick: z.enum(livePicks),
  note: z.string().max(2000).optional(),
});
export type ArenaLivePickInput = z.output<typeof arenaLivePickInput>;

/**
 * writing: the models are writing (the job runs); waiting: the pair is shown, the human picks;
 * paused: stopped between calls (paused, or the app closed while the models wrote), resumable;
 * failed: a configuration failure (key, URL), resumable once fixed; ended: over.
 */
export type LiveStatus = 'writing' | 'waiting' | 'paused' | 'failed' | 'ended';

export interface LivePickView {
  turn: number;
  pick: LivePick;
  note: string | null;
  /** Whose reply won or entered the history; revealed only once the session has ended (the picks stay blind). */
  winner: string | null;
  continued: string | null;
}

export interface ArenaLiveState {
  arenaId: number;
  jobId: number | null;
  title: string;
  annotator: string;
  language: 'zh' | 'en';
  counselors: [string, string];
  cardId: number | null;
  maxTurns: number;
  status: LiveStatus;
  /** Why it failed or ended in error. */
  error: string | null;
  endReason: string | null;
  history: { role: 'client' | 'counselor'; content: string }[];
  /** The pair to judge, in its recorded shuffled order (waiting only). */
  candidates: { turn: number; A: string; B: string } | null;
  picks: LivePickView[];
}

export interface ArenaLiveSummary {
  arenaId: number;
  title: string;
  annotator: string;
  counselors: [string, string];
  cardId: number | null;
  status: LiveStatus;
  turns: number;
  createdAt: string;
}

export interface ArenaLiveOverview {
  counselors: { name: string; endpointId: number; model: string | null }[];
  sessions: ArenaLiveSummary[];
}
