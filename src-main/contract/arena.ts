import { z } from 'zod';
import type { JobStatus } from './job';
import { cardLanguages, type CardLanguage } from './role-card';
import { cardSelectionInput } from './simulation';

// The arena (paper §5.3, Algorithm 2) between renderer and main: counselors, arena runs, their
// battles, and the ratings of a run's battles (src-main/arena, src-main/ratings).

const id = z.number().int().positive();
const name = z.string().trim().min(1).max(100);
const model = z.string().trim().min(1).max(200);

// ── Where a verdict came from ──────────────────────────────────────────────────────────

/**
 * The user's one vocabulary for a battle's source, everywhere (CLI `--source`, IPC, the
 * window): `judge` (an LLM supervisor), `human` (a counselor, live or offline), `all`. The
 * battles table stores `llm` for the judge; `arena/sources.ts` is the one mapping.
 */
export const ratingSources = ['judge', 'human', 'all'] as const;
export type RatingSource = (typeof ratingSources)[number];

// ── Counselors ─────────────────────────────────────────────────────────────────────────

export const counselorPromptNames = ['default', 'released', 'custom'] as const;

export const counselorAddInput = z.strictObject({
  name: name.refine((n) => !n.includes(','), 'A counselor name cannot contain a comma (names are joined with commas on the command line)'),
  endpointId: id,
  /** Overrides the endpoint's model. */
  model: model.optional(),
  promptName: z.enum(counselorPromptNames).optional(),
  /** The text of a custom prompt (promptName 'custom'). */
  prompt: z.string().min(1).max(100_000).optional(),
  temperature: z.number().finite().min(0).max(2).optional(),
  topP: z.number().finite().gt(0).max(1).optional(),
  maxTokens: z.number().int().min(1).max(1_000_000).optional(),
  /** A Table 3 preset's name, recorded with the counselor (its settings are filled in by the caller). */
  preset: z.string().trim().min(1).max(50).optional(),
});
export type CounselorAddInput = z.output<typeof counselorAddInput>;

export interface CounselorView {
  id: number;
  name: string;
  endpointId: number;
  endpointName: string;
  /** The model it asks for: its own, else the endpoint's. */
  model: string;
  promptName: (typeof counselorPromptNames)[number];
  temperature: number | null;
  topP: number | null;
  maxTokens: number | null;
  preset: string | null;
  createdAt: string;
}

export interface CounselorPreset {
  name: string;
  temperature: number;
  topP: number;
}

export interface CounselorsView {
  counselors: CounselorView[];
  /** The paper's Table 3. */
  presets: CounselorPreset[];
}

// ── Starting an arena run ──────────────────────────────────────────────────────────────

export const arenaPairings = ['round-robin', 'all', 'random'] as const;

const agent = z.strictObject({ endpointId: id, model: model.optional() });

export const arenaStartInput = z.strictObject({
  title: z.string().trim().max(200).optional(),
  language: z.enum(cardLanguages).optional(),
  /** Counselor names, two or more, each once. */
  counselors: z.array(name).min(2).max(50),
  client: agent,
  judge: agent,
  /** The paper's Prompt 1 (Figure 12) or 2 (Figure 13, default). */
  prompt: z.union([z.literal(1), z.literal(2)]).optional(),
  /** The supervisor's own template, holding {dialogue_history} and {shuffled_candidates}; replaces Prompt 1/2. */
  judgeTemplate: z.string().min(1).max(100_000).optional(),
  swapCheck: z.boolean().optional(),
  judgeAttempts: z.number().int().min(1).max(10).optional(),
  cards: cardSelectionInput.optional(),
  pairing: z.enum(arenaPairings).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  maxTurns: z.number().int().min(1).max(1000).optional(),
  concurrency: z.number().int().min(1).max(256).optional(),
  opener: z.string().trim().min(1).max(2000).optional(),
  terminationPhrases: z.array(z.string().trim().min(1).max(200)).min(1).max(1000).optional(),
  rpm: z.number().int().min(1).max(1_000_000).optional(),
  tpm: z.number().int().min(1).max(1_000_000_000).optional(),
  timeoutMs: z.number().int().min(100).max(3_600_000).optional(),
  maxRetries: z.number().int().min(0).max(50).optional(),
  stream: z.boolean().optional(),
});
export type ArenaStartRequest = z.output<typeof arenaStartInput>;

/** What an arena will do and cost at most, before it starts (`arena:plan`). */
export interface ArenaPlan {
  title: string;
  cards: number;
  sessions: number;
  /** Sessions per pair of counselors ("A vs B"), in the schedule's order. */
  pairs: { a: string; b: string; sessions: number }[];
  maxTurns: number;
  /** Judge passes per battle: 2 with the swap check. */
  judgePasses: number;
  /** Calls if every session runs to the turn limit with no retry: the most the arena makes. */
  maxCalls: { counselor: number; judge: number; client: number; total: number };
  /** Estimated tokens of those calls. */
  promptTokens: number;
  completionTokens: number;
  /** US dollars, from the endpoints' prices; null when no endpoint has prices. */
  maxCost: number | null;
  /** Endpoints without prices (their calls are not in maxCost). */
  unpriced: string[];
}

