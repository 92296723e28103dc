import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, rmSync, statfsSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/storage/database';
import { databaseFailure } from '../../src-main/storage/failure';
import { RoleCardRepository } from '../../src-main/role-cards/repository';
import { checkFields } from '../../src-main/role-cards/card';
import { syntheticCards } from '../role-cards/support';
import { simpsy } from '../support/cli';
import { tempDir } from '../support/temp';

// Real damaged and unusable database files, opened by the built `simpsy`: each failure is
// one line naming the file and what to do, exit 1. `simpsy db check` reports damage.

/** A real, migrated database holding `n` cards, closed (its WAL checkpointed into the file). */
function databaseWithCards(dir: string, n = 300): string {
  const file = join(dir, 'simpsy.db');
  const db = openDatabase(file);
  new RoleCardRepository(db).insertMany(syntheticCards(n).map((card) => {
    const checked = checkFields(card);
    if (!checked.ok) throw new Error('synthetic card is invalid');
    return { card: checked.card };
  }));
  db.close();
  return file;
}

/** Exit 1, nothing on stdout, and one line on stderr that starts with `pattern`. */
const oneLine = (pattern: RegExp) => ({ code: 1, stdout: '', stderr: expect.stringMatching(new RegExp(`^simpsy: ${pattern.source}[^\\n]*\\n$`)) });
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a damaged or unusable database file', () => {
  it('truncated: every command says it is damaged and how to go on; db check exits 1 with a summary', async () => {
    const file = databaseWithCards(tempDir());
    truncateSync(file, 8192);
    const list = await simpsy(['--db', file, 'cards', 'list']);
    expect(list).toMatchObject(oneLine(new RegExp(`${esc(file)} is damaged: restore a backup, or run \`simpsy db check\` to see what is wrong\\.`)));
    const check = await simpsy(['--db', file, 'db', 'check']);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(new RegExp(`^${esc(file)} is damaged \\(8 KB\\):\\n`));
    expect(check.stderr).toMatch(/restore your latest backup/);
  });

  it('one page overwritten with garbage: db check finds it, and reading the damaged table says "damaged"', async () => {
    const file = databaseWithCards(tempDir());
    const raw = new Database(file, { readonly: true });
    const pageSize = raw.pragma('page_size', { simple: true }) as number;
    const { pageno } = raw.prepare(`SELECT pageno FROM dbstat WHERE name = 'role_cards' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 3`).get() as { pageno: number };
    raw.close();
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (pageno - 1) * pageSize);
    closeSync(fd);

    const check = await simpsy(['--db', file, 'db', 'check', '--json']);
    expect(check.code).toBe(1);
    const report = JSON.parse(check.stdout) as { ok: boolean; integrity: string[]; unreadable?: string };
    expect(report.ok).toBe(false);
    expect(report.integrity.length > 0 || report.unreadable !== undefined).toBe(true);
    expect(await simpsy(['--db', file, 'cards', 'list', '--json'])).toMatchObject(oneLine(new RegExp(`${esc(file)} is damaged: restore a backup`)));
  });

  it('rows pointing at rows that are gone: db check names them', async () => {
    const file = databaseWithCards(tempDir(), 3);
    const raw = new Database(file);
    raw.pragma('foreign_keys = OFF');
    raw.prepare(`INSERT INTO role_card_tags (card_id, tag) VALUES (999, 'orphan')`).run();
    raw.close();
    const check = await simpsy(['--db', file, 'db', 'check']);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/1 row refers to rows that do not exist: role_card_tags row → missing role_cards/);
  });

  it('a sound database: db check says ok with its schema version; db path names it', async () => {
    const file = databaseWithCards(tempDir(), 3);
    expect(await simpsy(['--db', file, 'db', 'check'])).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^${esc(file)}: ok \\(\\d+ KB, schema \\d+ of \\d+; integrity and foreign keys checked\\)\\.\\n$`)) });
    expect(await simpsy(['--db', file, 'db', 'path'])).toMatchObject({ code: 0, stdout: `${file}\n` });
    expect(await simpsy(['--db', join(tempDir(), 'new.db'), 'db', 'path'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/new\.db \(not created yet\)\n$/) });
  });

  it('a text file: not an SQLite database, choose another', async () => {
    const file = join(tempDir(), 'notes.db');
    writeFileSync(file, '这不是数据库，只是一些笔记。\n'.repeat(200));
    expect(await simpsy(['--db', file, 'runs', 'list'])).toMatchObject(
      oneLine(new RegExp(`${esc(file)} is not a SimPsy Studio database \\(not an SQLite file at all\\): choose another file with --db, or move it away to start a new one\\.`)),
    );
    expect((await simpsy(['--db', file, 'db', 'check'])).stderr).toMatch(/is not an SQLite database/);
  });

  it('another program\'s SQLite file: refused, not migrated into', async () => {
    const file = join(tempDir(), 'other.db');
    const raw = new Database(file);
    raw.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)');
    raw.close();
    expect(await simpsy(['--db', file, 'cards', 'list'])).toMatchObject(oneLine(new RegExp(`The database ${esc(file)} belongs to another program \\(it has tables photos but no SimPsy Studio schema\\)`)));
    const after = new Database(file, { readonly: true });
    expect(after.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all()).toEqual([{ name: 'photos' }]);
    after.close();
  });

  it('a folder: give a file path', async () => {
    const folder = join(tempDir(), 'data');
    mkdirSync(folder);
    expect(await simpsy(['--db', folder, 'cards', 'list'])).toMatchObject(oneLine(new RegExp(`${esc(folder)} is a folder, not a database file: give a file path, e\\.g\\. --db ${esc(folder)}/simpsy\\.db\\.`)));
  });

  it('a path through a file: cannot open, naming it', async () => {
    const file = join(tempDir(), 'plain');
    writeFileSync(file, 'x');
    expect(await simpsy(['--db', join(file, 'sub', 'simpsy.db'), 'cards', 'list'])).toMatchObject(oneLine(/Cannot open .*plain\/sub\/simpsy\.db \(ENOTDIR.*\): check the path, and that you may read and write it\./));
  });
});

// As root, file modes do not stop writes: run the CLI as the unprivileged user 'nobody' there.
const asRoot = process.getuid?.() === 0;
const user = asRoot ? { uid: 65534, gid: 65534 } : {};

/** A folder the CLI's user may enter (mkdtemp folders are 0700). */
function openFolder(): string {
  const dir = tempDir();
  chmodSync(dir, 0o755);
  return dir;
}

/**
 * 'nobody' must reach the built CLI and its node_modules: a clone in a mkdtemp folder (0700)
 * shuts it out. Give others search permission (x, not read) on the folders above the project.
 */
function letNobodyReachProject(): void {
  if (!asRoot) return;
  for (let dir = process.cwd(); dir !== dirname(dir); dir = dirname(dir)) {
    const mode = statSync(dir).mode & 0o7777;
    if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
  }
}

describe(`read-only files and folders (${asRoot ? 'running the CLI as nobody, since tests run as root' : 'as this user'})`, () => {
  beforeAll(letNobodyReachProject);
  it('a read-only file: reading works, a write names the file and says how to fix it', async () => {
    const dir = openFolder();
    const file = join(dir, 'simpsy.db');
    copyFileSync(databaseWithCards(tempDir(), 3), file);
    chmodSync(dir, 0o777);
    chmodSync(file, 0o444);
    expect(await simpsy(['--db', file, 'cards', 'list', '--json'], { HOME: dir }, user)).toMatchObject({ code: 0, stderr: '' });
    expect(await simpsy(['--db', file, 'endpoints', 'add', '--name', 'x', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm'], { HOME: dir }, user)).toMatchObject(
      oneLine(new RegExp(`${esc(file)} is read-only: make it writable \\(chmod u\\+w\\), or work on a copy with --db\\. Reading still works\\.`)),
    );
  });

  it('a read-only folder: SQLite cannot create its -wal and -shm files there', async () => {
    const dir = openFolder();
    const folder = join(dir, 'locked');
    mkdirSync(folder);
    const file = join(folder, 'simpsy.db');
    copyFileSync(databaseWithCards(tempDir(), 3), file);
    chmodSync(file, 0o666);
    chmodSync(folder, 0o555);
    try {
      expect(await simpsy(['--db', file, 'cards', 'list'], { HOME: dir }, user)).toMatchObject(
        oneLine(new RegExp(`The folder ${esc(folder)} is read-only, and SQLite must create simpsy\\.db-wal and -shm there: make the folder writable, or move the database to a folder you can write\\.`)),
      );
      expect(await simpsy(['--db', join(folder, 'new', 'simpsy.db'), 'cards', 'list'], { HOME: dir }, user)).toMatchObject(
        oneLine(new RegExp(`Cannot create ${esc(folder)}/new/simpsy\\.db: the folder ${esc(folder)} is read-only\\. Make it writable, or choose another place with --db\\.`)),
      );
    } finally {
      chmodSync(folder, 0o755);
    }
  });
});

/** Mounts a tmpfs of `size` at a fresh folder, if this machine lets us (root with CAP_SYS_ADMIN). */
function tinyDisk(size: string): { dir: string; unmount: () => void } | { reason: string } {
  const dir = mkdtempSync(join(tmpdir(), 'simpsy-disk-')); // not tempDir(): that one goes after the first test, mounted or not
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { reason: `cannot mount a tmpfs here (${(r.stderr || r.error?.message || '').trim()})` };
  }
  return {
    dir,
    unmount: () => {
      spawnSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('a full disk', () => {
  const disk = tinyDisk('4m');
  const skip = 'reason' in disk ? disk.reason : '';
  if (skip) console.warn(`skipping the real full-disk test: ${skip}; the classifier is still tested with SQLITE_FULL from max_page_count`);

  it.skipIf(skip !== '')('on a real 4 MB tmpfs: an import fails naming the file and "disk is full", and nothing of it is saved', async () => {
    const { dir, unmount } = disk as { dir: string; unmount: () => void };
    try {
      const file = join(dir, 'simpsy.db');
      expect(await simpsy(['--db', file, 'cards', 'list'])).toMatchObject({ code: 0 });
      const cards = join(tempDir(), 'cards.jsonl');
      writeFileSync(cards, syntheticCards(1500).map((c) => JSON.stringify(c)).join('\n'));
      // Leave about 300 KB: enough to open the database, far too little for 1,500 cards.
      const free = statfsSync(dir);
      writeFileSync(join(dir, 'filler'), Buffer.alloc(Math.max(0, free.bavail * free.bsize - 300 * 1024)));
      expect(await simpsy(['--db', file, 'cards', 'import', cards])).toMatchObject(
        oneLine(new RegExp(`The disk holding ${esc(file)} is full: free some space and try again\\. The write that failed was not saved; earlier ones are safe\\.`)),
      );
      rmSync(join(dir, 'filler'));
      expect(await simpsy(['--db', file, 'cards', 'list', '--json'])).toMatchObject({ code: 0, stdout: '[]\n' });
      expect(await simpsy(['--db', file, 'db', 'check'])).toMatchObject({ code: 0 });
    } finally {
      unmount();
    }
  });

  it('SQLITE_FULL as SQLite raises it (max_page_count reached) is classified as a full disk', () => {
    const file = join(tempDir(), 'simpsy.db');
    const db = openDatabase(file);
    try {
      const pages = db.pragma('page_count', { simple: true }) as number;
      db.pragma(`max_page_count = ${pages + 2}`);
      let raised: unknown;
      try {
        new RoleCardRepository(db).insertMany(syntheticCards(200).map((card) => ({ card: (checkFields(card) as { ok: true; card: typeof card }).card })));
      } catch (error) {
        raised = error;
      }
      expect((raised as { code?: string }).code).toBe('SQLITE_FULL');
      expect(databaseFailure(raised, file, 'use')?.toApiError()).toMatchObject({ code: 'unavailable', key: 'dbFull', params: { file }, message: expect.stringMatching(/^The disk holding .* is full/) });
    } finally {
      db.close();
    }
  });
});

describe('another process holding the lock past the busy timeout', () => {
  it('SQLITE_BUSY is classified as "busy: another SimPsy Studio process", not a bare "database is locked"', () => {
    const file = join(tempDir(), 'simpsy.db');
    const holder = openDatabase(file);
    const waiter = new Database(file);
    waiter.pragma('busy_timeout = 0');
    holder.exec('BEGIN IMMEDIATE');
    try {
      let raised: unknown;
      try {
        waiter.prepare(`INSERT INTO settings (key, value) VALUES ('k', 'v')`).run();
      } catch (error) {
        raised = error;
      }
      expect((raised as { code?: string }).code).toMatch(/^SQLITE_BUSY/);
      expect(databaseFailure(raised, file, 'use')?.toApiError()).toMatchObject({ key: 'dbBusy', message: expect.stringMatching(/is busy: another SimPsy Studio process \(the app or simpsy\) kept it locked for over 30 s/) });
      // A file-system error after opening is about some other file (an import, an export), not the database.
      expect(databaseFailure(Object.assign(new Error('denied'), { code: 'EACCES' }), file, 'use')).toBeUndefined();
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
      waiter.close();
    }
  });
});
