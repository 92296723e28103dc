import { DomainError } from '../common/errors';
import type { EvaluationRunInput, MeasureInfo, OverlapSummary, StatsSummary, StoredScore, DatasetKey } from '../contract/evaluation';
import type { JobRunner } from '../jobs/runner';
import type { JobStore } from '../jobs/store';
import { forJob, type WorkerPool } from '../workers/pool';
import { noTaskControl } from '../workers/task';
import type { AppTasks } from '../workers/tasks';
import type { Dataset } from './dataset';
import type { GroupScores } from './groups';
import { compareMapping, type OverlapResult } from './overlap';
import { overlapTask } from './overlap-task';
import { datasetStatistics } from './statistics';
import { tokeniserFor } from './words';

// The measures this build computes, as data: the window's measure picker, the CLI and the
// stored record all read this list, so a measure added here (semantic, topics, WAI) appears
// everywhere at once. Each computes settings, a summary and per-session scores from loaded
// datasets; the service stores them.

export interface MeasureWork {
  input: EvaluationRunInput;
  /** A, then B when compared. */
  datasets: Dataset[];
  jobs: JobStore;
  runner: JobRunner;
  workers: WorkerPool<AppTasks>;
  /** Compute in this thread (the CLI), not as a job on the worker pool (the app). */
  inline: boolean;
}

export interface MeasureOutcome {
  settings: Record<string, unknown>;
  summary: Record<string, unknown>;
  scores: StoredScore[];
}

export interface Measure extends MeasureInfo {
  compute(work: MeasureWork): Promise<MeasureOutcome>;
}

/** Job kinds of the measures that run as jobs: their answer goes to a waiting request, so none resumes after a restart. */
export const evaluationJobKinds = { overlap: 'evaluation.overlap' } as const;
export const unresumableEvaluationJobs: ReadonlySet<string> = new Set(Object.values(evaluationJobKinds));

const keyOf = (i: number): DatasetKey => (i === 0 ? 'a' : 'b');

/** Table 1 of each dataset, and each session's turns and utterances. */
export function statsOutcome(datasets: Dataset[]): MeasureOutcome {
  const stats = datasets.map(datasetStatistics);
  const summary: StatsSummary = { a: stats[0]!, ...(stats[1] ? { b: stats[1] } : {}) };
  const english = datasets[0]!.language === 'en';
  return {
    settings: {
      lengths: 'grapheme clusters (Intl.Segmenter)',
      sd: 'sample (n − 1)',
      ...(english ? { words: tokeniserFor('en').description } : {}),
    },
    summary: summary as unknown as Record<string, unknown>,
    scores: datasets.flatMap((d, i) =>
      d.sessions.map((s) => ({
        dataset: keyOf(i),
        sessionId: s.id,
        externalId: s.externalId,
        values: {
          runId: s.runId,
          turns: s.messages.filter((m) => m.role === 'counselor').length,
          clientUtterances: s.messages.filter((m) => m.role === 'client').length,
          counselorUtterances: s.messages.filter((m) => m.role === 'counselor').length,
        },
      })),
    ),
  };
}

/**
 * A card-based measure's per-session scores as stored (and as the CSV's columns), dataset a
 * then b: each session against its own card and another's, and what `extra` adds (overlap's
 * word counts).
 */
export function cardScores<S extends GroupScores>(results: readonly { sessions: readonly S[] }[], extra: (s: S) => Record<string, number> = () => ({})): StoredScore[] {
  return sessionScores(results, (s) => ({ mapping: s.mapping, random: s.random, randomCardOf: s.randomCardOf, ...extra(s) }));
}

/** Per-session scores as stored, dataset a then b: each session's ids and run, then what `values` gives. */
export function sessionScores<S extends { sessionId: number; runId: number; externalId: string | null }>(
  results: readonly { sessions: readonly S[] }[],
  values: (s: S) => StoredScore['values'],
): StoredScore[] {
  return results.flatMap((r, i) => r.sessions.map((s) => ({ dataset: keyOf(i), sessionId: s.sessionId, externalId: s.externalId, values: { runId: s.runId, ...values(s) } })));
}

/** The stored summary of one dataset's mapping and random groups (overlap and semantic alike). */
export const mappingGroup = (r: Pick<OverlapResult, 'n' | 'mapping' | 'random' | 'student' | 'welch' | 'excluded'>) => ({
  n: r.n,
  mapping: r.mapping,
  random: r.random,
  student: r.student,
  welch: r.welch,
  excluded: r.excluded,
});

/** The overlap of each dataset (and the tests between their mapping groups) as stored. */
export function overlapOutcome(results: OverlapResult[], seed: number, stopwords: string[] | null): MeasureOutcome {
  const between = results.length > 1 ? compareMapping(results[0]!, results[1]!) : null;
  const summary: OverlapSummary = {
    a: mappingGroup(results[0]!),
    ...(results[1] && between ? { b: mappingGroup(results[1]), between } : {}),
  };
  return {
    settings: { seed, tokeniser: results[0]!.tokeniser, stopwords },
    summary: summary as unknown as Record<string, unknown>,
    scores: cardScores(results, (s) => ({ cardWords: s.cardWords, clientWords: s.clientWords })),
  };
}

const statsMeasure: Measure = {
  measure: 'stats',
  needsCards: false,
  needsModel: false,
  endpoint: null,
  seeded: false,
  compute: async ({ datasets }) => statsOutcome(datasets),
};

const overlapMeasure: Measure = {
  measure: 'overlap',
  needsCards: true,
  needsModel: false,
  endpoint: null,
  seeded: true,
  compute: async ({ input, datasets, jobs, runner, workers, inline }) => {
    const task = { datasets, seed: input.seed ?? 1, stopwords: input.stopwords ?? null };
    if (inline) return overlapOutcome(await overlapTask(task, noTaskControl), task.seed, task.stopwords);
    const sessions = datasets.reduce((n, d) => n + d.sessions.length, 0);
    const job = jobs.create(evaluationJobKinds.overlap, datasets.map((d) => d.runs.map((r) => r.title).join(', ')).join(' vs '), { seed: task.seed }, sessions);
    const results = await runner.result(
      job.id,
      (control) => workers.run('evaluation.overlap', task, forJob(control)),
      (r) => `Vocabulary overlap of ${r.map((x) => x.n).join(' and ')} sessions`,
    );
    return overlapOutcome(results, task.seed, task.stopwords);
  },
};

/**
 * A measure a model computes: planned, then run as a job whose result is stored
 * (model-jobs.ts), never awaited as one request.
 */
const modelMeasure = (info: Omit<MeasureInfo, 'needsModel'>): Measure => ({
  ...info,
  needsModel: true,
  compute: () => Promise.reject(new DomainError('validation', `The ${info.measure} measure calls a model: plan it and start it as a job.`)),
});

/** In the order the window lists them. */
export const measures: readonly Measure[] = [
  statsMeasure,
  overlapMeasure,
  modelMeasure({ measure: 'semantic', needsCards: true, endpoint: 'embeddings', seeded: true }),
  modelMeasure({ measure: 'topics', needsCards: false, endpoint: 'judge', seeded: false }),
  modelMeasure({ measure: 'wai', needsCards: false, endpoint: 'judge', seeded: false }),
];

export const measureInfo = (m: Measure): MeasureInfo => ({ measure: m.measure, needsCards: m.needsCards, needsModel: m.needsModel, endpoint: m.endpoint, seeded: m.seeded });
