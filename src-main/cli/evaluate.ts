import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import type { StatsSummary } from '../contract/evaluation';
import { endReasons } from '../contract/simulation';
import { DomainError } from '../common/errors';
import { writeFileSafely } from '../common/safe-write';
import { loadDataset, runsLabel, type Dataset, type DatasetSpec } from '../evaluation/dataset';
import { compareMapping, type ExcludedSession, type GroupScores, type GroupSummary } from '../evaluation/groups';
import { cardScores, overlapOutcome, statsOutcome } from '../evaluation/measures';
import { overlapEvaluation, type OverlapResult } from '../evaluation/overlap';
import { scoresCsv } from '../evaluation/scores-csv';
import { DEFAULT_EMBEDDING_MODEL, DEFAULT_MAX_CHARS, type SemanticResult } from '../evaluation/semantic';
import type { EvaluationPlan } from '../contract/evaluation';
import { jobEnded, runModelJob } from './evaluate-job';
import type { StoredScore } from '../contract/evaluation';
import { fixed, statsRows, test } from './evaluation-format';
import { storedCommands } from './evaluations-stored';
import { readStopwords } from '../evaluation/words';
import { DEFAULT_EMBEDDING_BATCH } from '../llm/embeddings';
import type { AppContext } from '../app/context';
import { reasons } from './dialogues';
import { table } from './io';
import type { WithContext } from './context';

// `simpsy eval stats|overlap|semantic`: the paper's §4 measures on a dataset (the ended sessions of
// one or more runs), or two side by side (--compare). Output is a readable table; --json
// prints one JSON object as the last line of stdout (NaN and ±∞ appear as null).

export const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

export interface DatasetFlags {
  runs?: string;
  run?: string[];
  compare?: string;
  vsRun?: string[];
  endReason?: string;
  minTurns?: string;
  maxTurns?: string;
  tag?: string[];
  json?: boolean;
  /** commander's --no-save: false when given. */
  save: boolean;
}

export function runIds(flag: string, raw: string[]): number[] {
  const ids = raw.flatMap((r) => r.split(',')).map((s) => s.trim());
  const bad = ids.find((s) => !/^\d+$/.test(s) || Number(s) < 1);
  if (bad !== undefined || ids.length === 0) throw new DomainError('validation', `${flag} takes run ids (whole numbers, comma-separated), got '${raw.join(',')}'; see them with: simpsy runs list`);
  return ids.map(Number);
}

function positive(flag: string, raw: string): number {
  const n = count(flag, raw)!;
  if (n < 1) throw new DomainError('validation', `${flag} must be a whole number from 1, got '${raw}'.`);
  return n;
}

export function count(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new DomainError('validation', `${flag} must be a whole number, got '${raw}'.`);
  return Number(raw);
}

export function specs(o: DatasetFlags): { a: DatasetSpec; b: DatasetSpec | null } {
  const a = [...(o.runs ? [o.runs] : []), ...(o.run ?? [])];
  if (a.length === 0) throw new DomainError('validation', 'Say which runs to evaluate: --runs 3 (or --runs 3,4); see them with: simpsy runs list');
  const b = [...(o.compare ? [o.compare] : []), ...(o.vsRun ?? [])];
  const ends = reasons(o.endReason);
  const minTurns = count('--min-turns', o.minTurns);
  const maxTurns = count('--max-turns', o.maxTurns);
  const filter = {
    ...(ends ? { endReasons: ends } : {}),
    ...(minTurns !== undefined ? { minTurns } : {}),
    ...(maxTurns !== undefined ? { maxTurns } : {}),
    ...(o.tag?.length ? { tags: o.tag } : {}),
  };
  return { a: { runIds: runIds('--runs', a), ...filter }, b: b.length > 0 ? { runIds: runIds('--compare', b), ...filter } : null };
}

// The judged measures' command (evaluate-judge.ts) writes numbers the same way.
export { fixed, test } from './evaluation-format';
export { meanSdText as meanSd } from '../contract/evaluation-format';

export function title(d: Dataset): string {
  const kinds = [...new Set(d.runs.map((r) => r.kind))].join('+');
  return `${runsLabel(d.spec.runIds)} (${kinds}, ${d.language})`;
}

