import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { backupDatabase, checkDatabase, type DatabaseCheck } from '../storage/maintenance';
import { printJson } from './io';

// `simpsy db …`: where the database is, whether it is sound, and a safe copy of it. These
// open the file without migrating it, so they also work on a file the other commands refuse.

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

const size = (bytes: number) => (bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`);

function printCheck(r: DatabaseCheck): void {
  if (r.ok) {
    const schema = r.schema ? `schema ${r.schema.version} of ${r.schema.latest}` : 'no SimPsy Studio schema';
    out(`${r.file}: ok (${size(r.bytes)}, ${schema}; integrity and foreign keys checked).`);
    return;
  }
  if (r.notSqlite) {
    err(`${r.file} is not an SQLite database (${size(r.bytes)}): another kind of file, or damaged beyond reading. Choose another file with --db.`);
    return;
  }
  err(`${r.file} is damaged (${size(r.bytes)}):`);
  if (r.unreadable) err(`  SQLite cannot read it: ${r.unreadable}`);
  for (const line of r.integrity.slice(0, 10)) err(`  ${line}`);
  if (r.integrity.length > 10) err(`  … and ${r.integrity.length - 10}${r.integrity.length === 100 ? '+' : ''} more integrity problems`);
  if (r.foreignKeys.length) {
    const n = r.foreignKeys.length;
    const shown = r.foreignKeys.slice(0, 5).map((f) => `${f.table} ${f.rowid === null ? 'row' : `row ${f.rowid}`} → missing ${f.parent}`).join('; ');
    err(`  ${n === 1 ? '1 row refers' : `${n} rows refer`} to rows that do not exist: ${shown}${n > 5 ? '; …' : ''}`);
  }
  err('What to do: keep this file as it is, and restore your latest backup (simpsy db backup FILE makes one).');
  err(`Without a backup, the sqlite3 tool can salvage what is still readable: sqlite3 '${r.file}' .recover | sqlite3 recovered.db`);
}

export function dbCommand(program: Command, dbPath: () => string): void {
  const db = program.command('db').description('The database file: where it is, check it for damage, back it up');

  db.command('path')
    .description('Print the database file in use (--db, else $SIMPSY_DB, else the app\'s)')
    .action(() => {
      const file = dbPath();
      out(existsSync(file) ? file : `${file} (not created yet)`);
    });

  db.command('check')
    .description('Check the database for damage (integrity and foreign keys); exit 1 if damaged')
    .option('--json', 'print the report as JSON')
    .action((o: { json?: boolean }) => {
      const report = checkDatabase(dbPath());
      if (o.json) printJson(report);
      else printCheck(report);
      if (!report.ok) process.exitCode = 1;
    });

  db.command('backup')
    .description('Copy the database to FILE, safely even while the app or a simulation writes to it')
    .argument('<file>', 'the new file; never overwritten')
    .action(async (file: string) => {
      const copy = await backupDatabase(dbPath(), resolve(file));
      out(`Backed up ${dbPath()} to ${copy.target} (${size(copy.bytes)}, ${copy.pages} pages).`);
    });
}
