import { z } from 'zod';
import { absolutePath, tagSchema, type CardLanguage } from './role-card';
import { endReasons, type RunKind } from './simulation';

// The evaluation (paper §4): which measures exist, how one is asked for, and what a stored
// evaluation looks like to the window and the report. The numbers' definitions are in
// docs/evaluation.md; the computing in src-main/evaluation/.

/** Every measure the schema knows; `evaluation:measures` says which this build can run. */
export const evaluationMeasures = ['stats', 'overlap', 'semantic', 'topics', 'wai'] as const;
export type EvaluationMeasure = (typeof evaluationMeasures)[number];
export type DatasetKey = 'a' | 'b';

const id = z.number().int().positive();

/** A dataset: ended sessions of runs, narrowed like the dialogue browser. */
export const evaluationDatasetSpec = z
  .strictObject({
    runIds: z.array(id).min(1).max(200),
    endReasons: z.array(z.enum(endReasons)).min(1).max(endReasons.length).optional(),
    minTurns: z.number().int().min(0).max(100_000).optional(),
    maxTurns: z.number().int().min(0).max(100_000).optional(),
    tags: z.array(tagSchema).min(1).max(20).optional(),
  })
  .refine((s) => s.minTurns === undefined || s.maxTurns === undefined || s.minTurns <= s.maxTurns, {
    message: 'The fewest turns must not be above the most',
    path: ['minTurns'],
  });
export type EvaluationDatasetSpec = z.output<typeof evaluationDatasetSpec>;

export const evaluationRunInput = z.strictObject({
  measure: z.enum(evaluationMeasures),
  a: evaluationDatasetSpec,
  b: evaluationDatasetSpec.optional(),
  /** The random group's derangement (overlap, semantic); default 1. */
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  /** Words left out of both sets (overlap); none by default. */
  stopwords: z.array(z.string().trim().min(1).max(100)).min(1).max(10_000).optional(),
});
export type EvaluationRunInput = z.output<typeof evaluationRunInput>;

/**
 * A measure a model computes (semantic: an embeddings endpoint; topics and WAI: a judge),
 * asked for its plan or started as a job.
 */
export const evaluationModelInput = z.strictObject({
  measure: z.enum(['semantic', 'topics', 'wai']),
  a: evaluationDatasetSpec,
  b: evaluationDatasetSpec.optional(),
  /** The embeddings endpoint (semantic) or the judge (topics, WAI). */
  endpointId: id,
  /** Instead of the endpoint's model (semantic: bge-m3 unless given). */
  model: z.string().trim().min(1).max(200).optional(),
  /** Topics and WAI: independent rounds, averaged (default 3). */
  rounds: z.number().int().min(1).max(100).optional(),
  /** Semantic: the random group's derangement (default 1). */
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
});
export type EvaluationModelInput = z.output<typeof evaluationModelInput>;

export const evaluationJobInput = z.strictObject({ jobId: id });

export const evaluationReportInput = z.strictObject({
  id,
  /** The HTML report. */
  path: absolutePath,
  /** The per-session scores as CSV, beside it or anywhere. */
  csvPath: absolutePath.optional(),
  language: z.enum(['zh', 'en']).optional(),
  overwrite: z.boolean().optional(),
});
export type EvaluationReportInput = z.output<typeof evaluationReportInput>;

/**
 * A chart the window drew, to a file: SVG as its text (vector, for papers), PNG as base64.
 * Bounded by the IPC payload limit (256 KB); a 2× PNG of a chart is some 60 KB.
 */
export const chartSaveInput = z
  .strictObject({
    path: absolutePath,
    format: z.enum(['svg', 'png']),
    content: z.string().min(1).max(240_000),
    overwrite: z.boolean().optional(),
  })
  .refine((i) => (i.format === 'svg' ? /^\s*<svg[\s>]/.test(i.content) : /^[A-Za-z0-9+/]+={0,2}$/.test(i.content)), {
    message: 'An SVG chart is SVG text; a PNG chart is base64',
    path: ['content'],
  });
export type ChartSaveInput = z.output<typeof chartSaveInput>;

/** What the window lists in its measure picker. */
export interface MeasureInfo {
  measure: EvaluationMeasure;
  /** Runs on cards (fidelity measures): sessions without one are left out and listed. */
  needsCards: boolean;
  /** Calls a model (a job with a cost estimate) rather than computing locally. */
  needsModel: boolean;
  /** The endpoint it calls: one serving embeddings (semantic) or a chat model that judges (topics, WAI). */
  endpoint: 'embeddings' | 'judge' | null;
  /** Compares mapping against random pairings (a seed matters). */
  seeded: boolean;
}

