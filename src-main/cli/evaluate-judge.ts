import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { AppContext } from '../app/context';
import { DomainError } from '../common/errors';
import { writeFileSafely } from '../common/safe-write';
import type { JudgePlan } from '../evaluation/judge/plan';
import { topicsScoresCsv, waiScoresCsv } from '../evaluation/judge/scores-csv';
import { JUDGE_DEFAULTS, type JudgeEvaluation, type JudgeMeasure } from '../evaluation/judge/service';
import type { TopicsResult } from '../evaluation/judge/topics';
import type { WaiResult } from '../evaluation/judge/wai';
import type { TTests } from '../evaluation/t-test';
import { count, datasetFlags, fixed, meanSd, out, savedLine, specs, test, type DatasetFlags } from './evaluate';
import { jobEnded, runModelJob } from './evaluate-job';
import { table } from './io';
import type { WithContext } from './context';

// `simpsy eval topics|wai`: the measures a judge model scores, each a durable job. Before
// any call the plan (calls, stored answers reused, estimated tokens and cost) is printed;
// Ctrl-C pauses (calls in flight finish and are kept), a second Ctrl-C cancels; running the
// same command again, or `--job ID`, reuses every stored answer and pays only for the rest.

interface JudgeFlags extends DatasetFlags {
  judge?: string;
  model?: string;
  rounds?: string;
  attempts?: string;
  concurrency?: string;
  rpm?: string;
  tpm?: string;
  topics?: string;
  items?: string;
  prompt?: string;
  job?: string;
  plan?: boolean;
  out?: string;
  force?: boolean;
}


function endpointOf(ctx: AppContext, flag: string | undefined) {
  if (!flag) throw new DomainError('validation', 'Say which endpoint judges: --judge NAME (see them with: simpsy endpoints list).');
  return /^\d+$/.test(flag) ? ctx.endpoints.get(Number(flag)) : ctx.endpoints.getByName(flag);
}

function describePlan(p: JudgePlan): string {
  const cost = p.cost === null ? 'cost unknown (the endpoint has no prices)' : `about $${p.cost.toFixed(p.cost < 1 ? 4 : 2)}`;
  return `Plan: ${p.questions} questions, ${p.answered} answered by stored replies; ${p.calls} calls to make, about ${p.promptTokens} prompt + ${p.completionTokens} answer tokens, ${cost}.`;
}

const testsJson = (t: TTests) => ({ student: t.student, welch: t.welch });

function topicsJson(r: TopicsResult) {
  return { n: r.n, rounds: r.rounds, entropy: r.entropy, outside: r.outside, missing: r.missing, sessions: r.sessions };
}

function waiJson(r: WaiResult) {
  return { n: r.n, rounds: r.rounds, goal: r.goal, task: r.task, bond: r.bond, missing: r.missing, sessions: r.sessions };
}

function evaluationJson(e: JudgeEvaluation) {
  const one = (r: TopicsResult | WaiResult) => (r.measure === 'topics' ? topicsJson(r) : waiJson(r));
  const { template: _template, topics: _topics, items: _items, ...settings } = e.settings;
  const meta = { settings, calls: e.tally.calls, cached: e.tally.cached, cost: e.tally.cost };
  if (!e.b) return { ...one(e.a), ...meta };
  const tests = e.tests === null ? {} : 'entropy' in e.tests ? testsJson(e.tests.entropy) : Object.fromEntries(Object.entries(e.tests).map(([f, t]) => [f, testsJson(t)]));
  return { a: one(e.a), b: one(e.b), ...tests, ...(e.testsNote ? { testsNote: e.testsNote } : {}), ...meta };
}

