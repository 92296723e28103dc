import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/storage/database';
import { migrate, SchemaError } from '../../src-main/storage/migrate';
import { migrations } from '../../src-main/storage/migrations';
import { DialogueRepository } from '../../src-main/simulation/dialogues';
import { tempDbPath } from '../support/temp';

describe('migrations', () => {
  it('ship as 1..n with unique snake_case names', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    for (const m of migrations) expect(m.name).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(new Set(migrations.map((m) => m.name)).size).toBe(migrations.length);
  });

  it('apply to a new file, are recorded, and agree with what ships', () => {
    const file = tempDbPath();
    const db = openDatabase(file);
    const applied = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(applied).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })));
    db.close();
    // Reopening applies nothing again.
    const again = new Database(file);
    expect(migrate(again)).toEqual([]);
    again.close();
  });

  it('set WAL, foreign keys and synchronous=NORMAL on every connection', () => {
    const db = openDatabase(tempDbPath());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    db.close();
  });

  it('refuse a database from a newer build without touching it', () => {
    const file = tempDbPath();
    openDatabase(file).close();
    const raw = new Database(file);
    raw.prepare("INSERT INTO schema_migrations VALUES (999, 'from_the_future', 'x')").run();
    raw.close();
    expect(() => openDatabase(file)).toThrow(/newer SimPsy Studio \(schema 999/);
  });

  it('refuse a database whose history disagrees with this build', () => {
    const file = tempDbPath();
    openDatabase(file).close();
    const raw = new Database(file);
    raw.prepare("UPDATE schema_migrations SET name = 'something_else' WHERE version = 1").run();
    raw.close();
    expect(() => openDatabase(file)).toThrow(SchemaError);
  });

  it('roll back a failing migration whole and record nothing', () => {
    const db = new Database(tempDbPath());
    const broken = [
      ...migrations,
      {
        version: migrations.at(-1)!.version + 1,
        name: 'broken',
        up(d: Database.Database) {
          d.exec('CREATE TABLE half_done (x INTEGER) STRICT');
          d.exec('THIS IS NOT SQL');
        },
      },
    ];
    expect(() => migrate(db, broken)).toThrow();
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half_done'").get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT max(version) AS v FROM schema_migrations').get()).toEqual({ v: migrations.at(-1)!.version });
    db.close();
  });

  describe('001 foundation', () => {
    it('creates strict tables that reject type slips', () => {
      const db = openDatabase(tempDbPath());
      expect(() =>
        db.prepare("INSERT INTO jobs (kind, status, done, created_at, updated_at) VALUES ('k', 'queued', 'many', 'x', 'x')").run(),
      ).toThrow(/cannot store TEXT value in INTEGER column/);
      expect(() =>
        db.prepare("INSERT INTO jobs (kind, status, created_at, updated_at) VALUES ('k', 'exploded', 'x', 'x')").run(),
      ).toThrow(/CHECK constraint failed/);
      db.close();
    });

    it('makes endpoint names unique regardless of case', () => {
      const db = openDatabase(tempDbPath());
      const insert = db.prepare("INSERT INTO endpoints (name, base_url, model, created_at, updated_at) VALUES (?, 'http://x/v1', 'm', 'x', 'x')");
      insert.run('DeepSeek');
      expect(() => insert.run('deepseek')).toThrow(/UNIQUE/);
      db.close();
    });

    it('lists jobs by status through the index', () => {
      const db = openDatabase(tempDbPath());
      const plan = db.prepare("EXPLAIN QUERY PLAN SELECT id FROM jobs WHERE status = 'running'").all() as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX jobs_by_status/);
      db.close();
    });
  });

  describe('006 job leases', () => {
    it('adds the lease to jobs, keeping rows of older builds, which count as having no heartbeat', () => {
      const file = tempDbPath();
      const raw = new Database(file);
      migrate(raw, migrations.filter((m) => m.version < 6));
      raw.prepare("INSERT INTO jobs (kind, status, owner_pid, created_at, updated_at) VALUES ('simulation', 'running', 4242, 'x', 'x')").run();
      expect(migrate(raw, migrations.filter((m) => m.version <= 6))).toEqual([6]);
      expect(raw.prepare('SELECT status, owner_pid, owner_token, owner_host, heartbeat_at, pause_requested FROM jobs').get()).toEqual({
        status: 'running',
        owner_pid: 4242,
        owner_token: null,
        owner_host: null,
        heartbeat_at: null,
        pause_requested: 0,
      });
      expect(() => raw.prepare('UPDATE jobs SET pause_requested = 2').run()).toThrow(/CHECK constraint failed/);
      expect(() => raw.prepare("UPDATE jobs SET heartbeat_at = 'soon'").run()).toThrow(/cannot store TEXT value in INTEGER column/);
      raw.close();
    });

    it('keeps a run history that goes with its run, as JSON objects, read through its index', () => {
      const db = openDatabase(tempDbPath());
      db.prepare("INSERT INTO sim_runs (id, kind, title, language, config, app_version, created_at, updated_at) VALUES (1, 'simulation', 't', 'zh', '{}', '0', 'x', 'x')").run();
      const insert = db.prepare("INSERT INTO sim_run_events (run_id, kind, detail, created_at) VALUES (1, ?, ?, 'x')");
      insert.run('model_changed', '{"role":"client","from":"a","to":"b"}');
      expect(() => insert.run('exploded', '{}')).toThrow(/CHECK constraint failed/);
      expect(() => insert.run('resumed', '[1]')).toThrow(/CHECK constraint failed/);
      expect(() => insert.run('resumed', 'not json')).toThrow(/CHECK constraint failed/);
      const plan = db.prepare('EXPLAIN QUERY PLAN SELECT kind FROM sim_run_events WHERE run_id = 1 ORDER BY id').all() as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX sim_run_events_by_run/);
      db.prepare('DELETE FROM sim_runs WHERE id = 1').run();
      expect(db.prepare('SELECT count(*) AS n FROM sim_run_events').get()).toEqual({ n: 0 });
      db.close();
    });
  });

  describe('008 dialogue search', () => {
    it('replaces the trigram index on a database with dialogues, which searches find before and after the catch-up', () => {
      const file = tempDbPath();
      const old = new Database(file);
      migrate(old, migrations.filter((m) => m.version < 8));
      old.exec(`
        INSERT INTO sim_runs (id, kind, language, app_version, created_at, updated_at) VALUES (1, 'import', 'zh', 'old', 'x', 'x');
        INSERT INTO sim_sessions (id, run_id, seq, status, end_reason, created_at, updated_at) VALUES (1, 1, 1, 'ended', 'imported', 'x', 'x'), (2, 1, 2, 'ended', 'imported', 'x', 'x');
        INSERT INTO sim_messages (session_id, idx, role, content, created_at) VALUES
          (1, 0, 'client', '你好', 'x'), (1, 1, 'counselor', '最近睡得怎么样？', 'x'), (1, 2, 'client', '总是失眠', 'x'),
          (2, 0, 'client', '你好', 'x'), (2, 1, 'counselor', '想聊点什么？', 'x');
      `);
      old.close();

      const db = openDatabase(file);
      expect(db.prepare(`SELECT name FROM sqlite_master WHERE name LIKE 'sim_message_fts%'`).all()).toEqual([]);
      expect(db.prepare('SELECT session_id FROM sim_session_search_pending ORDER BY 1').all()).toEqual([{ session_id: 1 }, { session_id: 2 }]);
      const dialogues = new DialogueRepository(db);
      expect(dialogues.ids({ query: '失眠' })).toEqual([1]);
      expect(dialogues.search.catchUpAll()).toBe(2);
      expect(dialogues.ids({ query: '失眠' })).toEqual([1]);
      expect(dialogues.ids({ query: '眠' })).toEqual([1]);
      expect(dialogues.ids({ query: '你好' })).toEqual([1, 2]);
      const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT rowid FROM sim_session_search WHERE sim_session_search MATCH '"失眠"'`).all() as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toMatch(/VIRTUAL TABLE INDEX/);

      // Triggers keep the listing in step whoever writes: a new message, an edit, a deletion.
      db.prepare(`INSERT INTO sim_messages (session_id, idx, role, content, created_at) VALUES (2, 2, 'client', '我很焦虑', 'x')`).run();
      expect(db.prepare('SELECT session_id FROM sim_session_search_pending').all()).toEqual([{ session_id: 2 }]);
      expect(dialogues.ids({ query: '焦虑' })).toEqual([2]);
      dialogues.search.catchUpAll();
      db.prepare(`UPDATE sim_messages SET content = '睡得很好' WHERE session_id = 1 AND idx = 2`).run();
      expect(dialogues.ids({ query: '失眠' })).toEqual([]);
      dialogues.search.catchUpAll();
      expect(dialogues.ids({ query: '失眠' })).toEqual([]);
      expect(dialogues.ids({ query: '睡得很' })).toEqual([1]);
      db.prepare('DELETE FROM sim_sessions WHERE id = 1').run();
      expect(db.prepare('SELECT count(*) AS n FROM sim_session_search_pending').get()).toEqual({ n: 0 });
      expect(db.prepare(`SELECT rowid FROM sim_session_search WHERE sim_session_search MATCH '"你好"'`).all()).toEqual([{ rowid: 2 }]);
      db.close();
    });
  });
});
