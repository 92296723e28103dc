import type { EvaluationPlan } from '../contract/evaluation';
import type { JobView } from '../contract/job';
import { DomainError } from '../common/errors';
import type { EndpointRepository } from '../endpoints/repository';
import type { SecretBox } from '../endpoints/secret-box';
import type { JobRunner } from '../jobs/runner';
import type { JobStore } from '../jobs/store';
import { connectEndpoint, endpointTimeoutMs } from '../llm/client';
import { DEFAULT_EMBEDDING_BATCH } from '../llm/embeddings';
import { RateLimiter } from '../llm/rate-limiter';
import type { Db } from '../storage/database';
import { loadDataset, loadFixedDataset, type Dataset, type DatasetSpec } from './dataset';
import type { JobDataset } from './judge/service';
import { DEFAULT_EMBEDDING_MODEL, DEFAULT_MAX_CHARS, semanticEvaluation, semanticTextPlan, type SemanticResult } from './semantic';

// Semantic consistency as a durable job, like the judged measures: `create` fixes the
// datasets (their session ids), the endpoint, model, seed and limits in the job's params;
// `plan` says how many texts the cache lacks and what embedding them will cost; `execute`
// runs or resumes it (each batch's vectors are cached as they come, so a paused or failed
// job resumed, or the same evaluation started again, embeds only what is still missing).

export const SEMANTIC_JOB_KIND = 'evaluation-semantic';

export interface SemanticStart {
  a: DatasetSpec;
  b?: DatasetSpec | null;
  endpointId: number;
  model?: string;
  seed?: number;
  maxChars?: number;
  batchSize?: number;
  rpm?: number | null;
  tpm?: number | null;
}

export interface SemanticJobParams {
  datasets: JobDataset[];
  endpointId: number;
  model: string;
  seed: number;
  maxChars: number;
  batchSize: number;
  rpm: number | null;
  tpm: number | null;
}

export interface SemanticJobDeps {
  readonly db: Db;
  readonly jobs: JobStore;
  readonly runner: JobRunner;
  readonly endpoints: Pick<EndpointRepository, 'get'>;
  readonly secrets: SecretBox;
  readonly env: NodeJS.ProcessEnv;
}

export class SemanticJobs {
  constructor(private readonly deps: SemanticJobDeps) {}

  /** Every setting fixed; nothing stored or called. */
  resolve(start: SemanticStart): SemanticJobParams {
    const endpoint = this.deps.endpoints.get(start.endpointId);
    const datasets = [{ label: 'a' as const, spec: start.a }, ...(start.b ? [{ label: 'b' as const, spec: start.b }] : [])].map((x) => {
      const d = loadDataset(this.deps.db, x.spec);
      return { label: x.label, spec: d.spec, sessionIds: d.sessions.map((s) => s.id) };
    });
    const params: SemanticJobParams = {
      datasets,
      endpointId: endpoint.id,
      model: start.model?.trim() || DEFAULT_EMBEDDING_MODEL,
      seed: start.seed ?? 1,
      maxChars: start.maxChars ?? DEFAULT_MAX_CHARS,
      batchSize: start.batchSize ?? DEFAULT_EMBEDDING_BATCH,
      rpm: start.rpm ?? null,
      tpm: start.tpm ?? null,
    };
    // Refuses a dataset semantic cannot score (no cards, one session) before a job exists.
    this.plan(params);
    return params;
  }

  create(start: SemanticStart): JobView {
    const p = this.resolve(start);
    const sessions = p.datasets.reduce((n, d) => n + d.sessionIds.length, 0);
    return this.deps.jobs.create(SEMANTIC_JOB_KIND, `Semantic consistency: ${sessions} sessions, embeddings ${p.model}`, p, sessions * 2);
  }

  params(jobId: number): SemanticJobParams {
    const job = this.deps.jobs.peek(jobId);
    if (job.kind !== SEMANTIC_JOB_KIND) throw new DomainError('validation', `Job ${jobId} is a ${job.kind} job, not an evaluation of semantic consistency.`);
    return this.deps.jobs.params<SemanticJobParams>(jobId);
  }

  datasets(p: SemanticJobParams): Dataset[] {
    return p.datasets.map((d) => loadFixedDataset(this.deps.db, d.spec, d.sessionIds));
  }

  /** Texts, those cached, the requests left and their estimated tokens and cost (embeddings pay for input only). */
  plan(jobOrParams: number | SemanticJobParams): EvaluationPlan {
    const p = typeof jobOrParams === 'number' ? this.params(jobOrParams) : jobOrParams;
    const endpoint = this.deps.endpoints.get(p.endpointId);
    const t = semanticTextPlan(this.deps.db, this.datasets(p), { baseUrl: endpoint.baseUrl, model: p.model, maxChars: p.maxChars, batchSize: p.batchSize });
    // ¾ of a token a character, as the rate limiter guesses (llm/usage.ts).
    const promptTokens = Math.ceil(t.chars * 0.75);
    return {
      measure: 'semantic',
      unit: 'texts',
      total: t.texts,
      answered: t.cached,
      calls: t.requests,
      promptTokens,
      completionTokens: 0,
      cost: endpoint.priceInputPerM === null ? null : (promptTokens * endpoint.priceInputPerM) / 1_000_000,
      model: p.model,
    };
  }

  /** Runs or resumes the job here; the results (A, then B) when it is done. */
  async execute(jobId: number, onProgress?: (done: number, total: number) => void): Promise<{ job: JobView; results: SemanticResult[] | null }> {
    const p = this.params(jobId);
    let results: SemanticResult[] | null = null;
    const job = await this.deps.runner.run(
      jobId,
      async (control) => {
        // Inside the job: a missing key or a deleted endpoint fails the job, saying so.
        const record = this.deps.endpoints.get(p.endpointId);
        const connected = connectEndpoint(record, this.deps.secrets, this.deps.env);
        const endpoint = { openai: connected.openai.withOptions({ logLevel: 'off' }), params: { ...record, model: p.model } };
        const datasets = this.datasets(p);
        // One limiter for both datasets: they call one endpoint.
        const policies = { timeoutMs: endpointTimeoutMs(record), retry: { maxRetries: 6, baseMs: 1000, maxMs: 30_000 }, limiter: p.rpm || p.tpm ? new RateLimiter({ rpm: p.rpm, tpm: p.tpm }) : null, signal: control.signal };
        const done: SemanticResult[] = [];
        let before = 0;
        for (const d of datasets) {
          const r = await semanticEvaluation(this.deps.db, d, {
            seed: p.seed,
            endpoint,
            model: p.model,
            maxChars: p.maxChars,
            batchSize: p.batchSize,
            policies,
            checkpoint: () => control.checkpoint(),
            onProgress: (x) => {
              control.progress(before + x.done, before + x.texts, `${before + x.done} texts embedded or cached`);
              onProgress?.(before + x.done, before + x.texts);
            },
          });
          before += r.texts;
          done.push(r);
        }
        results = done;
        return `${done.map((r) => r.n).join(' and ')} sessions: mapping ${done.map((r) => r.mapping.mean?.toFixed(3)).join(' / ')}; ${done.reduce((n, r) => n + r.requests, 0)} requests, ${done.reduce((n, r) => n + r.cached, 0)} texts from the cache`;
      },
      { label: `Evaluation job ${jobId}` },
    );
    return { job, results: job.status === 'done' ? results : null };
  }
}