/** What a model measure will call before it starts: nothing is sent to plan it. */
export interface EvaluationPlan {
  measure: 'semantic' | 'topics' | 'wai';
  /** What is counted: the judge's questions (sessions × rounds, × 12 items for WAI) or the distinct texts embedded. */
  unit: 'questions' | 'texts';
  total: number;
  /** Of them, answered already by stored replies or cached embeddings (nothing to pay). */
  answered: number;
  /** Requests still to send. */
  calls: number;
  promptTokens: number;
  completionTokens: number;
  /** US dollars from the endpoint's prices; null when it has none. */
  cost: number | null;
  model: string;
}

// ── A stored evaluation ──────────────────────────────────────────────────────────────

export interface MeanSdView {
  mean: number | null;
  sd: number | null;
}

/** NaN and ±∞ (only a degenerate test gives them) are null once stored as JSON. */
export interface TTestView {
  t: number | null;
  df: number | null;
  p: number | null;
}

export interface StoredDataset {
  spec: EvaluationDatasetSpec;
  language: CardLanguage;
  runs: { id: number; kind: RunKind; title: string }[];
  /** The ended sessions it held when evaluated, oldest first. */
  sessionIds: number[];
}

export interface EvaluationListItem {
  id: number;
  measure: EvaluationMeasure;
  title: string;
  language: CardLanguage;
  /** Sessions in each dataset. */
  sizes: { a: number; b: number | null };
  appVersion: string;
  createdAt: string;
}

export interface StoredScore {
  dataset: DatasetKey;
  sessionId: number;
  externalId: string | null;
  /** The measure's numbers for this session (overlap: mapping, random, randomCardOf, cardWords, clientWords). */
  values: Record<string, number | string | null>;
}

export interface EvaluationDetail extends EvaluationListItem {
  datasets: { a: StoredDataset; b: StoredDataset | null };
  /** Seed, tokeniser and version, stopwords, prompts, models: whatever made the numbers. */
  settings: Record<string, unknown>;
  /** The measure's tables and tests (shapes below, by measure). */
  summary: Record<string, unknown>;
  scores: StoredScore[];
}

// Summaries of the measures this build computes; later measures add theirs.

export interface RoleStatisticsView {
  utterances: number;
  chars: MeanSdView;
  words: MeanSdView | null;
}
export interface StatisticsView {
  sessions: number;
  turns: MeanSdView;
  client: RoleStatisticsView;
  counselor: RoleStatisticsView;
}
export interface StatsSummary {
  a: StatisticsView;
  b?: StatisticsView;
}

export interface OverlapGroupView {
  n: number;
  mapping: MeanSdView;
  random: MeanSdView;
  student: TTestView;
  welch: TTestView;
  excluded: { sessionId: number; externalId: string | null; reason: string }[];
}
export interface OverlapSummary {
  a: OverlapGroupView;
  b?: OverlapGroupView;
  /** Mapping group of A against that of B. */
  between?: { student: TTestView; welch: TTestView };
}

/** Semantic consistency keeps the card-based shape of overlap: mapping and random groups, their tests. */
export type SemanticSummary = OverlapSummary;

export interface TopicsRoundView {
  round: number;
  entropy: number | null;
  counts: Record<string, number>;
  outside: Record<string, number>;
  missing: number;
}
export interface TopicsGroupView {
  n: number;
  rounds: TopicsRoundView[];
  /** Over the rounds' entropies, in bits. */
  entropy: MeanSdView;
  outside: Record<string, number>;
  missing: number;
}
export interface TopicsSummary {
  a: TopicsGroupView;
  b?: TopicsGroupView;
  /** Entropies over rounds, A against B. */
  between?: { student: TTestView; welch: TTestView };
  testsNote?: string;
}

export type WaiFactorName = 'goal' | 'task' | 'bond';
export interface WaiGroupView {
  n: number;
  rounds: number;
  goal: MeanSdView & { n: number };
  task: MeanSdView & { n: number };
  bond: MeanSdView & { n: number };
  missing: number;
}
export interface WaiSummary {
  a: WaiGroupView;
  b?: WaiGroupView;
  /** Per factor, the sessions of A against those of B. */
  between?: Record<WaiFactorName, { student: TTestView; welch: TTestView }>;
  testsNote?: string;
}
