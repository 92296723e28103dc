import Database from 'better-sqlite3';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticCards } from '../role-cards/support';
import { whileAnotherProcessWrites } from '../support/busy-writer';
import { simpsy } from '../support/cli';
import { tempDbPath, tempDir } from '../support/temp';

// Two real processes writing one database: `simpsy cards import` of thousands of cards while
// another process commits write transactions back to back. Every write takes the lock up
// front and waits its turn, so the import finishes and its cards are all in the search index.

describe('concurrent writers', () => {
  it('a large cards import succeeds while another process keeps writing, and every card is searchable afterwards', async () => {
    const db = tempDbPath();
    expect(await simpsy(['--db', db, 'cards', 'list'])).toMatchObject({ code: 0 }); // creates and migrates it
    const file = join(tempDir(), 'cards.jsonl');
    const cards = syntheticCards(3000, 7);
    writeFileSync(file, cards.map((c) => JSON.stringify(c)).join('\n'));

    // Holds the lock 40 ms of every 45: whenever the import writes, the other process is likely mid-transaction.
    const { result: imported, commits } = await whileAnotherProcessWrites(db, { holdMs: 40, gapMs: 5 }, () => simpsy(['--db', db, 'cards', 'import', file]));
    expect(imported.stderr).toBe('');
    expect(imported).toMatchObject({ code: 0, stdout: 'Imported 3000 of 3000 cards (jsonl, utf-8).\n' });
    expect(commits).toBeGreaterThan(10); // the other process really did write meanwhile

    const check = new Database(db, { readonly: true });
    try {
      expect(check.prepare('SELECT count(*) AS n FROM role_card_fts_pending').get()).toEqual({ n: 0 });
      expect(check.prepare('SELECT count(*) AS n FROM role_card_fts').get()).toEqual({ n: 3000 });
    } finally {
      check.close();
    }
    // Found by the index through the CLI, as a user searches: the numbered complaints.
    for (const n of [0, 1499, 2999]) {
      const found = JSON.parse((await simpsy(['--db', db, 'cards', 'list', '--search', `第${n}号`, '--json'])).stdout) as { chiefComplaint: string }[];
      expect(found.map((c) => c.chiefComplaint)).toEqual([cards[n]!.chiefComplaint]);
    }
  }, 300_000);

  it('four processes opening a new database at once all migrate it without error', async () => {
    const db = tempDbPath();
    const results = await Promise.all([1, 2, 3, 4].map(() => simpsy(['--db', db, 'runs', 'list', '--json'])));
    for (const r of results) expect(r).toMatchObject({ code: 0, stderr: '', stdout: '[]\n' });
  });

  it('every transaction in src-main goes through writeTransaction (BEGIN IMMEDIATE)', () => {
    const root = join(__dirname, '../../src-main');
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : name.endsWith('.ts') ? [join(dir, name)] : []));
    const deferred = files(root)
      .filter((f) => !f.endsWith(join('storage', 'transaction.ts')))
      .filter((f) => /\.transaction\(/.test(readFileSync(f, 'utf8')));
    expect(deferred).toEqual([]);
  });
});
