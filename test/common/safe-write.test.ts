import { readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { targetExists } from '../../src-main/contract/errors';
import { DomainError } from '../../src-main/common/errors';
import { SafeFile, writeFileSafely } from '../../src-main/common/safe-write';
import { openDatabase } from '../../src-main/storage/database';
import { tempDir } from '../support/temp';

// Every export goes through safe-write: a file appears whole or not at all, an existing file is
// replaced only when asked, and a SQLite database never is.

function refusal(work: () => void): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('safe writes', () => {
  it('writes a new file, and leaves nothing else in its folder', () => {
    const dir = tempDir();
    writeFileSafely(join(dir, 'out.jsonl'), '一\n二\n', {});
    expect(readFileSync(join(dir, 'out.jsonl'), 'utf8')).toBe('一\n二\n');
    expect(readdirSync(dir)).toEqual(['out.jsonl']);
  });

  it('refuses an existing file unless told to replace it, with an issue the app can ask about', () => {
    const dir = tempDir();
    const path = join(dir, 'cards.csv');
    writeFileSync(path, 'old');
    const error = refusal(() => writeFileSafely(path, 'new', {}));
    expect(error.message).toBe(`${path} already exists; nothing was written. Choose another name, or replace it (--force).`);
    expect(targetExists(error.toApiError())).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('old');
    writeFileSafely(path, 'new', { overwrite: true });
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['cards.csv']);
  });

  it('never writes over a SQLite database, even when told to replace files', () => {
    const dir = tempDir();
    const path = join(dir, 'other.db');
    const db = openDatabase(path);
    db.close();
    const before = readFileSync(path);
    const error = refusal(() => writeFileSafely(path, 'new', { overwrite: true }));
    expect(error.message).toMatch(/other\.db is a SQLite database; an export never writes over one/);
    expect(targetExists(error.toApiError())).toBe(false);
    expect(readFileSync(path)).toEqual(before);
  });

  it("never writes over the open database's files, by any name, even before they exist", () => {
    const dir = tempDir();
    const db = join(dir, 'simpsy.db');
    symlinkSync(dir, join(dir, 'link'));
    for (const path of [db, `${db}-wal`, `${db}-shm`, `${db}-journal`, join(dir, 'link', 'simpsy.db'), join(dir, 'sub', '..', 'simpsy.db')]) {
      expect(() => writeFileSafely(path, 'x', { overwrite: true, protect: [db] })).toThrow(/is the database SimPsy Studio is using/);
    }
    expect(readdirSync(dir)).toEqual(['link']);
  });

  it('refuses a folder, or a folder that does not exist, naming it', () => {
    const dir = tempDir();
    expect(() => writeFileSafely(dir, 'x', { overwrite: true })).toThrow(/is a folder; give a file name/);
    expect(() => writeFileSafely(join(dir, 'missing', 'x.json'), 'x', {})).toThrow(/The folder .*missing does not exist/);
  });

  it('leaves the old file whole when a write is abandoned, and nothing beside it', () => {
    const dir = tempDir();
    const path = join(dir, 'dialogues.jsonl');
    writeFileSync(path, 'old\n');
    const file = SafeFile.create(path, { overwrite: true });
    file.write('half of the new');
    expect(readFileSync(path, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toHaveLength(2);
    file.discard();
    expect(readFileSync(path, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['dialogues.jsonl']);
  });

  it('checks again before putting the file in place: a file that appeared meanwhile is not replaced', () => {
    const dir = tempDir();
    const path = join(dir, 'out.json');
    const file = SafeFile.create(path, {});
    file.write('mine');
    writeFileSync(path, 'theirs');
    expect(() => file.commit()).toThrow(/already exists/);
    file.discard();
    expect(readFileSync(path, 'utf8')).toBe('theirs');
    expect(readdirSync(dir)).toEqual(['out.json']);
  });
});
