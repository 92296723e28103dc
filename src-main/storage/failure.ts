import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { DomainError, keyedError } from '../common/errors';
import { BUSY_TIMEOUT_MS } from './transaction';

// Turns what SQLite or the file system threw about the database file into one line naming
// the file and the way out. Used when the database is opened and for every failed write
// (the CLI's and the IPC layer's last catch), so a person never meets a bare
// "SQLITE_CORRUPT" or "attempt to write a readonly database".

const writable = (path: string): boolean => {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

const isFolder = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** The folder itself, or the closest one above it that exists (where creating failed). */
function nearestFolder(folder: string): string {
  let dir = folder;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/**
 * The database problem behind `error`, or undefined if it is not one. While opening, file
 * system errors (creating the folder) count too; in use, only SQLite's own, since an EACCES
 * then is about some other file (an import, an export).
 */
export function databaseFailure(error: unknown, file: string, when: 'open' | 'use'): DomainError | undefined {
  if (error instanceof DomainError) return undefined;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || (when === 'use' && !code.startsWith('SQLITE_'))) return undefined;
  const folder = dirname(file);
  const detail = (error as Error).message ?? code;

  if (code.startsWith('SQLITE_CORRUPT')) {
    return keyedError('unavailable', 'dbCorrupt', { file }, `${file} is damaged: restore a backup, or run \`simpsy db check\` to see what is wrong.`);
  }
  if (code === 'SQLITE_NOTADB') {
    return keyedError('unavailable', 'dbNotDatabase', { file }, `${file} is not a SimPsy Studio database (not an SQLite file at all): choose another file with --db, or move it away to start a new one.`);
  }
  if (code === 'EISDIR' || (code.startsWith('SQLITE_CANTOPEN') && isFolder(file))) {
    return keyedError('unavailable', 'dbIsFolder', { file }, `${file} is a folder, not a database file: give a file path, e.g. --db ${file}/simpsy.db.`);
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || (code.startsWith('SQLITE_CANTOPEN') && !writable(folder))) {
    // SQLite opens a file it may not write read-only and fails at the first write; in WAL
    // mode it also needs to create <file>-wal and <file>-shm beside it. If both are
    // writable by now, the file was read-only when this process opened it.
    if (existsSync(file) && (!writable(file) || writable(folder))) {
      return keyedError('unavailable', 'dbReadOnlyFile', { file }, `${file} is read-only: make it writable (chmod u+w), or work on a copy with --db. Reading still works.`);
    }
    const near = nearestFolder(folder);
    return keyedError(
      'unavailable',
      'dbReadOnlyFolder',
      { file, folder: near },
      existsSync(file)
        ? `The folder ${near} is read-only, and SQLite must create ${basename(file)}-wal and -shm there: make the folder writable, or move the database to a folder you can write.`
        : `Cannot create ${file}: the folder ${near} is read-only. Make it writable, or choose another place with --db.`,
    );
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return keyedError('unavailable', 'dbFull', { file }, `The disk holding ${file} is full: free some space and try again. The write that failed was not saved; earlier ones are safe.`);
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    const seconds = BUSY_TIMEOUT_MS / 1000;
    return keyedError('unavailable', 'dbBusy', { file, seconds }, `${file} is busy: another SimPsy Studio process (the app or simpsy) kept it locked for over ${seconds} s. Try again when it has finished.`);
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'ENOTDIR' || code === 'ENOENT') {
    return keyedError('unavailable', 'dbCannotOpen', { file, why: detail }, `Cannot open ${file} (${detail}): check the path, and that you may read and write it.`);
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return keyedError('unavailable', 'dbIo', { file, code }, `Reading or writing ${file} failed (${code}): the disk may be failing, full or unplugged. Check it; if the file is damaged, restore a backup.`);
  }
  return undefined;
}