export function datasetFlags(command: Command): Command {
  return command
    .option('--runs <ids>', 'the dataset: run ids, comma-separated')
    .option('--compare <ids>', 'a second dataset to show side by side')
    .addOption(new Option('--run <id>', 'same as --runs, repeatable').argParser((v, prev: string[] = []) => [...prev, v]).hideHelp())
    .addOption(new Option('--vs-run <id>', 'same as --compare, repeatable').argParser((v, prev: string[] = []) => [...prev, v]).hideHelp())
    .option('--end-reason <reasons>', `only sessions that ended so: ${endReasons.join(', ')}`)
    .option('--min-turns <n>', 'only sessions with at least this many turns')
    .option('--max-turns <n>', 'only sessions with at most this many turns')
    .option('--tag <tag>', 'only sessions with this tag (repeat for several)', (v, prev: string[] = []) => [...prev, v])
    .option('--json', 'print one JSON object as the last line')
    .option('--no-save', 'do not keep the result (by default it is stored: simpsy eval list)');
}

/** What every card-based measure prints as JSON for one dataset. */
function groupsJson(d: Dataset, r: GroupSummary & { sessions: GroupScores[]; excluded: ExcludedSession[] }) {
  return {
    dataset: d.spec,
    n: r.n,
    mapping: r.mapping,
    random: r.random,
    student: r.student,
    welch: r.welch,
    excluded: r.excluded,
    sessions: r.sessions.map((s) => ({ sessionId: s.sessionId, externalId: s.externalId, mapping: s.mapping, random: s.random, randomCardOf: s.randomCardOf })),
  };
}

const overlapJson = (d: Dataset, r: OverlapResult) => ({ ...groupsJson(d, r), seed: r.seed, tokeniser: r.tokeniser, stopwords: r.stopwords });

const semanticJson = (d: Dataset, r: SemanticResult) => ({
  ...groupsJson(d, r),
  seed: r.seed,
  endpoint: r.endpoint,
  model: r.model,
  dims: r.dims,
  maxChars: r.maxChars,
  texts: r.texts,
  cached: r.cached,
  embedded: r.embedded,
  requests: r.requests,
  retries: r.retries,
  promptTokens: r.promptTokens,
  cost: r.cost,
  truncated: r.truncated,
});

function printGroups(heading: string, d: Dataset, r: GroupSummary & { note: string }, footer: string[]): void {
  out(`${heading}, ${title(d)}: ${r.n} sessions scored`);
  if (r.note) out(`  ${r.note} (left out)`);
  out(table(['', 'MEAN', 'SD'], [['Mapping', fixed(r.mapping.mean, 4), fixed(r.mapping.sd, 4)], ['Random', fixed(r.random.mean, 4), fixed(r.random.sd, 4)]]));
  out(`  ${test('Student', r.student)}`);
  out(`  ${test('Welch  ', r.welch)}`);
  for (const line of footer) out(`  ${line}`);
}

type Results<R> = { datasets: Dataset[]; results: R[] };

/** The end every card-based measure shares: --out, then one JSON object, or the tables and the A vs B tests. */
function finishGroups<R extends GroupSummary & { sessions: GroupScores[]; note: string }>(
  ctx: AppContext,
  o: { json?: boolean; out?: string; force?: boolean },
  { datasets, results }: Results<R>,
  shape: { scores: StoredScore[]; saved: number | null; json: (d: Dataset, r: R) => object; print: (d: Dataset, r: R) => void },
): void {
  if (o.out) writeFileSafely(resolve(o.out), scoresCsv(shape.scores), { overwrite: o.force ?? false, protect: [ctx.dbPath] });
  const between = results.length > 1 ? compareMapping(results[0]!, results[1]!) : null;
  const id = shape.saved === null ? {} : { evaluationId: shape.saved };
  if (o.json) {
    const one = results.map((r, i) => shape.json(datasets[i]!, r));
    return out(JSON.stringify(between ? { a: one[0], b: one[1], ...between, ...id } : { ...one[0], ...id }));
  }
  results.forEach((r, i) => {
    if (i > 0) out('');
    shape.print(datasets[i]!, r);
  });
  if (between) {
    out('');
    out('Mapping group, A vs B:');
    out(`  ${test('Student', between.student)}`);
    out(`  ${test('Welch  ', between.welch)}`);
  }
  if (o.out) out(`Per-session scores written to ${resolve(o.out)}.`);
  if (shape.saved !== null) out(savedLine(shape.saved));
}


