import type { EvaluationDetail, EvaluationMeasure, EvaluationReportInput, EvaluationRunInput, MeasureInfo, StoredDataset } from '../contract/evaluation';
import { checkTarget, writeFileSafely } from '../common/safe-write';
import { DomainError } from '../common/errors';
import type { JobRunner } from '../jobs/runner';
import type { JobStore } from '../jobs/store';
import type { Db } from '../storage/database';
import type { WorkerPool } from '../workers/pool';
import type { AppTasks } from '../workers/tasks';
import { loadDataset, type Dataset } from './dataset';
import { measureInfo, measures, type Measure, type MeasureOutcome } from './measures';
import { evaluationReportHtml } from './report';
import { EvaluationResults } from './results-store';
import { scoresCsv } from './scores-csv';
import type { EndpointRepository } from '../endpoints/repository';
import type { SecretBox } from '../endpoints/secret-box';
import type { JudgeService } from './judge/service';
import { ModelEvaluations } from './model-jobs';
import { SemanticJobs } from './semantic-job';

// Runs a measure on one dataset or two and keeps the result: the one path behind the
// window's Run button and `simpsy eval`. The datasets are read here (the database has one
// owner), the measure computes (as a job on the worker pool in the app), and the evaluation
// is stored with its settings and per-session scores in one transaction.

export interface EvaluationServiceDeps {
  db: Db;
  jobs: JobStore;
  runner: JobRunner;
  workers: WorkerPool<AppTasks>;
  version: string;
  /** The judged measures (topics, WAI), whose jobs the model measures start. */
  judges: JudgeService;
  endpoints: Pick<EndpointRepository, 'get'>;
  secrets: SecretBox;
  env: NodeJS.ProcessEnv;
}

export function measureNamed(measure: EvaluationMeasure): Measure {
  const m = measures.find((x) => x.measure === measure);
  if (!m) {
    throw new DomainError('validation', `The ${measure} measure is not available in this version; the measures are ${measures.map((x) => x.measure).join(', ')}.`);
  }
  return m;
}

/** What a stored evaluation says about a dataset: its definition and the sessions it held. */
export const storedDataset = (d: Dataset): StoredDataset => ({
  spec: d.spec,
  language: d.language,
  runs: d.runs.map((r) => ({ id: r.id, kind: r.kind, title: r.title })),
  sessionIds: d.sessions.map((s) => s.id),
});

/** "Pilot run, Pilot 2 vs RealPsyDial": the runs' titles (their ids when untitled). */
export const evaluationTitle = (datasets: Dataset[]): string =>
  datasets.map((d) => d.runs.map((r) => r.title.trim() || `run ${r.id}`).join(', ')).join(' vs ');

export class EvaluationService {
  readonly results: EvaluationResults;
  /** Semantic, topics and WAI: planned, then run as jobs whose result is kept. */
  readonly models: ModelEvaluations;

  constructor(private readonly deps: EvaluationServiceDeps) {
    this.results = new EvaluationResults(deps.db);
    const { db, jobs, runner, endpoints, secrets, env } = deps;
    this.models = new ModelEvaluations({
      db,
      jobs,
      runner,
      judges: deps.judges,
      semantic: new SemanticJobs({ db, jobs, runner, endpoints, secrets, env }),
      results: this.results,
      store: (measure, datasets, outcome) => this.store(measure, datasets, outcome),
    });
  }

  measures(): MeasureInfo[] {
    return measures.map(measureInfo);
  }

  /** Loads A (and B), computes the measure, stores it; answers with the stored evaluation. */
  async run(input: EvaluationRunInput, options: { inline?: boolean } = {}): Promise<EvaluationDetail> {
    const measure = measureNamed(input.measure);
    if (measure.needsModel) throw new DomainError('validation', `The ${input.measure} measure calls a model: plan it and start it as a job (evaluation:plan, evaluation:start).`);
    const datasets = [loadDataset(this.deps.db, input.a), ...(input.b ? [loadDataset(this.deps.db, input.b)] : [])];
    const outcome = await measure.compute({ input, datasets, jobs: this.deps.jobs, runner: this.deps.runner, workers: this.deps.workers, inline: options.inline ?? false });
    return this.results.get(this.store(input.measure, datasets, outcome));
  }

  /** Stores a computed outcome (the CLI computes its own to print it, then keeps it here). */
  store(measure: EvaluationMeasure, datasets: Dataset[], outcome: MeasureOutcome): number {
    return this.results.save({
      measure,
      title: evaluationTitle(datasets),
      language: datasets[0]!.language,
      datasets: { a: storedDataset(datasets[0]!), b: datasets[1] ? storedDataset(datasets[1]) : null },
      ...outcome,
      appVersion: this.deps.version,
    });
  }

  /**
   * Writes the HTML report (and the per-session scores as CSV) of a stored evaluation. Both
   * targets are checked before either is written, so a refusal leaves no half of the pair.
   */
  report(input: EvaluationReportInput, protect: readonly string[]): { path: string; csvPath: string | null } {
    const detail = this.results.get(input.id);
    const options = { overwrite: input.overwrite ?? false, protect };
    checkTarget(input.path, options);
    if (input.csvPath) checkTarget(input.csvPath, options);
    writeFileSafely(input.path, evaluationReportHtml(detail, input.language ?? detail.language), options);
    if (input.csvPath) writeFileSafely(input.csvPath, scoresCsv(detail.scores), options);
    return { path: input.path, csvPath: input.csvPath ?? null };
  }
}
