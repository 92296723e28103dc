import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { CardExportInput, ExportResult } from '../contract/role-card';
import { DomainError, keyedError } from '../common/errors';
import { alreadyExists, checkTarget, move, syncFolder, writeFailure, writeFileSafely, writeNewFile, type WriteOptions } from '../common/safe-write';
import { now } from '../common/time';
import { writeCsv } from './formats/csv';
import { writeJson, writeJsonLines } from './formats/json';
import { paperSplits, type PaperSplit } from './formats/paper';
import type { RoleCardRepository } from './repository';

// Export to any import format, through common/safe-write.ts: a file appears whole or not at
// all, an existing one is replaced only with `overwrite`, and a SQLite file (the open database
// above all) never is. An empty selection writes nothing.

export function exportCards(repo: RoleCardRepository, input: CardExportInput, options: { protect?: readonly string[] } = {}): ExportResult {
  const cards = input.ids ? repo.byIds(input.ids) : repo.all(input.filter ?? {});
  if (cards.length === 0) throw keyedError('not_found', 'exportEmpty', {}, 'No cards to export: the selection is empty. Nothing was written.');
  const write: WriteOptions = { overwrite: input.overwrite ?? false, protect: options.protect ?? [] };
  try {
    if (input.format === 'paper') {
      return { path: input.path, format: 'paper', count: cards.length, files: writePaperFolder(input.path, paperSplits(cards), write) };
    }
    const text = input.format === 'csv' ? writeCsv(cards) : input.format === 'json' ? writeJson(cards, now()) : writeJsonLines(cards);
    writeFileSafely(input.path, text, write);
    return { path: input.path, format: input.format, count: cards.length, files: [input.path] };
  } catch (error) {
    throw writeFailure(input.path, error);
  }
}

const isFolder = (path: string) => existsSync(path) && statSync(path).isDirectory();
const cardFile = /^(0|[1-9]\d*)\.txt$/;

/**
 * The paper's folder layout, never mixing two exports. Each split (raw_role_card/<split>/N.txt
 * with user_profiles/<split>.json) is written whole into a staging folder inside `root`, then
 * moved into place; an existing split is replaced only with `overwrite`, and only if it holds
 * nothing but card files. The old complaints list is moved away first and the new one moved in
 * last: an export interrupted in between leaves a split without a list, which an import refuses
 * by name, never cards paired with another export's complaints. Card files are not flushed one
 * by one (see writeNewFile): after a power cut an import would refuse an emptied card, by name.
 */
function writePaperFolder(root: string, splits: PaperSplit[], options: WriteOptions): string[] {
  if (existsSync(root) && !isFolder(root)) throw new DomainError('validation', `${root} is a file; the paper format is written into a folder.`);
  const places = splits.map((split) => ({
    split,
    dir: join(root, 'raw_role_card', split.folder),
    list: join(root, 'user_profiles', `${split.folder}.json`),
  }));
  // Everything is checked before anything is written.
  for (const { split, dir, list } of places) {
    if (existsSync(dir) && !isFolder(dir)) throw new DomainError('validation', `${dir} is a file; it should be the folder of ${split.folder} cards.`);
    const entries = isFolder(dir) ? readdirSync(dir) : [];
    if (entries.length === 0 && !existsSync(list)) continue;
    if (!options.overwrite) throw alreadyExists(root, `${root} already holds a '${split.folder}' split (raw_role_card/${split.folder}/ or user_profiles/${split.folder}.json)`);
    const strangers = entries.filter((name) => !cardFile.test(name) || isFolder(join(dir, name)));
    if (strangers.length > 0) {
      throw new DomainError(
        'conflict',
        `${dir} holds files that are not cards (${strangers.slice(0, 3).join(', ')}${strangers.length > 3 ? ', …' : ''}); replacing the split would delete them. Export to another folder.`,
      );
    }
    for (const name of entries) checkTarget(join(dir, name), options);
    checkTarget(list, options);
  }

  mkdirSync(root, { recursive: true });
  const staging = join(root, `.simpsy-export-${process.pid}-${randomBytes(4).toString('hex')}`);
  const replaced = join(staging, 'replaced');
  mkdirSync(staging);
  const written: string[] = [];
  try {
    for (const { split, dir, list } of places) {
      const newDir = join(staging, split.folder);
      const newList = join(staging, `${split.folder}.json`);
      mkdirSync(newDir);
      split.cards.forEach((text, n) => writeNewFile(join(newDir, `${n}.txt`), text, { flush: false }));
      writeNewFile(newList, split.complaints, { flush: true });
      syncFolder(newDir);

      mkdirSync(join(root, 'raw_role_card'), { recursive: true });
      mkdirSync(join(root, 'user_profiles'), { recursive: true });
      if (existsSync(list) || existsSync(dir)) mkdirSync(replaced, { recursive: true });
      if (existsSync(list)) move(list, join(replaced, basename(list)));
      if (existsSync(dir)) move(dir, join(replaced, split.folder));
      move(newDir, dir);
      move(newList, list);
      syncFolder(join(root, 'raw_role_card'));
      syncFolder(join(root, 'user_profiles'));
      written.push(...split.cards.map((_, n) => join(dir, `${n}.txt`)), list);
    }
  } catch (error) {
    // What was replaced is kept for the person to recover; only a staging folder holding
    // nothing of theirs is removed.
    const failure = writeFailure(root, error);
    if (!existsSync(replaced)) {
      rmSync(staging, { recursive: true, force: true });
      throw failure;
    }
    throw new DomainError(failure.code, `${failure.message} The files it was replacing are kept in ${replaced}.`);
  }
  rmSync(staging, { recursive: true, force: true });
  return written;
}