// ── Views ──────────────────────────────────────────────────────────────────────────────

export type ArenaEndReason = 'phrase' | 'turn_limit' | 'refinement_failed' | 'judge_failed' | 'error' | 'cancelled';
export type BattleWinner = 'model_a' | 'model_b' | 'tie' | 'tie (bothbad)';

export interface ArenaSummary {
  id: number;
  jobId: number | null;
  title: string;
  status: JobStatus;
  error: string | null;
  language: CardLanguage;
  counselors: string[];
  judge: string;
  promptVersion: string;
  swapCheck: boolean;
  sessions: number;
  ended: number;
  endReasons: Partial<Record<ArenaEndReason, number>>;
  battles: number;
  failedJudgments: number;
  ties: number;
  /** Battles judged twice with the order swapped, and how many verdicts followed the position instead of the reply. */
  positionBias: { checked: number; inconsistent: number; rate: number | null };
  /** Of the verdicts, how often the reply shown as A won (0.5 for a judge blind to position). */
  firstPositionRate: number | null;
  calls: number;
  promptTokens: number;
  completionTokens: number;
  cost: number;
  createdAt: string;
}

export interface ArenaSessionView {
  id: number;
  seq: number;
  cardId: number | null;
  counselorA: string;
  counselorB: string;
  status: 'pending' | 'running' | 'ended';
  endReason: ArenaEndReason | null;
  turns: number;
}

export interface ArenaDetail extends ArenaSummary {
  pairing: (typeof arenaPairings)[number];
  seed: number;
  maxTurns: number;
  opener: string;
  sessionList: ArenaSessionView[];
}

export const arenaBattlesInput = z.strictObject({
  id,
  source: z.enum(ratingSources).optional(),
  /** Newest first: skip this many. */
  offset: z.number().int().min(0).max(10_000_000).optional(),
  limit: z.number().int().min(1).max(500).optional(),
});

export interface BattleView {
  id: number;
  sessionId: number;
  /** The session's place in the arena (1, 2, …). */
  seq: number;
  cardId: number | null;
  turn: number;
  modelA: string;
  modelB: string;
  replyA: string;
  replyB: string;
  /** The label model_a's reply was shown under. */
  aPosition: 'A' | 'B';
  /** null: a failed judgment (`failure` says why). */
  winner: BattleWinner | null;
  judge: string;
  source: Exclude<RatingSource, 'all'>;
  annotator: string;
  /** The judge's whole answer: its reasoning and its choice. */
  judgeOutput: string | null;
  judgeOutputSwapped: string | null;
  swapConsistent: boolean | null;
  failure: string | null;
  latencyMs: number;
  cost: number;
  createdAt: string;
}

export interface BattlePage {
  total: number;
  offset: number;
  battles: BattleView[];
}

/** A battle with the history both counselors replied to. */
export interface BattleDetail extends BattleView {
  history: { role: 'client' | 'counselor'; content: string; counselor: string | null }[];
}

// ── Ratings ────────────────────────────────────────────────────────────────────────────

export const ratingsInput = z.strictObject({
  arenaId: id,
  source: z.enum(ratingSources).optional(),
  /** Bootstrap rounds for the 95% intervals (0: none). */
  bootstrap: z.number().int().min(0).max(100_000).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
});

/** One counselor's ratings and tally (src-main/ratings computes them; docs/ratings.md). */
export interface ModelRating {
  name: string;
  elo: number;
  /** 2.5% and 97.5% quantiles over the bootstrap rounds; null without a bootstrap. */
  eloCi: [number, number] | null;
  /** By non-overlapping intervals; null without a bootstrap. */
  eloRank: number | null;
  bt: number;
  btCi: [number, number] | null;
  btRank: number | null;
  battles: number;
  wins: number;
  losses: number;
  /** Ties of both kinds ('tie' and 'tie (bothbad)'). */
  ties: number;
  /** Of those, the both-bad ones. */
  bothBad: number;
}

/** Elo and Bradley–Terry of a set of battles, with their bootstrap intervals and the per-pair matrices. */
export interface Ratings {
  battles: number;
  bootstrap: number;
  seed: number;
  /** Highest Elo first (ties of Elo by name). */
  models: ModelRating[];
  /** The matrices, rows and columns in `models`' order. */
  battleCounts: number[][];
  winRates: (number | null)[][];
  /** When Bradley–Terry's plain maximum did not exist: for all the battles, and in how many bootstrap rounds (see ratings/bradley-terry.ts). */
  separated: { all: boolean; rounds: number };
}

/** The ratings of an arena's battles from one source (`ratings:compute`). */
export interface ArenaRatings extends Ratings {
  arenaId: number;
  source: RatingSource;
}
