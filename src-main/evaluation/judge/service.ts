import type { JobView } from '../../contract/job';
import type { CardLanguage } from '../../contract/role-card';
import { DomainError } from '../../common/errors';
import type { EndpointRepository } from '../../endpoints/repository';
import type { SecretBox } from '../../endpoints/secret-box';
import type { JobControl, JobRunner } from '../../jobs/runner';
import type { JobStore } from '../../jobs/store';
import { connectEndpoint, endpointTimeoutMs } from '../../llm/client';
import type { LlmEndpoint } from '../../llm/params';
import { RateLimiter } from '../../llm/rate-limiter';
import type { Db } from '../../storage/database';
import { loadDataset, loadFixedDataset, type Dataset, type DatasetSpec } from '../dataset';
import { tTests, type TTests } from '../t-test';
import { askAll, type AskTally, type JudgeQuestion, type Reading } from './ask';
import { JudgeCache } from './cache';
import { readTemplate, readTopicList, readWaiItems, type Topic, type WaiItemText } from './materials';
import { planCalls, type JudgePlan } from './plan';
import { topicQuestions, topicReader, topicsResult, type TopicsResult } from './topics';
import { readWaiScore, waiQuestions, waiResult, WAI_FACTORS, type WaiFactor, type WaiResult } from './wai';

// The LLM-judged measures (topics, WAI-O-S) as durable jobs. `create` fixes everything the
// evaluation depends on in the job's params (datasets and their session ids, endpoint,
// model, rounds, the topic list or items, the prompt templates), so resuming asks exactly the
// same questions; `plan` says what it will cost; `execute` runs or resumes it here (stored
// answers are reused, see ask.ts) and gives the result; `result` rebuilds a finished
// evaluation's result from the stored answers without calling anything.

export const JUDGE_JOB_KINDS = { topics: 'evaluation-topics', wai: 'evaluation-wai' } as const;
export type JudgeMeasure = keyof typeof JUDGE_JOB_KINDS;

export interface JudgeDeps {
  readonly db: Db;
  readonly jobs: JobStore;
  readonly runner: JobRunner;
  readonly endpoints: Pick<EndpointRepository, 'get'>;
  readonly secrets: SecretBox;
  readonly env: NodeJS.ProcessEnv;
  readonly resourcesDir: string;
}

export interface JudgeStart {
  measure: JudgeMeasure;
  a: DatasetSpec;
  b?: DatasetSpec | null;
  endpointId: number;
  /** Instead of the endpoint's model. */
  model?: string;
  rounds?: number;
  /** Tries per question when the reply cannot be read (the first included). */
  attempts?: number;
  concurrency?: number;
  rpm?: number | null;
  tpm?: number | null;
  /** Files instead of the shipped resources/evaluation/ ones. */
  topicsFile?: string;
  itemsFile?: string;
  promptFile?: string;
}

export const JUDGE_DEFAULTS = { rounds: 3, attempts: 3, concurrency: 4 } as const;

/** A judge's typical answer, in tokens, for the cost estimate. */
const REPLY_TOKENS: Record<JudgeMeasure, number> = { topics: 40, wai: 8 };

export interface JobDataset {
  label: 'a' | 'b';
  spec: DatasetSpec;
  sessionIds: number[];
}

/** Everything a judge job depends on, kept in its params. */
export interface JudgeJobParams {
  measure: JudgeMeasure;
  language: CardLanguage;
  datasets: JobDataset[];
  endpointId: number;
  model: string;
  rounds: number;
  attempts: number;
  concurrency: number;
  rpm: number | null;
  tpm: number | null;
  template: string;
  topics?: Topic[];
  items?: WaiItemText[];
}

export type JudgeMeasureResult = TopicsResult | WaiResult;

export interface JudgeSettings {
  jobId: number;
  measure: JudgeMeasure;
  language: CardLanguage;
  datasets: JobDataset[];
  judge: { endpointId: number; baseUrl: string; model: string; temperature: number | null; topP: number | null; maxTokens: number | null };
  rounds: number;
  attempts: number;
  template: string;
  topics?: Topic[];
  items?: WaiItemText[];
}

/** One dataset's result, or two with the tests between them (topics: over the rounds' entropies; WAI: per factor over sessions). */
export interface JudgeEvaluation {
  settings: JudgeSettings;
  a: JudgeMeasureResult;
  b: JudgeMeasureResult | null;
  tests: { entropy: TTests } | Record<WaiFactor, TTests> | null;
  /** Why no tests were computed for two datasets (fewer than two values on a side). */
  testsNote: string | null;
  tally: AskTally;
}

const positive = (name: string, v: number | undefined, fallback: number, max: number) => {
  const n = v ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > max) throw new DomainError('validation', `${name} must be a whole number from 1 to ${max}, got ${n}.`);
  return n;
};

export class JudgeService {
  readonly cache: JudgeCache;

  constructor(private readonly deps: JudgeDeps) {
    this.cache = new JudgeCache(deps.db);
  }

