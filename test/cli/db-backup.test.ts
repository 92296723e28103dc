import Database from 'better-sqlite3';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticCards } from '../role-cards/support';
import { whileAnotherProcessWrites } from '../support/busy-writer';
import { simpsy } from '../support/cli';
import { tempDbPath, tempDir } from '../support/temp';

// `simpsy db backup`: SQLite's online backup, taken while another process writes.

describe('simpsy db backup', () => {
  it('copies a database in use into a sound file with every card, and never overwrites', async () => {
    const db = tempDbPath();
    const cards = join(tempDir(), 'cards.jsonl');
    writeFileSync(cards, syntheticCards(500).map((c) => JSON.stringify(c)).join('\n'));
    expect(await simpsy(['--db', db, 'cards', 'import', cards])).toMatchObject({ code: 0 });

    const folder = tempDir();
    const target = join(folder, 'backup.db');
    const { result: backup, commits } = await whileAnotherProcessWrites(db, { holdMs: 20, gapMs: 5 }, () => simpsy(['--db', db, 'db', 'backup', target]));
    expect(commits).toBeGreaterThan(0);
    expect(backup).toMatchObject({ code: 0, stderr: '', stdout: expect.stringMatching(new RegExp(`^Backed up ${db} to ${target} \\([\\d.]+ [KM]B, \\d+ pages\\)\\.\\n$`)) });
    expect(readdirSync(folder)).toEqual(['backup.db']); // no partial file left beside it
    expect(await simpsy(['--db', target, 'db', 'check'])).toMatchObject({ code: 0 });
    const copy = new Database(target, { readonly: true });
    expect(copy.prepare('SELECT count(*) AS n FROM role_cards').get()).toEqual({ n: 500 });
    copy.close();

    expect(await simpsy(['--db', db, 'db', 'backup', target])).toMatchObject({ code: 1, stderr: `simpsy: ${target} already exists; choose a new file name (a backup never overwrites).\n` });
    expect(await simpsy(['--db', join(tempDir(), 'none.db'), 'db', 'backup', join(folder, 'b2.db')])).toMatchObject({ code: 1, stderr: expect.stringMatching(/^simpsy: There is no database at .*none\.db\.\n$/) });
    expect(existsSync(join(folder, 'b2.db'))).toBe(false);
  }, 120_000);
});
