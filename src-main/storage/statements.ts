import type { Statement } from 'better-sqlite3';
import type { Db } from './database';

// Preparing a statement parses and plans its SQL: on the engine's hot path (a turn saved, a
// job's signals read at every checkpoint) that cost more than running it. So every store asks
// here instead of calling db.prepare: each SQL text is prepared once per connection and kept
// for as long as the connection lives. Statements whose text is built per call (an IN list of
// n placeholders) are left to db.prepare, or the cache would grow without bound. A mode set
// on a statement (raw, pluck) stays with it, so only SQL used in that mode alone may set one.

const caches = new WeakMap<Db, Map<string, Statement>>();

/** The statement for `sql` on this connection, prepared on first use. */
export function prepared(db: Db, sql: string): Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) cache.set(sql, (statement = db.prepare(sql)));
  return statement;
}