  /** Every setting of an evaluation fixed (datasets and their sessions, prompts, model); nothing is stored or called. */
  resolve(start: JudgeStart): JudgeJobParams {
    const endpoint = this.deps.endpoints.get(start.endpointId);
    const datasets = [{ label: 'a' as const, d: loadDataset(this.deps.db, start.a) }, ...(start.b ? [{ label: 'b' as const, d: loadDataset(this.deps.db, start.b) }] : [])];
    const language = datasets[0]!.d.language;
    if (datasets.some((x) => x.d.language !== language)) {
      throw new DomainError('validation', `The datasets are in different languages (${datasets.map((x) => x.d.language).join(' and ')}); a judge reads one language with one prompt: compare datasets of the same language.`);
    }
    const dir = this.deps.resourcesDir;
    const params: JudgeJobParams = {
      measure: start.measure,
      language,
      datasets: datasets.map((x) => ({ label: x.label, spec: x.d.spec, sessionIds: x.d.sessions.map((s) => s.id) })),
      endpointId: endpoint.id,
      model: start.model?.trim() || endpoint.model,
      rounds: positive('--rounds', start.rounds, JUDGE_DEFAULTS.rounds, 100),
      attempts: positive('--attempts', start.attempts, JUDGE_DEFAULTS.attempts, 10),
      concurrency: positive('--concurrency', start.concurrency, JUDGE_DEFAULTS.concurrency, 256),
      rpm: start.rpm ?? null,
      tpm: start.tpm ?? null,
      ...(start.measure === 'topics'
        ? { topics: readTopicList(dir, language, start.topicsFile), template: readTemplate(dir, 'topics-prompt', language, ['topics', 'utterances'], start.promptFile) }
        : { items: readWaiItems(dir, language, start.itemsFile), template: readTemplate(dir, 'wai-prompt', language, ['conversation', 'questionnaire', 'guidelines'], start.promptFile) }),
    };
    return params;
  }

  /** Creates the job (queued) with every setting fixed; nothing is called yet. */
  create(start: JudgeStart): JobView {
    const params = this.resolve(start);
    const sessions = params.datasets.reduce((n, d) => n + d.sessionIds.length, 0);
    const title = `${start.measure === 'topics' ? 'Topic diversity' : 'WAI-O-S'}: ${sessions} sessions × ${params.rounds} rounds, judge ${params.model}`;
    return this.deps.jobs.create(JUDGE_JOB_KINDS[start.measure], title, params, this.questionCount(params));
  }

  params(jobId: number): JudgeJobParams {
    const job = this.deps.jobs.peek(jobId);
    if (job.kind !== JUDGE_JOB_KINDS.topics && job.kind !== JUDGE_JOB_KINDS.wai) throw new DomainError('validation', `Job ${jobId} is a ${job.kind} job, not an evaluation by a judge.`);
    return this.deps.jobs.params<JudgeJobParams>(jobId);
  }

  /** Questions, what is already answered, calls left, and their estimated tokens and cost. */
  plan(jobOrParams: number | JudgeJobParams): JudgePlan {
    const p = typeof jobOrParams === 'number' ? this.params(jobOrParams) : jobOrParams;
    // No key is needed to plan: nothing is sent.
    const setup = this.prepare(p);
    return planCalls(setup.questions, { cache: this.cache, params: { ...this.deps.endpoints.get(p.endpointId), model: p.model }, attempts: p.attempts, read: setup.read, replyTokens: REPLY_TOKENS[p.measure] });
  }

  /** Runs or resumes the job here until done, paused, cancelled or failed; the evaluation when done. */
  async execute(jobId: number): Promise<{ job: JobView; evaluation: JudgeEvaluation | null }> {
    const p = this.params(jobId);
    let evaluation: JudgeEvaluation | null = null;
    const job = await this.deps.runner.run(
      jobId,
      async (control) => {
        evaluation = await this.evaluate(jobId, p, control);
        return summaryLine(evaluation);
      },
      { label: `Evaluation job ${jobId}` },
    );
    return { job, evaluation: job.status === 'done' ? evaluation : null };
  }

  /** A finished evaluation's result from the stored answers; calls nothing. */
  result(jobId: number): Promise<JudgeEvaluation> {
    return this.evaluate(jobId, this.params(jobId), null);
  }

  pause(jobId: number): JobView {
    this.params(jobId);
    return this.deps.runner.pause(jobId);
  }

  cancel(jobId: number): JobView {
    this.params(jobId);
    return this.deps.runner.cancel(jobId);
  }

  private questionCount(p: JudgeJobParams): number {
    const sessions = p.datasets.reduce((n, d) => n + d.sessionIds.length, 0);
    return sessions * p.rounds * (p.measure === 'wai' ? p.items!.length : 1);
  }

  private datasets(p: JudgeJobParams): { label: 'a' | 'b'; d: Dataset }[] {
    return p.datasets.map((jd) => ({ label: jd.label, d: loadFixedDataset(this.deps.db, jd.spec, jd.sessionIds) }));
  }

