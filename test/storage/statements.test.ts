import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/storage/database';
import type { Db } from '../../src-main/storage/database';
import { prepared } from '../../src-main/storage/statements';
import { tempDbPath } from '../support/temp';

// The one statement cache: each SQL text prepared once per connection, never shared between
// connections (a statement belongs to the connection that prepared it).

const open: Db[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

describe('prepared statements', () => {
  it('prepares each SQL text once per connection and reuses it', () => {
    const db = openDatabase(tempDbPath());
    open.push(db);
    const sql = 'SELECT count(*) AS n FROM role_cards';
    const first = prepared(db, sql);
    expect(prepared(db, sql)).toBe(first);
    expect(prepared(db, 'SELECT 1 AS one')).not.toBe(first);
    expect(first.get()).toEqual({ n: 0 });
  });

  it('keeps a separate statement for each connection, each reading its own file', () => {
    const a = openDatabase(tempDbPath());
    const b = openDatabase(tempDbPath());
    open.push(a, b);
    for (const [db, rows] of [[a, 1], [b, 3]] as const) {
      db.exec('CREATE TABLE probe (x INTEGER) STRICT');
      for (let i = 0; i < rows; i++) db.prepare('INSERT INTO probe VALUES (?)').run(i);
    }
    const sql = 'SELECT count(*) AS n FROM probe';
    expect(prepared(a, sql)).not.toBe(prepared(b, sql));
    expect(prepared(a, sql).get()).toEqual({ n: 1 });
    expect(prepared(b, sql).get()).toEqual({ n: 3 });
  });
});
