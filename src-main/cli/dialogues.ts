import type { Command } from 'commander';
import { resolve } from 'node:path';
import { dialogueExportFormats, dialogueListInput, endReasons, paperCardSplits, type DialogueExportFormat, type DialogueFilter, type DialogueImportInput, type EndReason } from '../contract/simulation';
import { DomainError } from '../common/errors';
import { indexAll } from '../role-cards/indexer';
import { printJson, table } from './io';
import type { WithContext } from './context';

// `simpsy dialogues …`: export sessions (paper JSONL, ShareGPT, OpenAI messages), import the
// paper's released dialogues as a dataset, and list or search them.

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

function id(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new DomainError('validation', `${flag} must be a run id (a whole number), got '${raw}'.`);
  return Number(raw);
}

export function reasons(raw: string | undefined): EndReason[] | undefined {
  if (raw === undefined) return undefined;
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.find((r) => !(endReasons as readonly string[]).includes(r));
  if (bad || list.length === 0) throw new DomainError('validation', `--end-reason takes ${endReasons.join(', ')} (comma-separated), got '${raw}'.`);
  return list as EndReason[];
}

function filterOf(o: { run?: string; endReason?: string; query?: string }): DialogueFilter {
  const run = id('--run', o.run);
  const ends = reasons(o.endReason);
  return { ...(run ? { runIds: [run] } : {}), ...(ends ? { endReasons: ends } : {}), ...(o.query ? { query: o.query } : {}) };
}

function cardsOf(o: { cards?: string; split?: string }): Pick<DialogueImportInput, 'cards'> {
  if (o.cards === undefined && o.split === undefined) return {};
  if (o.cards === undefined) throw new DomainError('validation', '--split goes with --cards DIR (the folder holding raw_role_card/ and user_profiles/).');
  if (!(paperCardSplits as readonly string[]).includes(o.split ?? '')) {
    throw new DomainError('validation', `--cards needs --split ${paperCardSplits.join(' or ')} (the raw_role_card/<split> folder to pair with)${o.split === undefined ? '' : `, got '${o.split}'`}.`);
  }
  return { cards: { path: resolve(o.cards), split: o.split as (typeof paperCardSplits)[number] } };
}

export function dialoguesCommand(program: Command, withContext: WithContext): void {
  const dialogues = program.command('dialogues').description('Simulated and imported dialogues: export, import, list');

  dialogues
    .command('export')
    .description('Export ended sessions: paper (JSONL, one session a line), sharegpt (LLaMA-Factory JSON) or openai (JSONL messages)')
    .argument('<path>', 'the file to write')
    .option('--run <id>', 'only this run')
    .option('--format <format>', 'paper, sharegpt or openai', 'paper')
    .option('--end-reason <reasons>', `only sessions that ended so: ${endReasons.join(', ')}`)
    .option('--query <text>', 'only sessions containing this text')
    .option('--force', 'replace an existing file; a SQLite file is never replaced')
    .action((path: string, o: { run?: string; format: string; endReason?: string; query?: string; force?: boolean }) =>
      withContext(async (ctx) => {
        if (!(dialogueExportFormats as readonly string[]).includes(o.format)) {
          throw new DomainError('validation', `--format must be one of ${dialogueExportFormats.join(', ')}, got '${o.format}'.`);
        }
        const filter = filterOf(o);
        if (filter.runIds) ctx.simulation.summary(filter.runIds[0]!); // an unknown run is an error, not an empty file
        const result = await ctx.simulation.exportDialogues({ path: resolve(path), format: o.format as DialogueExportFormat, filter, overwrite: o.force ?? false });
        out(`Exported ${result.count} dialogue${result.count === 1 ? '' : 's'} to ${result.path} (${result.format}).`);
      }),
    );

  dialogues
    .command('import')
    .description('Import dialogues as a dataset: the paper\'s dialogue/ folder of N.json files, one such file, or a JSONL/ShareGPT export')
    .argument('<path>', 'folder or file')
    .option('--title <text>', 'a title for the dataset')
    .option('--lang <zh|en>', 'language (default: detected)')
    .option('--cards <dir>', "the cards the clients saw, in the paper's layout: N.json pairs with raw_role_card/<split>/N.txt and user_profiles/<split>.json")
    .option('--split <train|test>', 'the split of --cards to pair with')
    .action((path: string, o: { title?: string; lang?: string; cards?: string; split?: string }) =>
      withContext(async (ctx) => {
        if (o.lang !== undefined && o.lang !== 'zh' && o.lang !== 'en') throw new DomainError('validation', `--lang must be zh or en, got '${o.lang}'.`);
        const result = await ctx.simulation.importDialogues({ path: resolve(path), ...(o.title ? { title: o.title } : {}), ...(o.lang ? { language: o.lang as 'zh' | 'en' } : {}), ...cardsOf(o) });
        for (const p of result.problems) err(`skipped ${p.file}: ${p.message}`);
        out(`Imported ${result.sessions} dialogue${result.sessions === 1 ? '' : 's'} (${result.messages} messages) as run ${result.runId}${result.merged ? `; joined ${result.merged} consecutive same-role messages` : ''}.`);
        if (result.withCard > 0 || o.cards) {
          out(`${result.withCard} with the card the client saw, ${result.withoutCard} without${o.cards ? `; cards added to the pool: ${result.cardsImported}, already there: ${result.cardsExisting}` : ''}.`);
        }
        // A batch tool finishes the job: the search indexes are complete when the command returns.
        if (result.cardsImported > 0) indexAll(ctx.cards);
        ctx.simulation.dialogues.search.catchUpAll();
      }),
    );

  dialogues
    .command('list')
    .description('List or search dialogues, newest first')
    .option('--run <id>', 'only this run')
    .option('--end-reason <reasons>', 'only sessions that ended so (comma-separated)')
    .option('--query <text>', 'text to find (Chinese works)')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON (total and items)')
    .action((o: { run?: string; endReason?: string; query?: string; limit: string; json?: boolean }) =>
      withContext((ctx) => {
        const parsed = dialogueListInput.safeParse({ ...filterOf(o), limit: Number(o.limit) });
        if (!parsed.success) throw new DomainError('validation', `--limit must be a whole number from 1 to 500, got '${o.limit}'.`);
        const page = ctx.simulation.dialogues.list(parsed.data);
        if (o.json) return printJson(page);
        if (page.total === 0) {
          const all = ctx.simulation.dialogues.list(dialogueListInput.parse({ limit: 1 })).total;
          return out(all === 0 ? 'No dialogues yet. Run a simulation (simpsy simulate) or import some: simpsy dialogues import PATH' : `No dialogue matches (${all} in all).`);
        }
        out(
          table(
            ['ID', 'RUN', 'CARD', 'TURNS', 'ENDED', 'PREVIEW'],
            page.items.map((d) => [String(d.id), String(d.runId), d.cardId === null ? (d.externalId ?? '-') : String(d.cardId), String(d.turns), d.endReason ? `${d.endReason}${d.endPhrase ? ` (${d.endPhrase})` : ''}` : d.status, (d.snippet ?? d.preview).slice(0, 40)]),
          ),
        );
        if (page.total > page.items.length) out(`… ${page.total - page.items.length} more (use --limit or narrow the search)`);
      }),
    );
}
