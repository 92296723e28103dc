import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { OVERWRITE_ISSUE } from '../contract/errors';
import { DomainError, keyedError } from './errors';

// Every export writes through here, so that nothing is lost:
// - a file is written beside its target under a temporary name, flushed to disk and renamed
//   over the target: a crash or `kill -9` leaves the old file or the new one, never half of one
//   (at worst a stray `.<name>.<pid>-<random>.tmp` beside it);
// - an existing file is replaced only when asked (`overwrite`: the CLI's --force; the app asks
//   the person, then sends the request again with overwrite: true);
// - a SQLite database, and the open database's own files, are never replaced, even when asked:
//   `simpsy --db a.db cards export a.db` must not destroy the data it exports.

export interface WriteOptions {
  /** Replace an existing file. */
  overwrite?: boolean;
  /** Files never written over: the open database (its -wal, -shm and -journal too). */
  protect?: readonly string[];
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** Throws, with what to do, unless `path` may be written now. Touches nothing. */
export function checkTarget(path: string, options: WriteOptions): void {
  const folder = dirname(path);
  if (!isFolder(folder)) throw keyedError('not_found', 'exportFolderMissing', { folder }, `The folder ${folder} does not exist; create it or choose another place.`);
  if (isProtected(path, options.protect ?? [])) {
    throw new DomainError('conflict', `${path} is the database SimPsy Studio is using; an export never writes over it. Choose another file name.`);
  }
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    return; // nothing there
  }
  if (isDirectory) throw new DomainError('validation', `${path} is a folder; give a file name.`);
  if (isSqlite(path)) {
    throw new DomainError('conflict', `${path} is a SQLite database; an export never writes over one, even when told to replace files. Choose another file name.`);
  }
  if (!options.overwrite) throw alreadyExists(path, `${path} already exists`);
}

/** A refusal the person can lift: the app asks and resends with overwrite, the CLI says --force. */
export function alreadyExists(path: string, what: string): DomainError {
  return new DomainError('conflict', `${what}; nothing was written. Choose another name, or replace it (--force).`, [
    { path: OVERWRITE_ISSUE, message: `${path} exists` },
  ]);
}

/** A file being written under a temporary name; `commit` puts it in place, `discard` removes it. */
export class SafeFile {
  private fd: number | null;

  private constructor(
    readonly path: string,
    private readonly temp: string,
    private readonly options: WriteOptions,
  ) {
    this.fd = attempt(path, () => openSync(temp, 'wx'));
  }

  /** Checks the target first: nothing is created for a write that would be refused. */
  static create(path: string, options: WriteOptions): SafeFile {
    checkTarget(path, options);
    return new SafeFile(path, temporaryName(path), options);
  }

  write(text: string | Uint8Array): void {
    writeAll(this.fd!, text, this.path);
  }

  commit(): void {
    attempt(this.path, () => fsyncSync(this.fd!));
    this.close();
    // Checked again: while this was written, the target may have appeared or the database moved there.
    checkTarget(this.path, this.options);
    attempt(this.path, () => renameSync(this.temp, this.path));
    syncFolder(dirname(this.path));
  }

  discard(): void {
    try {
      this.close();
    } finally {
      rmSync(this.temp, { force: true });
    }
  }

  private close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    closeSync(fd);
  }
}

/** Writes a whole file safely (see the top of this file). */
export function writeFileSafely(path: string, text: string | Uint8Array, options: WriteOptions): void {
  const file = SafeFile.create(path, options);
  try {
    file.write(text);
    file.commit();
  } catch (error) {
    file.discard();
    throw error;
  }
}

/**
 * Writes a new file that nobody reads until it is moved into place (a staging folder's).
 * `flush` waits until it is on disk: about 4 ms a file here, so 10,000 paper card files would
 * take 40 s; those are left to the system, and the file that pairs them up is flushed.
 */
export function writeNewFile(path: string, text: string, options: { flush: boolean }): void {
  const fd = attempt(path, () => openSync(path, 'wx'));
  try {
    writeAll(fd, text, path);
    if (options.flush) attempt(path, () => fsyncSync(fd));
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, text: string | Uint8Array, path: string): void {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  let done = 0;
  while (done < bytes.length) done += attempt(path, () => writeSync(fd, bytes, done));
}

/** Renames, with fs errors turned into a message a person can act on. */
export function move(from: string, to: string): void {
  attempt(to, () => renameSync(from, to));
}

function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

function isSqlite(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(SQLITE_HEADER.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(SQLITE_HEADER);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Whether `path` names a protected file or its SQLite companions, links and `..` resolved. */
function isProtected(path: string, protect: readonly string[]): boolean {
  if (protect.length === 0) return false;
  const target = canonical(path);
  return protect.some((p) => {
    const base = canonical(p);
    return [base, `${base}-wal`, `${base}-shm`, `${base}-journal`].includes(target);
  });
}

/** The real path of a file that may not exist yet: its folder's real path plus its name. */
function canonical(path: string): string {
  const full = resolve(path);
  try {
    return realpathSync(full);
  } catch {
    try {
      return join(realpathSync(dirname(full)), basename(full));
    } catch {
      return full;
    }
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Makes the rename itself durable; some systems (Windows) cannot open a folder, which is fine. */
export function syncFolder(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // not supported here
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function attempt<T>(path: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw writeFailure(path, error);
  }
}

/** A file-system error as a message a person can act on (DomainErrors pass through). */
export function writeFailure(path: string, error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  // Windows refuses to replace a file another program holds open (Excel locks its CSV files).
  const reasons: Record<string, string> = {
    EBUSY: 'the file is open in another program such as Excel',
    EPERM: 'permission denied, or the file is open in another program such as Excel',
    EACCES: 'permission denied',
    EROFS: 'the disk is read-only',
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    ENOENT: 'the folder went away',
  };
  const why = (code && reasons[code]) ?? code ?? (error as Error).message;
  return keyedError('unavailable', 'cannotWrite', { path, why }, `Cannot write ${path} (${why}); nothing was replaced. Choose another place.`);
}
