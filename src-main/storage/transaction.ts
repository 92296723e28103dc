import type Database from 'better-sqlite3';

/**
 * How long a writer waits for another process's write transaction. The longest holder is a
 * large card import: 9,275 cards were one 5 s transaction on a loaded 2-core machine;
 * waiting beats failing.
 */
export const BUSY_TIMEOUT_MS = 30_000;

/**
 * Runs `work` in a transaction that takes SQLite's write lock up front (BEGIN IMMEDIATE).
 *
 * Every write goes through here. A deferred transaction (better-sqlite3's default) starts
 * as a reader and upgrades at its first write; if another process (the app, a second
 * `simpsy`) committed in between, WAL cannot upgrade a stale snapshot, and SQLite fails at
 * once with "database is locked" without waiting for the busy timeout. Taking the lock at
 * BEGIN makes a writer queue behind the other one for up to busy_timeout instead. Nested
 * calls become savepoints of the outer transaction. Reads need no transaction.
 */
export function writeTransaction<T>(db: Database.Database, work: () => T): T {
  let run = runners.get(db);
  if (!run) runners.set(db, (run = db.transaction((w: () => unknown) => w())));
  return run.immediate(work) as T;
}

/**
 * One transaction function per database, built once: better-sqlite3 builds four wrappers
 * for each `db.transaction(fn)`, which a simulation's group commit (a savepoint per saved
 * call) would otherwise pay on every write.
 */
const runners = new WeakMap<Database.Database, Database.Transaction<(work: () => unknown) => unknown>>();

/**
 * Runs a write worth doing only if it can be done at once (a heartbeat, a progress count):
 * when another connection holds the write lock (a worker thread committing a large import),
 * it is skipped (undefined) instead of holding this thread for up to BUSY_TIMEOUT_MS. The
 * next beat or count tries again; what it would have written is never the only copy.
 */
export function unlessBusy<T>(db: Database.Database, work: () => T): T | undefined {
  db.pragma('busy_timeout = 0');
  try {
    return work();
  } catch (error) {
    if (String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')) return undefined;
    throw error;
  } finally {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}
