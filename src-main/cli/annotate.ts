import type { Command } from 'commander';
import { agreementJson, arenaAgreement, type ArenaAgreement } from '../annotation/arena-agreement';
import { checkAnnotatorName, readAnnotationFile, workFilesIn, writePackages } from '../annotation/files';
import type { ImportReport } from '../annotation/store';
import { DomainError } from '../common/errors';
import type { PairAgreement } from '../ratings/agreement';
import { choices } from '../ratings/agreement';
import type { WithContext } from './context';
import { readText, table, whole } from './io';

// `simpsy annotate`: offline annotation by human counselors (issue 10, Must-have 5 and 7).
// `package` writes one sealed package per annotator from an arena run's battle turns;
// `import` reads annotators' work files back (each file reported: new, same as before,
// updated, conflict, or refused with the reason; a refused file stores nothing);
// `agreement` prints the judge-vs-human and between-annotator figures.

const out = (line: string): void => void process.stdout.write(`${line}\n`);

interface PackageFlags {
  arena: string;
  annotators: string;
  perItem?: string;
  seed?: string;
  guidelines?: string;
  force?: boolean;
  json?: boolean;
}

const arenaId = (raw: string) => whole('--arena', raw)!;

const statusWord: Record<ImportReport['status'], string> = { added: 'new', unchanged: 'same as before', updated: 'updated (a later export)', conflict: 'CONFLICT' };

export function annotateCommand(program: Command, withContext: WithContext): void {
  const annotate = program.command('annotate').description('Offline annotation by human counselors: packages, imported work, agreement');

  annotate
    .command('package')
    .description('Write one sealed annotation package per annotator from an arena run (OUT: a folder, or a .json file for one annotator)')
    .argument('<out>')
    .requiredOption('--arena <id>', 'the arena run whose battle turns are annotated')
    .requiredOption('--annotators <names>', 'comma-separated annotator names, e.g. wang,li,zhao')
    .option('--per-item <k>', 'annotators per item (for agreement)', '1')
    .option('--seed <s>', 'seed of the item order and each annotator\'s A/B order', '1')
    .option('--guidelines <file>', 'guidelines text for the annotators (default: Prompt 2\'s principles in the run\'s language)')
    .option('--force', 'replace existing package files')
    .option('--json', 'print one JSON object as the last line')
    .action((target: string, o: PackageFlags) =>
      withContext((ctx) => {
        const annotators = o.annotators.split(',').map(checkAnnotatorName);
        const request = {
          annotators,
          perItem: whole('--per-item', o.perItem)!,
          seed: whole('--seed', o.seed, 0)!,
          ...(o.guidelines ? { guidelines: readText('--guidelines', o.guidelines) } : {}),
        };
        const files = ctx.annotation.buildPackages(arenaId(o.arena), request);
        const written = writePackages(files, target, { overwrite: o.force === true, protect: [ctx.dbPath] });
        for (const w of written) out(`${w.annotator}: ${w.items} items → ${w.file}`);
        out(`Package ${files[0]!.packageId.slice(7, 19)}: ${files.length} annotator(s), ${request.perItem} per item. Give each annotator their own file.`);
        if (o.json) out(JSON.stringify({ packageId: files[0]!.packageId, files: written }));
      }),
    );

  annotate
    .command('import')
    .description("Import annotators' work files (or folders of them); the same file twice changes nothing, a conflicting version is reported")
    .argument('<files...>')
    .option('--json', 'print one JSON array (one object per file) as the last line')
    .action((paths: string[], o: { json?: boolean }) =>
      withContext((ctx) => {
        const reports: (ImportReport | { file: string; status: 'refused'; message: string })[] = [];
        for (const file of workFilesIn(paths)) {
          try {
            const report = ctx.annotation.importWork(readAnnotationFile(file), file);
            reports.push(report);
            out(`${file}: ${statusWord[report.status]}, ${report.annotator}, revision ${report.revision}, ${report.verdicts} verdicts${report.message ? `. ${report.message}` : ''}`);
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            reports.push({ file, status: 'refused', message: error.message });
            out(`${file}: REFUSED. ${error.message}`);
          }
        }
        const bad = reports.filter((r) => r.status === 'refused' || r.status === 'conflict').length;
        if (bad > 0) process.stderr.write(`simpsy: ${bad} of ${reports.length} file(s) were not imported (see above); the others were.\n`);
        if (o.json) out(JSON.stringify(reports));
        if (bad > 0) process.exitCode = 1;
      }),
    );

  annotate
    .command('agreement')
    .description('Judge vs human accuracy and Cohen\'s kappa, kappas between annotators, the confusion matrix, the disagreements')
    .requiredOption('--arena <id>', 'the arena run')
    .option('--json', 'print the figures as one JSON object (κ undefined: null) as the last line')
    .action((o: { arena: string; json?: boolean }) =>
      withContext((ctx) => {
        const id = arenaId(o.arena);
        ctx.arena.store.arena(id);
        const figures = arenaAgreement(ctx.db, id);
        printAgreement(figures);
        if (o.json) out(agreementJson(figures));
      }),
    );
}

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '–');
const kappa = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '– (undefined: every verdict in one category)');

function printConfusion(p: PairAgreement): void {
  out(`  confusion (rows ${p.first}, columns ${p.second}):`);
  out(
    table(
      ['', ...choices],
      choices.map((c, i) => [c, ...p.confusion[i]!.map(String)]),
    )
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n'),
  );
}

function printDisagreements(p: PairAgreement, a: ArenaAgreement): void {
  for (const d of p.disagreements.slice(0, 20)) {
    const item = a.items[d.itemId];
    out(`  ${d.itemId}: ${d.first.rater} ${d.first.choice}, ${d.second.rater} ${d.second.choice}${item ? ` (A = ${item.modelA}, B = ${item.modelB})` : ''}`);
  }
  if (p.disagreements.length > 20) out(`  … and ${p.disagreements.length - 20} more (--json lists them all, with the texts)`);
}

function printAgreement(a: ArenaAgreement): void {
  if (a.humanVerdicts === 0) {
    out(`Arena ${a.arenaId} has no human verdicts yet: build packages (simpsy annotate package), then import the annotators' work (simpsy annotate import).`);
    return;
  }
  out(`Arena ${a.arenaId}: ${a.humanVerdicts} human verdicts by ${a.annotators.join(', ')}.`);
  for (const j of a.judges) {
    out(`Judge ${j.first} vs humans: ${j.n} pairs, accuracy ${pct(j.accuracy)}, Cohen's κ ${kappa(j.kappa)}`);
    printConfusion(j);
    printDisagreements(j, a);
  }
  for (const p of a.between.pairs) {
    out(`${p.first} vs ${p.second}: ${p.n} common items, agreement ${pct(p.accuracy)}, Cohen's κ ${kappa(p.kappa)}`);
    if (p.n > 0) printDisagreements(p, a);
  }
  const f = a.between.fleiss;
  if (a.annotators.length >= 2) {
    out(`Fleiss' κ: ${kappa(f.kappa)} over ${f.items} items with ${f.raters} annotators each${a.between.fleissLeftOut ? ` (${a.between.fleissLeftOut} items with another number of annotators left out)` : ''}`);
  }
}