  private connect(p: JudgeJobParams): LlmEndpoint {
    const record = this.deps.endpoints.get(p.endpointId);
    const connected = connectEndpoint(record, this.deps.secrets, this.deps.env);
    return { openai: connected.openai.withOptions({ logLevel: 'off' }), params: { ...record, model: p.model } };
  }

  private prepare(p: JudgeJobParams) {
    const datasets = this.datasets(p);
    const perDataset = datasets.map(({ label, d }) => ({
      label,
      sessions: d.sessions,
      questions: p.measure === 'topics' ? topicQuestions(d.sessions, { topics: p.topics!, template: p.template }, p.language, p.rounds) : waiQuestions(d.sessions, { items: p.items!, template: p.template }, p.language, p.rounds),
    }));
    const read = (p.measure === 'topics' ? topicReader({ topics: p.topics!, template: p.template }) : readWaiScore) as (reply: string) => Reading<unknown>;
    const questions: JudgeQuestion[] = perDataset.flatMap((x) => x.questions);
    return { perDataset, questions, read };
  }

  private async evaluate(jobId: number, p: JudgeJobParams, control: JobControl | null): Promise<JudgeEvaluation> {
    const setup = this.prepare(p);
    const endpoint = this.connect(p);
    const timeoutMs = endpointTimeoutMs(this.deps.endpoints.get(p.endpointId));
    const { answers, tally } = await askAll(setup.questions, {
      endpoint,
      cache: this.cache,
      read: setup.read,
      attempts: p.attempts,
      concurrency: p.concurrency,
      limiter: p.rpm || p.tpm ? new RateLimiter({ rpm: p.rpm, tpm: p.tpm }) : null,
      retry: { maxRetries: 4, baseMs: 1000, maxMs: 30_000 },
      timeoutMs,
      control,
      onProgress: control ? progressEvery(200, (done, total) => control.progress(done, total, `${done} of ${total} questions`)) : undefined,
    });
    let offset = 0;
    const results = setup.perDataset.map((x) => {
      const mine = answers.slice(offset, offset + x.questions.length);
      offset += x.questions.length;
      return p.measure === 'topics'
        ? topicsResult(x.sessions, { topics: p.topics!, template: p.template }, p.rounds, mine as never)
        : waiResult(x.sessions, { items: p.items!, template: p.template }, p.rounds, mine as never);
    });
    const [a, b = null] = results;
    const { tests, note } = b ? compare(a!, b) : { tests: null, note: null };
    const e = endpoint.params;
    return {
      settings: {
        jobId,
        measure: p.measure,
        language: p.language,
        datasets: p.datasets,
        judge: { endpointId: p.endpointId, baseUrl: e.baseUrl, model: e.model, temperature: e.temperature, topP: e.topP, maxTokens: e.maxTokens },
        rounds: p.rounds,
        attempts: p.attempts,
        template: p.template,
        ...(p.topics ? { topics: p.topics } : {}),
        ...(p.items ? { items: p.items } : {}),
      },
      a: a!,
      b,
      tests,
      testsNote: note,
      tally,
    };
  }
}

/** Progress at most every `ms`, and always at the end. */
function progressEvery(ms: number, report: (done: number, total: number) => void) {
  let at = 0;
  return (done: number, total: number) => {
    const t = performance.now();
    if (done < total && t - at < ms) return;
    at = t;
    report(done, total);
  };
}

function compare(a: JudgeMeasureResult, b: JudgeMeasureResult): { tests: JudgeEvaluation['tests']; note: string | null } {
  try {
    if (a.measure === 'topics' && b.measure === 'topics') {
      const entropies = (r: TopicsResult) => r.rounds.map((x) => x.entropy).filter((h): h is number => h !== null);
      return { tests: { entropy: tTests(entropies(a), entropies(b)) }, note: null };
    }
    if (a.measure === 'wai' && b.measure === 'wai') {
      const values = (r: WaiResult, f: WaiFactor) => r.sessions.map((s) => s[f]).filter((v): v is number => v !== null);
      const factors = Object.keys(WAI_FACTORS) as WaiFactor[];
      return { tests: Object.fromEntries(factors.map((f) => [f, tTests(values(a, f), values(b, f))])) as Record<WaiFactor, TTests>, note: null };
    }
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const hint = a.measure === 'topics' ? "topic tests compare the rounds' entropies: use --rounds 2 or more" : 'each dataset needs two sessions with all four items of the factor scored';
    return { tests: null, note: `${error.message.replace(/\.$/u, '')}: ${hint}.` };
  }
  return { tests: null, note: null };
}

function summaryLine(e: JudgeEvaluation): string {
  const r = e.a;
  const head = r.measure === 'topics' ? `entropy ${r.entropy.mean.toFixed(3)} bits over ${r.rounds.length} rounds` : `goal ${r.goal.mean.toFixed(2)}, task ${r.task.mean.toFixed(2)}, bond ${r.bond.mean.toFixed(2)}`;
  return `${r.n} sessions: ${head}; ${r.missing} missing; ${e.tally.calls} calls, ${e.tally.cached} stored answers reused`;
}
