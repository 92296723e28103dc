import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { databaseFailure } from './failure';
import { migrate } from './migrate';
import { BUSY_TIMEOUT_MS } from './transaction';

export type Db = Database.Database;

/** Where a database is, for a second connection to it (a worker thread's). */
export interface DatabaseLocation {
  path: string;
  /** See OpenOptions.nativeBinding. */
  nativeBinding?: string;
}

export interface OpenOptions {
  /** Path to a better-sqlite3 native binding built for a different ABI (Electron's). */
  nativeBinding?: string;
  readonly?: boolean;
}

/**
 * Opens (creating if needed) the one SQLite file the app and the CLI share, and brings it
 * to the current schema. WAL lets the CLI read while the app writes; synchronous=NORMAL is
 * durable across application crashes in WAL mode and only risks the last commits on power
 * loss, which the simulation engine tolerates because it resumes from the last saved turn.
 * A file that cannot be used (damaged, not SQLite, read-only, a folder…) is refused with one
 * line naming it and what to do (storage/failure.ts).
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  try {
    return open(file, options);
  } catch (error) {
    throw databaseFailure(error, file, 'open') ?? error;
  }
}

function open(file: string, options: OpenOptions): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, {
    nativeBinding: options.nativeBinding,
    readonly: options.readonly ?? false,
  });
  try {
    // First, so that even switching to WAL waits for a process that is writing.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    if (!options.readonly) migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * `work` on a connection of its own (a worker thread's), closed after, whatever happens. A
 * SQLite failure is worded here as the main thread would word it (storage/failure.ts: "the
 * disk holding … is full"), since only a DomainError crosses a thread boundary whole: a
 * plain error arrives without its SQLite code.
 */
export async function withOwnConnection<T>(database: DatabaseLocation, options: { readonly?: boolean }, work: (db: Db) => T | Promise<T>): Promise<T> {
  const db = openDatabase(database.path, { ...(database.nativeBinding ? { nativeBinding: database.nativeBinding } : {}), ...options });
  try {
    return await work(db);
  } catch (error) {
    throw databaseFailure(error, database.path, 'use') ?? error;
  } finally {
    db.close();
  }
}
