import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './migrate';

export type Db = Database.Database;

/**
 * How long a writer waits for another process's write transaction (every write takes the
 * lock up front, see transaction.ts). The longest holder is a large card import: 9,275
 * cards were one 5 s transaction on a loaded 2-core machine; waiting beats failing.
 */
export const BUSY_TIMEOUT_MS = 30_000;

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
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
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
