import type { Command } from 'commander';
import { resolve } from 'node:path';
import { cardFormats, splits, type CardFormat, type ImportReport, type Split } from '../contract/role-card';
import { DomainError } from '../common/errors';
import { cardText } from '../role-cards/card-text';
import { importCardsJob, searchDuplicates } from '../role-cards/card-jobs';
import { exportCards } from '../role-cards/export';
import { indexAll } from '../role-cards/indexer';
import { describeProblem } from '../role-cards/import-report';
import { splitCards } from '../role-cards/split';
import { printJson, table, withJobProgress } from './io';
import type { WithContext } from './context';

// `simpsy cards …`: import, export, list and split client role cards.

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new DomainError('validation', `${flag} must be one of ${allowed.join(', ')}, got '${value}'.`);
  return value as T;
}

function wholeNumber(flag: string, raw: string): number {
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(Number(raw))) {
    throw new DomainError('validation', `${flag} must be a whole number (0 or more), got '${raw}'.`);
  }
  return Number(raw);
}

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

function printReport(report: ImportReport): void {
  const how = [report.format, report.encoding].filter(Boolean).join(', ');
  if (report.refused) {
    if (report.problems.length === 1 && report.moreProblems === 0) {
      throw new DomainError('validation', `${describeProblem(report.problems[0]!)}. Nothing was imported.`);
    }
    for (const p of report.problems) err(`  ${describeProblem(p)}`);
    if (report.moreProblems > 0) err(`  … and ${report.moreProblems} more`);
    const n = report.problems.length + report.moreProblems;
    throw new DomainError('validation', `${n} problems in ${report.path} (listed above). Nothing was imported.`);
  }
  for (const w of report.warnings) err(`warning: ${describeProblem(w)}`);
  for (const d of report.duplicates) out(`skipped: ${describeProblem(d)}`);
  const skipped = report.duplicateCount > 0 ? `, ${report.duplicateCount} duplicates skipped` : '';
  if (report.dryRun) out(`Dry run: ${report.importable} of ${report.found} cards would be imported (${how})${skipped}. Nothing was written.`);
  else out(`Imported ${report.imported} of ${report.found} cards (${how})${skipped}.`);
}