function printTopics(label: string, r: TopicsResult): void {
  out(`Topic diversity${label}: ${r.n} sessions, ${r.rounds.length} rounds; entropy ${meanSd(r.entropy, 3)} bits (mean ± sd over rounds)`);
  out(table(['ROUND', 'ENTROPY', 'TOPICS ASSIGNED', 'OUTSIDE THE LIST', 'MISSING'], r.rounds.map((x) => [
    String(x.round), fixed(x.entropy, 3), String(Object.values(x.counts).reduce((a, b) => a + b, 0)), String(Object.values(x.outside).reduce((a, b) => a + b, 0)), String(x.missing),
  ])));
  const top = Object.entries(r.rounds[0]?.counts ?? {}).filter(([, n]) => n > 0).sort((x, y) => y[1] - x[1]).slice(0, 10);
  if (top.length > 0) out(`  commonest in round 1: ${top.map(([t, n]) => `${t} ${n}`).join(', ')}`);
  const outside = Object.entries(r.outside);
  if (outside.length > 0) out(`  named outside the list (all rounds): ${outside.sort((x, y) => y[1] - x[1]).map(([t, n]) => `${t} ${n}`).join(', ')}`);
  if (r.missing > 0) {
    const gaps = r.sessions.filter((s) => s.rounds.includes(null)).map((s) => `session ${s.sessionId} round ${s.rounds.flatMap((x, i) => (x === null ? [i + 1] : [])).join(', ')}`);
    out(`  no topic read after every attempt (missing): ${listSome(gaps)}`);
  }
}

function printWai(label: string, r: WaiResult): void {
  out(`WAI-O-S${label}: ${r.n} sessions, ${r.rounds} rounds averaged; items 4 and 10 reversed (8 − score)`);
  out(table(['FACTOR', 'MEAN ± SD', 'SESSIONS'], (['goal', 'task', 'bond'] as const).map((f) => [f[0]!.toUpperCase() + f.slice(1), meanSd(r[f], 3), String(r[f].n)])));
  if (r.missing > 0) {
    out(`  ${r.missing} answers without a readable score after every attempt (missing, not scored):`);
    const gaps = r.sessions.map((s) => ({ s, items: s.items.filter((it) => it.scores.includes(null)).map((it) => it.item) })).filter((g) => g.items.length > 0);
    out(`  ${listSome(gaps.map((g) => `session ${g.s.sessionId} item${g.items.length > 1 ? 's' : ''} ${g.items.join(', ')}`))}`);
  }
}

/** The first ten, then how many more. */
const listSome = (parts: string[]) => (parts.length > 10 ? `${parts.slice(0, 10).join('; ')}; and ${parts.length - 10} more` : parts.join('; '));

function printEvaluation(e: JudgeEvaluation): void {
  const results = [e.a, ...(e.b ? [e.b] : [])];
  results.forEach((r, i) => {
    if (i > 0) out('');
    const label = e.b ? ` (${'AB'[i]})` : '';
    if (r.measure === 'topics') printTopics(label, r);
    else printWai(label, r);
  });
  if (e.tests) {
    out('');
    const pairs = 'entropy' in e.tests ? [['Entropy over rounds, A vs B', e.tests.entropy] as const] : Object.entries(e.tests).map(([f, t]) => [`${f[0]!.toUpperCase()}${f.slice(1)}, A vs B`, t] as const);
    for (const [name, t] of pairs) out(`${name}:\n  ${test('Student', t.student)}\n  ${test('Welch  ', t.welch)}`);
  }
  if (e.testsNote) out(`No t-tests: ${e.testsNote}`);
  out(`Judge ${e.settings.judge.model} at ${e.settings.judge.baseUrl}; ${e.tally.calls} calls made ($${e.tally.cost.toFixed(4)}), ${e.tally.cached} stored answers reused; job ${e.settings.jobId}.`);
}

function scoresCsv(e: JudgeEvaluation): string {
  const results = [e.a, ...(e.b ? [e.b] : [])];
  const labelled = results.map((result, i) => ({ label: 'ab'[i]!, result }));
  return e.a.measure === 'topics' ? topicsScoresCsv(labelled as { label: string; result: TopicsResult }[]) : waiScoresCsv(labelled as { label: string; result: WaiResult }[]);
}

