import Database from 'better-sqlite3';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { DomainError, keyedError } from '../common/errors';
import { databaseFailure } from './failure';
import { migrations } from './migrations';
import { BUSY_TIMEOUT_MS } from './transaction';

// Looking after the database file: check it for damage, and copy it while it is in use.
// Both open the file directly, without migrating or recovering jobs, so they work on a
// file the app would refuse and never change the file they look at.

export interface DatabaseCheck {
  file: string;
  ok: boolean;
  bytes: number;
  /** Latest migration applied, and the latest this build ships; null when the file has no SimPsy schema. */
  schema: { version: number; latest: number } | null;
  /** What PRAGMA integrity_check found (at most 100 lines); empty when sound. */
  integrity: string[];
  /** Rows referring to rows that do not exist (PRAGMA foreign_key_check, at most 100). */
  foreignKeys: { table: string; rowid: number | null; parent: string }[];
  /** Set when SQLite could not read the file far enough to check it. */
  unreadable?: string;
  /** The file is not SQLite at all (or its header is destroyed). */
  notSqlite?: boolean;
}

const MAX_LINES = 100;

function existing(file: string): number {
  if (!existsSync(file)) throw keyedError('not_found', 'dbCannotOpen', { file, why: 'no such file' }, `There is no database at ${file}.`);
  const stat = statSync(file);
  if (stat.isDirectory()) throw databaseFailure(Object.assign(new Error('is a directory'), { code: 'EISDIR' }), file, 'open')!;
  return stat.size;
}

/** Opens read-only, without touching the file's mode or schema. */
function openForReading(file: string): Database.Database {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return db;
}

/** integrity_check and foreign_key_check. Damage is a result, not an error; only a missing file or folder throws. */
export function checkDatabase(file: string): DatabaseCheck {
  const bytes = existing(file);
  const latest = migrations.at(-1)?.version ?? 0;
  const report: DatabaseCheck = { file, ok: false, bytes, schema: null, integrity: [], foreignKeys: [] };
  let db: Database.Database | undefined;
  try {
    db = openForReading(file);
    const lines = (db.pragma(`integrity_check(${MAX_LINES})`) as { integrity_check: string }[]).map((r) => r.integrity_check);
    report.integrity = lines.filter((l) => l !== 'ok');
    report.foreignKeys = (db.pragma('foreign_key_check') as { table: string; rowid: number | null; parent: string }[])
      .slice(0, MAX_LINES)
      .map(({ table, rowid, parent }) => ({ table, rowid, parent }));
    const hasSchema = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get();
    if (hasSchema) {
      const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as { version: number | null };
      report.schema = { version: row.version ?? 0, latest };
    }
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? '');
    if (!code.startsWith('SQLITE_CORRUPT') && code !== 'SQLITE_NOTADB') throw databaseFailure(error, file, 'open') ?? error;
    report.unreadable = (error as Error).message;
    if (code === 'SQLITE_NOTADB') report.notSqlite = true;
  } finally {
    db?.close();
  }
  report.ok = report.unreadable === undefined && report.integrity.length === 0 && report.foreignKeys.length === 0;
  return report;
}

/**
 * Copies the database with SQLite's online backup, safe while the app or a simulation is
 * writing: the copy is one consistent moment. Written beside the target and renamed, so an
 * interrupted backup leaves no half file; an existing target is never overwritten.
 */
export async function backupDatabase(file: string, target: string): Promise<{ target: string; bytes: number; pages: number }> {
  existing(file);
  if (existsSync(target)) throw keyedError('conflict', 'cannotWrite', { path: target, why: 'it already exists' }, `${target} already exists; choose a new file name (a backup never overwrites).`);
  const partial = `${target}.${process.pid}.partial`;
  let db: Database.Database | undefined;
  try {
    db = openForReading(file);
    const { totalPages } = await db.backup(partial);
    db.close();
    db = undefined;
    renameSync(partial, target);
    return { target, bytes: statSync(target).size, pages: totalPages };
  } catch (error) {
    rmSync(partial, { force: true });
    if (error instanceof DomainError) throw error;
    const code = String((error as { code?: unknown }).code ?? '');
    // Damage is the source's; anything else went wrong writing the copy.
    if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') throw databaseFailure(error, file, 'use')!;
    const why =
      code === 'SQLITE_FULL' || code === 'ENOSPC'
        ? 'the disk is full'
        : code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code === 'EACCES'
          ? 'cannot create a file there'
          : code || (error as Error).message;
    throw keyedError('unavailable', 'cannotWrite', { path: target, why }, `Cannot write ${target} (${why}). Choose another place.`);
  } finally {
    db?.close();
  }
}