export function cardsCommand(program: Command, withContext: WithContext): void {
  const cards = program.command('cards').description('Client role cards: import, export, list, split');

  cards
    .command('import')
    .description('Import cards from a file, or a paper-format folder. All or nothing: any problem refuses the whole input.')
    .argument('<path>', 'a .json, .jsonl or .csv file, or a folder holding raw_role_card/ and user_profiles/')
    .option('--format <format>', 'auto, paper, json, jsonl or csv', 'auto')
    .option('--split <split>', 'put every imported card in this split: pool or test')
    .option('--dry-run', 'check and report only; write nothing')
    .action((path: string, o: { format: string; split?: string; dryRun?: boolean }) =>
      withContext(async (ctx) => {
        const format = oneOf('--format', o.format, ['auto', ...cardFormats] as const)!;
        const split = oneOf<Split>('--split', o.split, splits);
        const input = { path: resolve(path), format, ...(split ? { split } : {}), dryRun: o.dryRun ?? false };
        const report = await withJobProgress(ctx, o.dryRun ? 'checking' : 'reading', () => importCardsJob(ctx, input)).catch((error: unknown) => {
          if (error instanceof DomainError && error.code === 'cancelled') throw new DomainError('cancelled', 'Cancelled; nothing was imported.');
          throw error;
        });
        printReport(report);
        // A batch tool finishes the job: the search index is complete when the command returns.
        indexAll(ctx.cards);
      }),
    );

  cards
    .command('export')
    .description('Export cards; the paper format writes a folder (raw_role_card/, user_profiles/)')
    .argument('<path>', 'the file to write, or for paper the folder')
    .requiredOption('--format <format>', 'paper, json, jsonl or csv')
    .option('--split <split>', 'only cards of this split: pool or test')
    .option('--force', 'replace an existing file (for paper: the split already in the folder); a SQLite file is never replaced')
    .action((path: string, o: { format: string; split?: string; force?: boolean }) =>
      withContext((ctx) => {
        const format = oneOf<CardFormat>('--format', o.format, cardFormats)!;
        const split = oneOf<Split>('--split', o.split, splits);
        const input = { path: resolve(path), format, overwrite: o.force ?? false, ...(split ? { filter: { split } } : {}) };
        const result = exportCards(ctx.cards, input, { protect: [ctx.dbPath] });
        out(`Exported ${result.count} cards to ${result.path} (${format}, ${result.files.length} file${result.files.length === 1 ? '' : 's'}).`);
      }),
    );

  cards
    .command('list')
    .description('List cards')
    .option('--split <split>', 'only this split: pool or test')
    .option('--search <text>', 'only cards whose texts contain these words')
    .option('--json', 'print a JSON array of the full cards')
    .action((o: { split?: string; search?: string; json?: boolean }) =>
      withContext((ctx) => {
        const split = oneOf<Split>('--split', o.split, splits);
        const list = ctx.cards.all({ ...(split ? { split } : {}), ...(o.search ? { query: o.search } : {}) });
        if (o.json) return printJson(list);
        if (list.length === 0) {
          const pool = ctx.cards.count();
          return out(pool === 0 ? 'No cards yet. Import some: simpsy cards import PATH' : `No card matches (${pool} card${pool === 1 ? '' : 's'} in all).`);
        }
        const short = (s: string) => (s.length > 30 ? `${s.slice(0, 30)}…` : s).replace(/\s+/g, ' ');
        out(table(['ID', 'SPLIT', 'GENDER', 'AGE', 'OCCUPATION', 'COMPLAINT'], list.map((c) => [String(c.id), c.split, short(c.gender), short(c.age), short(c.occupation), short(c.chiefComplaint)])));
      }),
    );

  cards
    .command('show')
    .description('Print a card as the client agent receives it')
    .argument('<id>', 'card id')
    .action((id: string) =>
      withContext((ctx) => {
        const card = ctx.cards.get(wholeNumber('id', id));
        out(cardText(card, card.language));
      }),
    );

  cards
    .command('split')
    .description('Seeded random split: N cards to the held-out test split, the rest to the pool (reproducible)')
    .requiredOption('--test <n>', 'how many test cards (the paper uses 100)')
    .requiredOption('--seed <s>', 'random seed, a whole number')
    .option('--dry-run', 'report what would move; change nothing')
    .action((o: { test: string; seed: string; dryRun?: boolean }) =>
      withContext((ctx) => {
        const result = splitCards(ctx.cards, { test: wholeNumber('--test', o.test), seed: wholeNumber('--seed', o.seed), dryRun: o.dryRun ?? false });
        out(`${result.dryRun ? 'Dry run: would move' : 'Moved'} ${result.moved} cards: ${result.test} test, ${result.pool} pool (seed ${result.seed}).`);
      }),
    );

  cards
    .command('duplicates')
    .description('Find cards with the same or nearly the same chief complaint')
    .option('--threshold <t>', 'similarity from 0.5 to 1 (character-trigram Jaccard)', '0.7')
    .option('--json', 'print the groups as JSON')
    .action((o: { threshold: string; json?: boolean }) =>
      withContext(async (ctx) => {
        const threshold = Number(o.threshold);
        if (!(threshold >= 0.5 && threshold <= 1)) throw new DomainError('validation', `--threshold must be a number from 0.5 to 1, got '${o.threshold}'.`);
        const groups = await withJobProgress(ctx, 'comparing', () => searchDuplicates(ctx, { threshold }));
        if (o.json) return printJson(groups);
        if (groups.length === 0) return out('No duplicate complaints.');
        for (const g of groups) out(`${g.kind === 'exact' ? 'same' : 'similar'}: ${g.cardIds.map((id) => `#${id}`).join(' ')}${g.kind === 'near' ? ` (up to ${Math.max(...g.pairs.map((p) => p.similarity))})` : ''}`);
      }),
    );
}
