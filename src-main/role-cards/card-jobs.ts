import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cardJobKinds, type CardImportInput, type DuplicateGroup, type ImportReport, type Split } from '../contract/role-card';
import type { JobRunner } from '../jobs/runner';
import type { JobStore } from '../jobs/store';
import type { DatabaseLocation } from '../storage/database';
import { forJob, type WorkerPool } from '../workers/pool';
import type { AppTasks } from '../workers/tasks';
import { findDuplicates } from './duplicates';
import { importCards, writeImport } from './import';
import { indexing, scheduleIndexing } from './indexer';
import type { RoleCardRepository } from './repository';

// The duplicate search and large imports, off the thread that answers the window: the CPU
// work runs as a worker task, under a job that shows its progress and can be cancelled; the
// database stays with its one owner, this thread. Small inputs are worked out inline, where a
// worker would cost more than the work (the figures are in src-main/workers/README.md).

export interface CardWork {
  /** The database file, for a worker thread's own connection (large imports write there). */
  database: DatabaseLocation;
  cards: RoleCardRepository;
  jobs: JobStore;
  runner: JobRunner;
  workers: WorkerPool<AppTasks>;
}

/** Fewer cards than this are searched inline (about 20 ms at 300 cards on a small machine). */
export const DUPLICATES_INLINE_BELOW = 300;
/** Files smaller than this are read and checked inline (about 20 ms for 1 MB, some 350 cards). */
export const IMPORT_INLINE_BELOW_BYTES = 1024 * 1024;
/** Paper folders with fewer card files than this are read inline. */
export const IMPORT_INLINE_BELOW_FILES = 300;

/** Jobs nobody can resume: their answer went to a request that no longer waits. */
export const unresumableCardJobs: ReadonlySet<string> = new Set(Object.values(cardJobKinds));

/** Exact and near-duplicate complaints of the pool (or one split). */
export async function searchDuplicates(work: CardWork, input: { threshold: number; split?: Split }, options: { inline?: boolean } = {}): Promise<DuplicateGroup[]> {
  const cards = work.cards.complaints(input.split);
  if (options.inline ?? cards.length < DUPLICATES_INLINE_BELOW) return findDuplicates(cards, input.threshold);
  const job = work.jobs.create(cardJobKinds.duplicates, input.split ?? '', input, cards.length);
  // A search runs after every change to the cards: only the latest is worth listing.
  work.jobs.removeFinishedBefore(job);
  return work.runner.result(
    job.id,
    (control) => work.workers.run('cards.duplicates', { cards, threshold: input.threshold }, forJob(control)),
    (groups) => `${groups.length} group${groups.length === 1 ? '' : 's'} of duplicates among ${cards.length} cards`,
  );
}

/**
 * Imports (or, in a dry run, checks) an input. A large one is a job in a worker thread, read,
 * checked and written there in one transaction through the thread's own connection
 * (import-task.ts); a cancel at any point before the commit leaves the database untouched.
 * An in-memory database has no file a second connection could open: there the worker reads
 * and checks, and the cards are written here.
 */
export async function importCardsJob(work: CardWork, input: CardImportInput, options: { inline?: boolean } = {}): Promise<ImportReport> {
  if (options.inline ?? readsQuickly(input.path)) return importCards(work.cards, input);
  const job = work.jobs.create(input.dryRun ? cardJobKinds.check : cardJobKinds.import, basename(input.path), input);
  // The dialog checks before it imports: the checks of earlier choices are not worth listing.
  if (input.dryRun) work.jobs.removeFinishedBefore(job);
  return work.runner.result(
    job.id,
    async (control) => {
      if (work.database.path !== ':memory:') return work.workers.run('cards.import', { database: work.database, input }, forJob(control));
      const read = await work.workers.run('cards.readInput', input, forJob(control));
      control.checkpoint();
      return writeImport(work.cards, input, read);
    },
    summarise,
  );
}

const catchingUp = new WeakMap<RoleCardRepository, Promise<void>>();

/**
 * Starts the search index's catch-up after a large import, unless one runs or nothing is
 * pending: in a worker thread through its own connection (index-task.ts), or for an
 * in-memory database a chunk at a time here (indexer.ts). Until a card is indexed, searches
 * find it by scanning. Resolves when this catch-up ends; a failure (another process holding
 * the write lock for the whole busy timeout) leaves the rest to the next call.
 */
export function catchUpIndex(work: CardWork): Promise<void> {
  if (work.database.path === ':memory:') {
    scheduleIndexing(work.cards);
    return indexing(work.cards);
  }
  const running = catchingUp.get(work.cards);
  if (running) return running;
  if (!work.cards.isOpen() || work.cards.pendingCount() === 0) return Promise.resolve();
  const done = work.workers
    .run('cards.index', work.database)
    .then(() => undefined, () => undefined)
    .finally(() => catchingUp.delete(work.cards));
  catchingUp.set(work.cards, done);
  return done;
}

function summarise(r: ImportReport): string {
  if (r.refused) return `Refused: ${r.problems.length + r.moreProblems} problems; nothing was imported`;
  const skipped = r.duplicateCount > 0 ? `, ${r.duplicateCount} duplicates skipped` : '';
  return r.dryRun ? `${r.importable} of ${r.found} cards can be imported${skipped}` : `Imported ${r.imported} of ${r.found} cards${skipped}`;
}

/** A small file, a small paper folder, or nothing readable at all (the read says what is wrong). */
function readsQuickly(path: string): boolean {
  try {
    const stat = statSync(path);
    if (!stat.isDirectory()) return stat.size < IMPORT_INLINE_BELOW_BYTES;
    const cards = join(path, 'raw_role_card');
    const files = readdirSync(cards).reduce((n, split) => n + (statSync(join(cards, split)).isDirectory() ? readdirSync(join(cards, split)).length : 0), 0);
    return files < IMPORT_INLINE_BELOW_FILES;
  } catch {
    return true;
  }
}
