import type { EvaluationModelInput, EvaluationPlan } from '../contract/evaluation';
import type { JobView } from '../contract/job';
import { DomainError } from '../common/errors';
import type { JobRunner } from '../jobs/runner';
import type { JobStore } from '../jobs/store';
import type { Db } from '../storage/database';
import { loadFixedDataset } from './dataset';
import { JUDGE_JOB_KINDS, type JudgeEvaluation, type JudgeService, type JudgeStart } from './judge/service';
import { judgeOutcome, semanticOutcome } from './model-outcomes';
import type { EvaluationResults } from './results-store';
import { SEMANTIC_JOB_KIND, type SemanticJobs, type SemanticStart } from './semantic-job';
import type { SemanticResult } from './semantic';
import type { Dataset } from './dataset';
import type { MeasureOutcome } from './measures';

// The measures a model computes (semantic, topics, WAI) as jobs whose result is kept: the
// one path behind the window's plan → start → pause / resume / cancel, and behind
// `simpsy eval semantic|topics|wai`. A job that ends done stores its evaluation at once, with
// its job id in the settings, so the window opens "the evaluation of job N" and a second
// finish of the same job does not store it twice.

export type ModelMeasure = EvaluationModelInput['measure'];

export interface ModelEvaluationDeps {
  db: Db;
  jobs: JobStore;
  runner: JobRunner;
  judges: JudgeService;
  semantic: SemanticJobs;
  results: EvaluationResults;
  /** Stores a computed outcome as an evaluation (EvaluationService.store). */
  store: (measure: ModelMeasure, datasets: Dataset[], outcome: MeasureOutcome) => number;
}

export interface ModelFinish {
  job: JobView;
  /** The stored evaluation when the job is done (and saving was asked). */
  evaluationId: number | null;
  semantic: SemanticResult[] | null;
  judged: JudgeEvaluation | null;
}

const judgeStart = (i: EvaluationModelInput & { measure: 'topics' | 'wai' }): JudgeStart => ({
  measure: i.measure,
  a: i.a,
  b: i.b ?? null,
  endpointId: i.endpointId,
  ...(i.model ? { model: i.model } : {}),
  ...(i.rounds ? { rounds: i.rounds } : {}),
});

const semanticStart = (i: EvaluationModelInput): SemanticStart => ({
  a: i.a,
  b: i.b ?? null,
  endpointId: i.endpointId,
  ...(i.model ? { model: i.model } : {}),
  ...(i.seed !== undefined ? { seed: i.seed } : {}),
});

export class ModelEvaluations {
  constructor(private readonly deps: ModelEvaluationDeps) {}

  get semanticJobs(): SemanticJobs {
    return this.deps.semantic;
  }

  /** What starting it would call and cost; nothing is stored or sent. */
  plan(input: EvaluationModelInput): EvaluationPlan {
    if (input.measure === 'semantic') return this.deps.semantic.plan(this.deps.semantic.resolve(semanticStart(input)));
    const params = this.deps.judges.resolve(judgeStart({ ...input, measure: input.measure }));
    const p = this.deps.judges.plan(params);
    return { measure: input.measure, unit: 'questions', total: p.questions, answered: p.answered, calls: p.calls, promptTokens: p.promptTokens, completionTokens: p.completionTokens, cost: p.cost, model: params.model };
  }

  /** Creates the job with every setting fixed; nothing is called yet. */
  create(input: EvaluationModelInput): JobView {
    return input.measure === 'semantic' ? this.deps.semantic.create(semanticStart(input)) : this.deps.judges.create(judgeStart({ ...input, measure: input.measure }));
  }

  /** The plan of an existing job (what resuming it will still call). */
  planOf(jobId: number): EvaluationPlan {
    if (this.measureOf(jobId) === 'semantic') return this.deps.semantic.plan(jobId);
    const params = this.deps.judges.params(jobId);
    const p = this.deps.judges.plan(jobId);
    return { measure: params.measure, unit: 'questions', total: p.questions, answered: p.answered, calls: p.calls, promptTokens: p.promptTokens, completionTokens: p.completionTokens, cost: p.cost, model: params.model };
  }

  /** The window's Start: creates the job and runs it in the background; the job row tells the rest. */
  start(input: EvaluationModelInput): JobView {
    const job = this.create(input);
    this.background(job.id);
    return job;
  }

  /** Runs a paused or failed job again in the background; stored answers and cached vectors are reused. */
  resume(jobId: number): JobView {
    this.measureOf(jobId);
    const job = this.deps.jobs.get(jobId);
    if (job.status !== 'paused' && job.status !== 'failed' && job.status !== 'queued') {
      throw new DomainError('conflict', `Evaluation job ${jobId} is ${job.status}; only a paused or failed job can be resumed.`);
    }
    this.background(jobId);
    return this.deps.jobs.get(jobId);
  }

  pause(jobId: number): JobView {
    this.measureOf(jobId);
    return this.deps.runner.pause(jobId);
  }

  cancel(jobId: number): JobView {
    this.measureOf(jobId);
    return this.deps.runner.cancel(jobId);
  }

  /** Runs or resumes the job here until it ends; stores its evaluation when done (unless `save` is false). */
  async finish(jobId: number, o: { save?: boolean; onProgress?: (done: number, total: number) => void } = {}): Promise<ModelFinish> {
    const save = o.save ?? true;
    if (this.measureOf(jobId) === 'semantic') {
      const p = this.deps.semantic.params(jobId);
      const { job, results } = await this.deps.semantic.execute(jobId, o.onProgress);
      const evaluationId = results && save ? this.keep(jobId, 'semantic', () => this.deps.semantic.datasets(p), () => semanticOutcome(results, jobId, p.batchSize)) : null;
      return { job, evaluationId, semantic: results, judged: null };
    }
    const p = this.deps.judges.params(jobId);
    const { job, evaluation } = await this.deps.judges.execute(jobId);
    const evaluationId =
      evaluation && save ? this.keep(jobId, p.measure, () => p.datasets.map((d) => loadFixedDataset(this.deps.db, d.spec, d.sessionIds)), () => judgeOutcome(evaluation)) : null;
    return { job, evaluationId, semantic: null, judged: evaluation };
  }

  /** The evaluation a job stored, if it did. */
  evaluationOf(jobId: number): number | null {
    return this.deps.results.idOfJob(jobId);
  }

  measureOf(jobId: number): ModelMeasure {
    const kind = this.deps.jobs.peek(jobId).kind;
    if (kind === SEMANTIC_JOB_KIND) return 'semantic';
    if (kind === JUDGE_JOB_KINDS.topics) return 'topics';
    if (kind === JUDGE_JOB_KINDS.wai) return 'wai';
    throw new DomainError('validation', `Job ${jobId} is a ${kind} job, not an evaluation by a model.`);
  }

  private keep(jobId: number, measure: ModelMeasure, datasets: () => Dataset[], outcome: () => MeasureOutcome): number {
    return this.evaluationOf(jobId) ?? this.deps.store(measure, datasets(), outcome());
  }

  private background(jobId: number): void {
    // The job row records how it ended (failed with its error, paused, cancelled); a refusal
    // before it starts (already running here) leaves the row as it was.
    void this.finish(jobId).catch(() => undefined);
  }
}