function judgeCommand(evaluate: Command, measure: JudgeMeasure, description: string, withContext: WithContext): Command {
  return datasetFlags(evaluate.command(measure).description(description))
    .option('--judge <endpoint>', 'the endpoint that judges (name or id)')
    .option('--model <model>', "instead of the endpoint's model")
    .option('--rounds <n>', 'independent rounds, averaged', String(JUDGE_DEFAULTS.rounds))
    .option('--attempts <n>', 'tries per question when the reply cannot be read', String(JUDGE_DEFAULTS.attempts))
    .option('--concurrency <n>', 'calls in flight at once', String(JUDGE_DEFAULTS.concurrency))
    .option('--rpm <n>', 'at most this many requests a minute')
    .option('--tpm <n>', 'at most this many tokens a minute')
    .option('--prompt <file>', 'the prompt template instead of the shipped one')
    .option('--job <id>', 'resume this evaluation job instead of starting one')
    .option('--plan', 'print the plan (calls, estimated cost) and stop')
    .option('--out <file>', 'write the per-session scores as CSV')
    .option('--force', 'replace an existing --out file')
    .action((o: JudgeFlags) =>
      withContext(async (ctx) => {
        const judge = ctx.judges;
        let jobId: number;
        if (o.job) {
          jobId = count('--job', o.job)!;
          judge.params(jobId);
        } else {
          const { a, b } = specs(o);
          const start = {
            measure,
            a,
            b,
            endpointId: endpointOf(ctx, o.judge).id,
            ...(o.model ? { model: o.model } : {}),
            rounds: count('--rounds', o.rounds),
            attempts: count('--attempts', o.attempts),
            concurrency: count('--concurrency', o.concurrency),
            rpm: count('--rpm', o.rpm) ?? null,
            tpm: count('--tpm', o.tpm) ?? null,
            ...(o.topics ? { topicsFile: resolve(o.topics) } : {}),
            ...(o.items ? { itemsFile: resolve(o.items) } : {}),
            ...(o.prompt ? { promptFile: resolve(o.prompt) } : {}),
          };
          if (o.plan) {
            const plan = judge.plan(judge.resolve(start));
            out(describePlan(plan));
            if (o.json) out(JSON.stringify(plan));
            return;
          }
          jobId = judge.create(start).id;
        }
        const plan = judge.plan(jobId);
        out(describePlan(plan));
        if (o.plan) {
          if (o.json) out(JSON.stringify(plan));
          return;
        }
        const { job, judged: evaluation, evaluationId } = await runModelJob(ctx, jobId, o.save);
        if (!evaluation) return jobEnded(job, 'stored answers are reused');
        if (o.out) writeFileSafely(resolve(o.out), scoresCsv(evaluation), { overwrite: o.force ?? false, protect: [ctx.dbPath] });
        if (o.json) return out(JSON.stringify({ ...evaluationJson(evaluation), ...(evaluationId === null ? {} : { evaluationId }) }));
        printEvaluation(evaluation);
        if (o.out) out(`Per-session scores written to ${resolve(o.out)}.`);
        if (evaluationId !== null) out(savedLine(evaluationId));
      }),
    );
}

export function judgeCommands(program: Command, withContext: WithContext): void {
  const evaluate = program.commands.find((c) => c.name() === 'eval');
  if (!evaluate) throw new Error('The eval command must be declared before its judged measures.');
  judgeCommand(evaluate, 'topics', 'Topic diversity (§4): a judge assigns topics from a list to each client; entropy per round, t-test between datasets', withContext)
    .option('--topics <file>', 'the topic list (JSON: [{"topic", "definition"}]) instead of the shipped one');
  judgeCommand(evaluate, 'wai', 'WAI-O-S (§4.2): a judge scores the 12 items per session; Goal, Task, Bond; t-tests between datasets', withContext)
    .option('--items <file>', 'the WAI items and scoring guides (JSON: [{"item", "text", "guide"}]) instead of the shipped ones');
}
