import type Database from 'better-sqlite3';
import type { Migration } from './migration';
import { migrations as shipped } from './migrations';
import { writeTransaction } from './transaction';

export class SchemaError extends Error {}

/**
 * Applies the shipped migrations the database has not seen, each in its own transaction,
 * and records them in schema_migrations. Refuses a database that a newer build migrated
 * or whose history disagrees with what this build ships, rather than guessing.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = shipped): number[] {
  const file = db.name;
  const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'`).all() as { name: string }[]).map((t) => t.name);
  if (tables.length > 0 && !tables.includes('schema_migrations')) {
    // Someone else's SQLite file: adding our tables to it would be worse than refusing.
    throw new SchemaError(
      `The database ${file} belongs to another program (it has tables ${tables.slice(0, 3).join(', ')}${tables.length > 3 ? ', …' : ''} but no SimPsy Studio schema). Open a different database with --db.`,
    );
  }
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const applied = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as {
    version: number;
    name: string;
  }[];
  const latest = migrations.at(-1)?.version ?? 0;
  for (const row of applied) {
    const known = migrations.find((m) => m.version === row.version);
    if (!known) {
      throw new SchemaError(
        row.version > latest
          ? `The database ${file} was created by a newer SimPsy Studio (schema ${row.version}, this build knows up to ${latest}). Update the app, or open a different database with --db.`
          : `The database ${file} records migration ${row.version} (${row.name}) that this build does not ship. Open a different database with --db.`,
      );
    }
    if (known.name !== row.name) {
      throw new SchemaError(
        `Migration ${row.version} is '${row.name}' in ${file} but '${known.name}' in this build; the database is from an incompatible build. Open a different database with --db.`,
      );
    }
  }
  const done = new Set(applied.map((r) => r.version));
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const seen = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  const ran: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    // Two processes opening an old database at once: the second waits for the lock, then
    // finds the migration applied and skips it.
    const applies = writeTransaction(db, () => {
      if (seen.get(m.version)) return false;
      m.up(db);
      record.run(m.version, m.name, new Date().toISOString());
      return true;
    });
    if (applies) ran.push(m.version);
  }
  return ran;
}
