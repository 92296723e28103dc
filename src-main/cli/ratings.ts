import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AppContext } from '../app/context';
import { storedSource } from '../arena/sources';
import { arenaBattles } from '../arena/store';
import { ratingSources, type RatingSource } from '../contract/arena';
import { DomainError } from '../common/errors';
import type { RatedBattle } from '../ratings/battle';
import { parseBattlesFile } from '../ratings/battles-file';
import { rateBattles } from '../ratings/rate';
import { DEFAULT_BOOTSTRAP, type Ratings } from '../ratings/ratings';
import { TaskCancelled } from '../workers/task';
import { bar, table } from './io';
import type { WithContext } from './context';

// `simpsy ratings --battles FILE`: Elo and Bradley–Terry with bootstrap intervals, computed in
// a worker thread. The battles come from `battlesFor`: a Chatbot-Arena-shaped file, or an
// arena's stored battles (`--arena ID [--source judge|human|all]`, `arena/store.ts`).
// Prints a table; --json adds one JSON object as the last line of stdout.

const out = (line: string): void => void process.stdout.write(`${line}\n`);

/** Chatbot Arena's notebook seeds numpy with 42; so do we, so that two runs agree unless asked otherwise. */
const DEFAULT_SEED = 42;

interface RatingsFlags {
  battles?: string;
  arena?: string;
  source?: string;
  bootstrap?: string;
  seed?: string;
  json?: boolean;
}

function wholeNumber(flag: string, raw: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) > max) throw new DomainError('validation', `${flag} must be a whole number from 0 to ${max}, got '${raw}'.`);
  return Number(raw);
}

function readBattlesFile(path: string): RatedBattle[] {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DomainError('not_found', `No battles file at ${file}; check the path.`);
    if (code === 'EISDIR') throw new DomainError('validation', `${file} is a folder; --battles takes a .jsonl or .json file of battles.`);
    throw new DomainError('validation', `Cannot read ${file} (${(error as Error).message}).`);
  }
  return parseBattlesFile(text, file);
}

/** The battles to rate, in chronological order, and what they are (for the table's title). */
function battlesFor(o: RatingsFlags, ctx: AppContext): { battles: RatedBattle[]; label: string } {
  if (o.battles && o.arena) throw new DomainError('validation', 'Give either --battles FILE or --arena ID, not both.');
  if (o.battles) return { battles: readBattlesFile(o.battles), label: resolve(o.battles) };
  if (o.arena) {
    if (!/^\d+$/.test(o.arena.trim())) throw new DomainError('validation', `--arena takes an arena id (see simpsy arena list), got '${o.arena}'.`);
    const source = (o.source ?? 'all') as RatingSource;
    if (!ratingSources.includes(source)) throw new DomainError('validation', `--source must be ${ratingSources.join(', ').replace(/, (\w+)$/, ' or $1')}; got '${source}'.`);
    const id = Number(o.arena);
    ctx.arena.store.arena(id);
    return { battles: arenaBattles(ctx.db, id, storedSource(source)), label: `arena ${id} (${source === 'all' ? 'all sources' : source})` };
  }
  throw new DomainError('validation', 'Say which battles to rate: --battles FILE (a Chatbot-Arena-shaped .jsonl or .json file) or --arena ID.');
}

const rating = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');
const ci = (c: [number, number] | null) => (c ? `${rating(c[0])}…${rating(c[1])}` : '–');

function printTable(label: string, r: Ratings): void {
  out(`${r.battles} battles from ${label}; 95% intervals from ${r.bootstrap} bootstrap rounds (seed ${r.seed})`);
  out(
    table(
      ['counselor', 'Elo', 'Elo 95%', 'rank', 'BT', 'BT 95%', 'rank', 'battles', 'wins', 'losses', 'ties'],
      r.models.map((m) => [m.name, rating(m.elo), ci(m.eloCi), String(m.eloRank ?? '–'), rating(m.bt), ci(m.btCi), String(m.btRank ?? '–'), String(m.battles), String(m.wins), String(m.losses), String(m.ties)]),
    ),
  );
  if (r.separated.all || r.separated.rounds > 0) {
    out(`Note: Bradley–Terry's maximum does not exist for ${r.separated.all ? 'these battles' : `${r.separated.rounds} of the bootstrap rounds`} (a counselor never won, or never lost, against the rest); those ratings use a small ridge and are only a lower or upper bound.`);
  }
}

export function ratingsCommand(program: Command, withContext: WithContext): void {
  program
    .command('ratings')
    .description('Elo and Bradley–Terry ratings with bootstrap confidence intervals')
    .option('--battles <file>', 'battles in the shape Chatbot Arena publishes (.jsonl, or a .json array): model_a, model_b, winner, [tstamp], [judge]')
    .option('--arena <id>', 'the judged battles of an arena run (simpsy arena list)')
    .option('--source <which>', 'with --arena: judge (the LLM supervisor), human (annotators) or all (default)')
    .option('--bootstrap <n>', `bootstrap rounds for the 95% intervals (0: none)`, String(DEFAULT_BOOTSTRAP))
    .option('--seed <s>', 'seed of the bootstrap', String(DEFAULT_SEED))
    .option('--json', 'print one JSON object as the last line')
    .action((o: RatingsFlags) =>
      withContext(async (ctx) => {
        const bootstrap = wholeNumber('--bootstrap', o.bootstrap, DEFAULT_BOOTSTRAP, 100_000);
        const seed = wholeNumber('--seed', o.seed, DEFAULT_SEED);
        const { battles, label } = battlesFor(o, ctx);
        const ratings = await withCancel((signal, onProgress) => rateBattles(ctx.workers, battles, { bootstrap, seed }, { signal, onProgress }));
        printTable(label, ratings);
        if (o.json) out(JSON.stringify(ratings));
      }),
    );
}

/** Draws the bootstrap's progress on a terminal's stderr; Ctrl-C cancels the computation (exit 130). */
async function withCancel<T>(work: (signal: AbortSignal, onProgress: (p: { done: number; total: number }) => void) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const tty = process.stderr.isTTY === true;
  let drawn = false;
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  try {
    return await work(abort.signal, ({ done, total }) => {
      if (!tty || total === 0) return;
      process.stderr.write(`\r\x1b[Kbootstrap ${bar(done, total)} ${Math.floor((100 * done) / total)}%`);
      drawn = true;
    });
  } catch (error) {
    if (error instanceof TaskCancelled) throw new DomainError('cancelled', 'Stopped: the ratings were not computed.');
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    if (drawn) process.stderr.write('\r\x1b[K');
  }
}
