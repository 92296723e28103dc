import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { endReasons } from '../contract/simulation';
import { DomainError } from '../common/errors';
import { writeFileSafely } from '../common/safe-write';
import { loadDataset, runsLabel, type Dataset, type DatasetSpec } from '../evaluation/dataset';
import type { MeanSd } from '../evaluation/describe';
import { compareMapping, overlapEvaluation, type OverlapResult } from '../evaluation/overlap';
import { overlapScoresCsv } from '../evaluation/scores-csv';
import { datasetStatistics, type DatasetStatistics, type RoleStatistics } from '../evaluation/statistics';
import type { TTest } from '../evaluation/t-test';
import { readStopwords } from '../evaluation/words';
import { reasons } from './dialogues';
import { table } from './io';
import type { WithContext } from './context';

// `simpsy eval stats|overlap`: the paper's §4 measures on a dataset (the ended sessions of
// one or more runs), or two side by side (--compare). Output is a readable table; --json
// prints one JSON object as the last line of stdout (NaN and ±∞ appear as null).

const out = (line: string): void => void process.stdout.write(`${line}\n`);

interface DatasetFlags {
  runs?: string;
  run?: string[];
  compare?: string;
  vsRun?: string[];
  endReason?: string;
  minTurns?: string;
  maxTurns?: string;
  tag?: string[];
  json?: boolean;
}

export function runIds(flag: string, raw: string[]): number[] {
  const ids = raw.flatMap((r) => r.split(',')).map((s) => s.trim());
  const bad = ids.find((s) => !/^\d+$/.test(s) || Number(s) < 1);
  if (bad !== undefined || ids.length === 0) throw new DomainError('validation', `${flag} takes run ids (whole numbers, comma-separated), got '${raw.join(',')}'; see them with: simpsy runs list`);
  return ids.map(Number);
}

export function count(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new DomainError('validation', `${flag} must be a whole number, got '${raw}'.`);
  return Number(raw);
}

