import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DomainError } from '../common/errors';
import { checkTarget, writeFileSafely, type WriteOptions } from '../common/safe-write';
import type { PackageFile } from './package';

// Packages and work files on disk. A package set goes into a folder, one file per annotator
// named after them; a single annotator's package may be written to a file name instead.

/** Annotator names become file names and labels: printable, no path characters, at most 64 characters. */
export function checkAnnotatorName(name: string): string {
  const trimmed = name.trim();
  if (!/^[^\\/:*?"<>|\p{Cc}]{1,64}$/u.test(trimmed) || trimmed === '.' || trimmed === '..') {
    throw new DomainError('validation', `Annotator name '${name}' cannot be used: give 1 to 64 characters without / \\ : * ? " < > | (it names their file).`);
  }
  return trimmed;
}

export const packageFileName = (annotator: string): string => `${annotator}.simpsy-package.json`;

/** Writes the packages under `out` (a folder, created if missing; or a .json file for one annotator); returns each file. */
export function writePackages(files: readonly PackageFile[], out: string, options: WriteOptions): { annotator: string; file: string; items: number }[] {
  const target = resolve(out);
  const single = files.length === 1 && /\.json$/i.test(target) && !isFolder(target);
  if (!single) mkdirSync(target, { recursive: true });
  const placed = files.map((p) => ({ pkg: p, file: single ? target : join(target, packageFileName(p.annotator)) }));
  // Check every target before writing any, so a refusal leaves no partial set behind.
  for (const { file } of placed) checkTarget(file, options);
  return placed.map(({ pkg, file }) => {
    writeFileSafely(file, `${JSON.stringify(pkg, null, 2)}\n`, options);
    return { annotator: pkg.annotator, file, items: pkg.items.length };
  });
}

/** Reads a package or work file's text, naming the file when it cannot be read. */
export function readAnnotationFile(path: string): string {
  const file = resolve(path);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DomainError('not_found', `No file at ${file}; check the path.`);
    if (code === 'EISDIR') throw new DomainError('validation', `${file} is a folder; give the annotator's .json file.`);
    throw new DomainError('validation', `Cannot read ${file} (${code ?? (error as Error).message}).`);
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The files to import: a file as given, a folder as its .json files (by name); packages in it are left for the import to refuse by name. */
export function workFilesIn(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    const path = resolve(p);
    if (!isFolder(path)) return [path];
    return readdirSync(path)
      .filter((n) => /\.json$/i.test(n) && !n.endsWith('.simpsy-package.json'))
      .sort()
      .map((n) => join(path, n));
  });
}
