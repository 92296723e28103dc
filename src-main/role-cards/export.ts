import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CardExportInput, ExportResult } from '../contract/role-card';
import { DomainError, keyedError } from '../common/errors';
import { now } from '../common/time';
import { writeCsv } from './formats/csv';
import { writeJson, writeJsonLines } from './formats/json';
import { writePaperFolder } from './formats/paper';
import type { RoleCardRepository } from './repository';

// Export to any import format. Single files are written to a temporary name and renamed,
// so an interrupted export never leaves half a file where a good one was.

export function exportCards(repo: RoleCardRepository, input: CardExportInput): ExportResult {
  const cards = input.ids ? repo.byIds(input.ids) : repo.all(input.filter ?? {});
  if (cards.length === 0) throw keyedError('not_found', 'exportEmpty', {}, 'No cards to export: the selection is empty.');
  try {
    if (input.format === 'paper') {
      if (existsSync(input.path) && !statSync(input.path).isDirectory()) {
        throw new DomainError('validation', `${input.path} is a file; the paper format is written into a folder.`);
      }
      return { path: input.path, format: 'paper', count: cards.length, files: writePaperFolder(input.path, cards) };
    }
    const text = input.format === 'csv' ? writeCsv(cards) : input.format === 'json' ? writeJson(cards, now()) : writeJsonLines(cards);
    writeAtomically(input.path, text);
    return { path: input.path, format: input.format, count: cards.length, files: [input.path] };
  } catch (error) {
    if (error instanceof DomainError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOSPC' ? 'the disk is full' : code ?? 'error';
    throw keyedError('unavailable', 'cannotWrite', { path: input.path, why }, `Cannot write ${input.path} (${why}). Choose another place.`);
  }
}

function writeAtomically(path: string, text: string): void {
  if (!existsSync(dirname(path))) throw keyedError('not_found', 'exportFolderMissing', { folder: dirname(path) }, `The folder ${dirname(path)} does not exist.`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new DomainError('validation', `${path} is a folder; give a file name.`);
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
