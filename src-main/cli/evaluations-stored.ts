import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { EvaluationDetail, OverlapSummary, StatsSummary, TopicsSummary, WaiSummary } from '../contract/evaluation';
import { tableText } from '../contract/evaluation-format';
import { topicsTable, waiTable } from '../contract/evaluation-tables';
import { DomainError } from '../common/errors';
import { datasetName } from '../evaluation/report';
import { reportText } from '../evaluation/report-text';
import { fixed, statsRows, test } from './evaluation-format';
import { table } from './io';
import type { WithContext } from './context';

// `simpsy eval list|show|report|delete`: evaluations kept by `simpsy eval stats|overlap` (and
// by the app), read back without recomputing.

const out = (line: string): void => void process.stdout.write(`${line}\n`);

function evaluationId(raw: string): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1) throw new DomainError('validation', `An evaluation id is a whole number, got '${raw}'; see them with: simpsy eval list`);
  return Number(raw);
}

function printSummary(e: EvaluationDetail): void {
  const names = [datasetName(e.datasets.a, 'a'), ...(e.datasets.b ? [datasetName(e.datasets.b, 'b')] : [])];
  if (e.measure === 'stats') {
    const s = e.summary as unknown as StatsSummary;
    out(table(['', ...names], statsRows([s.a, ...(s.b ? [s.b] : [])])));
    return;
  }
  if (e.measure === 'topics' || e.measure === 'wai') {
    const r = e.measure === 'topics' ? topicsTable(e.summary as unknown as TopicsSummary, names, tableText.en) : waiTable(e.summary as unknown as WaiSummary, names, tableText.en);
    out(table(r.head.map((h) => h.toUpperCase()), r.rows));
    for (const line of [...r.tests, ...r.notes]) out(`  ${line}`);
    return;
  }
  if (e.measure === 'overlap' || e.measure === 'semantic') {
    const s = e.summary as unknown as OverlapSummary;
    const groups = [s.a, ...(s.b ? [s.b] : [])];
    out(
      table(
        ['', 'N', 'MEAN', 'SD'],
        groups.flatMap((g, i) => [
          [`${names[i]} mapping`, String(g.n), fixed(g.mapping.mean, 4), fixed(g.mapping.sd, 4)],
          [`${names[i]} random`, String(g.n), fixed(g.random.mean, 4), fixed(g.random.sd, 4)],
        ]),
      ),
    );
    groups.forEach((g, i) => out(`  ${names[i]}, mapping vs random: ${test('Student', g.student)}; ${test('Welch', g.welch)}`));
    if (s.between) out(`  Mapping, A vs B: ${test('Student', s.between.student)}; ${test('Welch', s.between.welch)}`);
    return;
  }
  out(JSON.stringify(e.summary, null, 2));
}

export function storedCommands(evaluate: Command, withContext: WithContext): void {
  evaluate
    .command('list')
    .description('Evaluations kept so far, newest first')
    .option('--json', 'print one JSON array as the last line')
    .action((o: { json?: boolean }) =>
      withContext((ctx) => {
        const items = ctx.evaluation.results.list();
        if (o.json) return out(JSON.stringify(items));
        if (items.length === 0) return out('No evaluation is kept yet: run simpsy eval stats, overlap, semantic, topics or wai.');
        out(
          table(
            ['ID', 'MEASURE', 'DATASETS', 'SESSIONS', 'CREATED'],
            items.map((e) => [String(e.id), e.measure, e.title, e.sizes.b === null ? String(e.sizes.a) : `${e.sizes.a} / ${e.sizes.b}`, e.createdAt.replace('T', ' ').slice(0, 19)]),
          ),
        );
      }),
    );

  evaluate
    .command('show <id>')
    .description('One kept evaluation: its datasets, settings and results')
    .option('--json', 'print it, per-session scores included, as one JSON object on the last line')
    .action((raw: string, o: { json?: boolean }) =>
      withContext((ctx) => {
        const e = ctx.evaluation.results.get(evaluationId(raw));
        if (o.json) return out(JSON.stringify(e));
        out(`Evaluation ${e.id}: ${reportText.en.measures[e.measure]}, ${e.createdAt} (SimPsy Studio ${e.appVersion})`);
        for (const [key, d] of [['a', e.datasets.a], ['b', e.datasets.b]] as const) {
          if (d) out(`  ${datasetName(d, key)}: ${d.sessionIds.length} sessions; ${JSON.stringify(d.spec)}`);
        }
        for (const [k, v] of Object.entries(e.settings)) {
          const text = typeof v === 'string' ? v : JSON.stringify(v);
          // The prompt template and the topic list or items are long: their size here, in full in --json and the report.
          out(`  ${k}: ${text.length > 200 ? `${text.slice(0, 120).replace(/\s+/g, ' ')}… (${text.length} characters; see --json or the report)` : text}`);
        }
        printSummary(e);
      }),
    );

  evaluate
    .command('report <id> <out>')
    .description('Write a kept evaluation as a self-contained HTML report (tables, charts, settings)')
    .option('--csv <file>', 'also write the per-session scores as CSV')
    .option('--lang <language>', 'the report in zh or en (default: the dataset language)')
    .option('--force', 'replace existing files')
    .action((raw: string, target: string, o: { csv?: string; lang?: string; force?: boolean }) =>
      withContext((ctx) => {
        if (o.lang !== undefined && o.lang !== 'zh' && o.lang !== 'en') throw new DomainError('validation', `--lang takes zh or en, got '${o.lang}'.`);
        const written = ctx.evaluation.report(
          { id: evaluationId(raw), path: resolve(target), ...(o.csv ? { csvPath: resolve(o.csv) } : {}), ...(o.lang ? { language: o.lang } : {}), overwrite: o.force ?? false },
          [ctx.dbPath],
        );
        out(`Report written to ${written.path}${written.csvPath ? `; per-session scores to ${written.csvPath}` : ''}.`);
      }),
    );

  evaluate
    .command('delete <id>')
    .description('Forget a kept evaluation (its dialogues stay)')
    .action((raw: string) =>
      withContext((ctx) => {
        const id = evaluationId(raw);
        ctx.evaluation.results.remove(id);
        out(`Evaluation ${id} deleted.`);
      }),
    );
}