const printOverlap = (d: Dataset, r: OverlapResult) =>
  printGroups('Vocabulary overlap (Eq. 1)', d, r, [`seed ${r.seed}; ${r.stopwords === null ? 'no stopwords' : `${r.stopwords} stopwords removed`}; words: ${r.tokeniser}`]);

function describeTextPlan(p: EvaluationPlan): string {
  const cost = p.cost === null ? 'cost unknown (the endpoint has no prices)' : `about $${p.cost.toFixed(p.cost < 1 ? 4 : 2)}`;
  return `Plan: ${p.total} distinct texts, ${p.answered} from the cache; ${p.calls} request${p.calls === 1 ? '' : 's'} to make, about ${p.promptTokens} tokens, ${cost}.`;
}

const printSemantic = (d: Dataset, r: SemanticResult) =>
  printGroups('Semantic consistency (Eq. 2)', d, r, [
    `seed ${r.seed}; model ${r.model} at ${r.endpoint}, ${r.dims} dimensions; ${r.texts} texts: ${r.cached} from the cache, ${r.embedded} embedded in ${r.requests} request${r.requests === 1 ? '' : 's'}${r.retries ? ` (${r.retries} retried)` : ''}`,
  ]);

export function evaluateCommand(program: Command, withContext: WithContext): void {
  const evaluate = program.command('eval').alias('evaluate').description("The paper's evaluation (§4) on runs: dataset statistics, vocabulary overlap, semantic consistency; kept results: list, show, report");

  datasetFlags(evaluate.command('stats').description('Table 1: sessions, turns, utterances and their lengths (characters; words for English)')).action((o: DatasetFlags) =>
    withContext((ctx) => {
      const { a, b } = specs(o);
      const datasets = [loadDataset(ctx.db, a), ...(b ? [loadDataset(ctx.db, b)] : [])];
      const outcome = statsOutcome(datasets);
      const summary = outcome.summary as unknown as StatsSummary;
      const stats = [summary.a, ...(summary.b ? [summary.b] : [])];
      const saved = o.save ? ctx.evaluation.store('stats', datasets, outcome) : null;
      const id = saved === null ? {} : { evaluationId: saved };
      if (o.json) return out(JSON.stringify(stats.length === 1 ? { ...stats[0], ...id } : { a: stats[0], b: stats[1], ...id }));
      out(table(['', ...datasets.map((d, i) => `${datasets.length > 1 ? `${'AB'[i]}: ` : ''}${title(d)}`)], statsRows(stats)));
      out('Mean ± sd (sample sd); lengths in characters (grapheme clusters) over all utterances of the role.');
      if (saved !== null) out(savedLine(saved));
    }),
  );

  datasetFlags(evaluate.command('overlap').description('Eq. 1: vocabulary overlap of each client with its card (mapping) and with another session\'s card (random), t-tests'))
    .option('--seed <n>', 'seed of the random pairing', '1')
    .option('--stopwords <file>', 'words to leave out, one a line')
    .option('--out <file>', 'write the per-session scores as CSV')
    .option('--force', 'replace an existing --out file')
    .action((o: DatasetFlags & { seed: string; stopwords?: string; out?: string; force?: boolean }) =>
      withContext((ctx) => {
        const { a, b } = specs(o);
        const seed = count('--seed', o.seed)!;
        const stopwords = o.stopwords ? readStopwords(resolve(o.stopwords)) : undefined;
        const options = { seed, ...(stopwords ? { stopwords } : {}) };
        const datasets = [loadDataset(ctx.db, a), ...(b ? [loadDataset(ctx.db, b)] : [])];
        const results = datasets.map((d) => overlapEvaluation(d, options));
        const outcome = overlapOutcome(results, seed, stopwords ? [...stopwords] : null);
        const saved = o.save ? ctx.evaluation.store('overlap', datasets, outcome) : null;
        finishGroups(ctx, o, { datasets, results }, { scores: outcome.scores, saved, json: overlapJson, print: printOverlap });
      }),
    );

  datasetFlags(evaluate.command('semantic').description("Eq. 2: cosine of each client's utterances with its card (mapping) and another session's card (random), embedded by an endpoint; t-tests"))
    .option('--embed <endpoint>', 'the saved endpoint that serves embeddings (see: simpsy endpoints list)')
    .option('--model <name>', 'the embedding model', DEFAULT_EMBEDDING_MODEL)
    .option('--seed <n>', 'seed of the random pairing', '1')
    .option('--max-chars <n>', 'longest text embedded, in characters; longer ones are cut, and counted', String(DEFAULT_MAX_CHARS))
    .option('--batch <n>', 'texts per request', String(DEFAULT_EMBEDDING_BATCH))
    .option('--rpm <n>', 'requests per minute to the endpoint')
    .option('--tpm <n>', 'tokens per minute to the endpoint')
    .option('--job <id>', 'resume this evaluation job instead of starting one')
    .option('--plan', 'print the plan (texts to embed, estimated cost) and stop')
    .option('--out <file>', 'write the per-session scores as CSV')
    .option('--force', 'replace an existing --out file')
    .action((o: DatasetFlags & { embed?: string; model: string; seed: string; maxChars: string; batch: string; rpm?: string; tpm?: string; job?: string; plan?: boolean; out?: string; force?: boolean }) =>
      withContext(async (ctx) => {
        const semantic = ctx.evaluation.models;
        let jobId: number;
        if (o.job) {
          jobId = count('--job', o.job)!;
          if (semantic.measureOf(jobId) !== 'semantic') throw new DomainError('validation', `Job ${jobId} is not an evaluation of semantic consistency; resume it with its own command.`);
        } else {
          if (!o.embed) throw new DomainError('validation', 'Say which endpoint embeds the texts: --embed NAME (see them with: simpsy endpoints list; Ollama, vLLM, TEI and SiliconFlow serve bge-m3).');
          const { a, b } = specs(o);
          const start = {
            a,
            b,
            endpointId: ctx.endpoints.getByName(o.embed).id,
            model: o.model,
            seed: count('--seed', o.seed)!,
            maxChars: positive('--max-chars', o.maxChars),
            batchSize: positive('--batch', o.batch),
            rpm: o.rpm === undefined ? null : positive('--rpm', o.rpm),
            tpm: o.tpm === undefined ? null : positive('--tpm', o.tpm),
          };
          const jobs = semantic.semanticJobs;
          if (o.plan) {
            const plan = jobs.plan(jobs.resolve(start));
            out(describeTextPlan(plan));
            if (o.json) out(JSON.stringify(plan));
            return;
          }
          jobId = jobs.create(start).id;
        }
        const plan = semantic.planOf(jobId);
        out(describeTextPlan(plan));
        if (o.plan) {
          if (o.json) out(JSON.stringify(plan));
          return;
        }
        const { job, semantic: results, evaluationId } = await runModelJob(ctx, jobId, o.save, 'texts');
        if (!results) return jobEnded(job, 'embeddings made so far are cached');
        const datasets = semantic.semanticJobs.datasets(semantic.semanticJobs.params(jobId));
        results.forEach((r, i) => {
          if (r.truncated.texts > 0) {
            const ids = r.truncated.sessionIds;
            err(`warning: ${r.truncated.texts} text${r.truncated.texts === 1 ? '' : 's'}${results.length > 1 ? ` of dataset ${'AB'[i]}` : ''} longer than ${r.maxChars} characters ${r.truncated.texts === 1 ? 'was' : 'were'} cut to that length before embedding (sessions ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''}); --max-chars changes the limit.`);
          }
        });
        finishGroups(ctx, o, { datasets, results }, { scores: cardScores(results), saved: evaluationId, json: semanticJson, print: printSemantic });
      }),
    );

  storedCommands(evaluate, withContext);
}

export const savedLine = (id: number) => `Kept as evaluation ${id}: simpsy eval show ${id}, simpsy eval report ${id} report.html`;