function specs(o: DatasetFlags): { a: DatasetSpec; b: DatasetSpec | null } {
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

const fixed = (v: number | null, digits: number) => (v === null || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const meanSd = (m: MeanSd, digits = 2) => `${fixed(m.mean, digits)} ± ${fixed(m.sd, digits)}`;
// Four significant digits: a p-value is read by its size, and 0.0014 would hide that it is 0.001372.
const pValue = (p: number) => (Number.isNaN(p) ? '–' : p === 0 ? '0' : p < 1e-4 ? p.toExponential(3) : p.toPrecision(4));
const test = (name: string, t: TTest) => `${name} t(${Number.isInteger(t.df) ? t.df : fixed(t.df, 2)}) = ${fixed(t.t, 3)}, p = ${pValue(t.p)}`;

function title(d: Dataset): string {
  const kinds = [...new Set(d.runs.map((r) => r.kind))].join('+');
  return `${runsLabel(d.spec.runIds)} (${kinds}, ${d.language})`;
}

function datasetFlags(command: Command): Command {
  return command
    .option('--runs <ids>', 'the dataset: run ids, comma-separated')
    .option('--compare <ids>', 'a second dataset to show side by side')
    .addOption(new Option('--run <id>', 'same as --runs, repeatable').argParser((v, prev: string[] = []) => [...prev, v]).hideHelp())
    .addOption(new Option('--vs-run <id>', 'same as --compare, repeatable').argParser((v, prev: string[] = []) => [...prev, v]).hideHelp())
    .option('--end-reason <reasons>', `only sessions that ended so: ${endReasons.join(', ')}`)
    .option('--min-turns <n>', 'only sessions with at least this many turns')
    .option('--max-turns <n>', 'only sessions with at most this many turns')
    .option('--tag <tag>', 'only sessions with this tag (repeat for several)', (v, prev: string[] = []) => [...prev, v])
    .option('--json', 'print one JSON object as the last line');
}

function statsRows(s: DatasetStatistics[]): string[][] {
  const role = (label: string, pick: (x: DatasetStatistics) => RoleStatistics) => [
    [`${label} utterances`, ...s.map((x) => String(pick(x).utterances))],
    [`${label} length, characters`, ...s.map((x) => meanSd(pick(x).chars, 1))],
    ...(s.some((x) => pick(x).words) ? [[`${label} length, words`, ...s.map((x) => (pick(x).words ? meanSd(pick(x).words!, 1) : '–'))]] : []),
  ];
  return [
    ['Sessions', ...s.map((x) => String(x.sessions))],
    ['Turns per session', ...s.map((x) => meanSd(x.turns))],
    ...role('Client', (x) => x.client),
    ...role('Counselor', (x) => x.counselor),
  ];
}

function overlapJson(d: Dataset, r: OverlapResult) {
  return {
    dataset: d.spec,
    n: r.n,
    mapping: r.mapping,
    random: r.random,
    student: r.student,
    welch: r.welch,
    seed: r.seed,
    tokeniser: r.tokeniser,
    stopwords: r.stopwords,
    excluded: r.excluded,
    sessions: r.sessions.map((s) => ({ sessionId: s.sessionId, externalId: s.externalId, mapping: s.mapping, random: s.random, randomCardOf: s.randomCardOf })),
  };
}

function printOverlap(d: Dataset, r: OverlapResult): void {
  out(`Vocabulary overlap (Eq. 1), ${title(d)}: ${r.n} sessions scored`);
  if (r.excluded.length > 0) {
    const ids = r.excluded.map((e) => e.sessionId);
    out(`  left out ${r.excluded.length} without a usable card: sessions ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''}`);
  }
  out(table(['', 'MEAN', 'SD'], [['Mapping', fixed(r.mapping.mean, 4), fixed(r.mapping.sd, 4)], ['Random', fixed(r.random.mean, 4), fixed(r.random.sd, 4)]]));
  out(`  ${test('Student', r.student)}`);
  out(`  ${test('Welch  ', r.welch)}`);
  out(`  seed ${r.seed}; ${r.stopwords === null ? 'no stopwords' : `${r.stopwords} stopwords removed`}; words: ${r.tokeniser}`);
}

export function evaluateCommand(program: Command, withContext: WithContext): void {
  const evaluate = program.command('eval').alias('evaluate').description("The paper's evaluation (§4) on runs: dataset statistics, vocabulary overlap");

  datasetFlags(evaluate.command('stats').description('Table 1: sessions, turns, utterances and their lengths (characters; words for English)')).action((o: DatasetFlags) =>
    withContext((ctx) => {
      const { a, b } = specs(o);
      const datasets = [loadDataset(ctx.db, a), ...(b ? [loadDataset(ctx.db, b)] : [])];
      const stats = datasets.map(datasetStatistics);
      if (o.json) return out(JSON.stringify(stats.length === 1 ? stats[0] : { a: stats[0], b: stats[1] }));
      out(table(['', ...datasets.map((d, i) => `${datasets.length > 1 ? `${'AB'[i]}: ` : ''}${title(d)}`)], statsRows(stats)));
      out('Mean ± sd (sample sd); lengths in characters (grapheme clusters) over all utterances of the role.');
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
        if (o.out) {
          const labelled = results.map((result, i) => ({ label: results.length > 1 ? 'ab'[i]! : 'a', result }));
          writeFileSafely(resolve(o.out), overlapScoresCsv(labelled), { overwrite: o.force ?? false, protect: [ctx.dbPath] });
        }
        const between = results.length > 1 ? compareMapping(results[0]!, results[1]!) : null;
        if (o.json) {
          const one = results.map((r, i) => overlapJson(datasets[i]!, r));
          return out(JSON.stringify(between ? { a: one[0], b: one[1], ...between } : one[0]));
        }
        results.forEach((r, i) => {
          if (i > 0) out('');
          printOverlap(datasets[i]!, r);
        });
        if (between) {
          out('');
          out('Mapping group, A vs B:');
          out(`  ${test('Student', between.student)}`);
          out(`  ${test('Welch  ', between.welch)}`);
        }
        if (o.out) out(`Per-session scores written to ${resolve(o.out)}.`);
      }),
    );
}
