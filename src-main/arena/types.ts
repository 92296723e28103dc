import type { CardLanguage } from '../contract/role-card';
import type { AgentSnapshot, CardSelectionInput, RunSnapshot } from '../contract/simulation';
import type { PromptVersion } from './supervisor';

// The shapes of an arena run. The snapshot is stored with the run, like a simulation run's:
// a run resumes, and reports, from it alone, whatever happens to the counselors, endpoints,
// prompts or cards afterwards.

/** How cards meet pairs of counselors. */
export type Pairing = 'round-robin' | 'all' | 'random';

export interface CounselorSnapshot extends AgentSnapshot {
  name: string;
}

export interface JudgeSnapshot extends Omit<AgentSnapshot, 'templateName'> {
  /** Prompt 1 or 2 of the paper (Figures 12, 13), or the user's own text. */
  promptVersion: `${PromptVersion}` | 'custom';
  /** How battles name the judge: "endpoint/model". */
  label: string;
}

/** A human counselor judging every battle live (live.ts), in place of the supervisor. */
export interface HumanJudgeSnapshot {
  kind: 'human';
  annotator: string;
  /** How the run names its judge: the annotator. */
  label: string;
  promptVersion: 'human';
}

export const isHumanJudge = (judge: JudgeSnapshot | HumanJudgeSnapshot): judge is HumanJudgeSnapshot => 'kind' in judge && judge.kind === 'human';

/** The run settings shared with a simulation run, meaning the same (contract/simulation.ts). */
type RunSettings = Pick<
  RunSnapshot,
  'appVersion' | 'createdAt' | 'language' | 'opener' | 'maxTurns' | 'concurrency' | 'refinement' | 'rateLimits' | 'timeoutMs' | 'maxRetries' | 'retryBaseMs' | 'retryMaxMs' | 'stream' | 'cards'
>;

export interface ArenaSnapshot extends RunSettings {
  /** Seeds the pairs (random pairing) and every battle's A/B order. */
  seed: number;
  pairing: Pairing;
  counselors: CounselorSnapshot[];
  client: AgentSnapshot;
  judge: JudgeSnapshot | HumanJudgeSnapshot;
  swapCheck: boolean;
  /** Judge calls per pass before a judgment counts as failed. */
  judgeAttempts: number;
  termination: { phrases: string[] };
}

export interface ArenaStartInput {
  title?: string;
  language?: CardLanguage;
  /** Counselor names, at least two. */
  counselors: string[];
  client: { endpointId: number; model?: string };
  /** An LLM supervisor, or a human counselor who picks live (`annotator`: their name). */
  judge: { endpointId: number; model?: string } | { annotator: string };
  prompt?: PromptVersion;
  /** The judge's own template, with {dialogue_history} and {shuffled_candidates}; replaces Prompt 1/2. */
  judgeTemplate?: string;
  swapCheck?: boolean;
  judgeAttempts?: number;
  cards?: CardSelectionInput;
  pairing?: Pairing;
  seed?: number;
  maxTurns?: number;
  concurrency?: number;
  opener?: string;
  terminationPhrases?: string[];
  rpm?: number;
  tpm?: number;
  timeoutMs?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  stream?: boolean;
}

export type Side = 'a' | 'b';
export type Winner = 'model_a' | 'model_b' | 'tie' | 'tie (bothbad)';
export type ArenaEndReason = 'phrase' | 'turn_limit' | 'refinement_failed' | 'judge_failed' | 'error' | 'cancelled';

/** A battle as the ratings read it (`arenaBattles`). */
export interface RatedBattle {
  modelA: string;
  modelB: string;
  winner: Winner;
  judge: string;
  source: 'llm' | 'human';
  at: string;
}

export interface ArenaSummary {
  id: number;
  jobId: number | null;
  title: string;
  status: string;
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
