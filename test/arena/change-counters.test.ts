import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ChangeWatcher } from '../../src-main/app/change-watcher';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import type { DataChangedEvent } from '../../src-main/contract';
import { openDatabase } from '../../src-main/storage/database';
import { migrate } from '../../src-main/storage/migrate';
import { migrations } from '../../src-main/storage/migrations';
import { arenaCountedWrites } from '../../src-main/storage/migrations/014_arena_change_counters';
import { tempDbPath } from '../support/temp';

// 014 arena change counters: the window follows arena runs made by the CLI. Real files, the
// real migrations, and (last test) the app's watcher on one connection with the "CLI" writing
// through a second one.

const stamp = "'2026-01-01T00:00:00.000Z'";
const arenaCounter = (db: Database.Database) => (db.prepare(`SELECT version FROM change_counters WHERE domain = 'arena'`).get() as { version: number }).version;

function seed(db: Database.Database): void {
  db.exec(`INSERT INTO endpoints (name, base_url, model, created_at, updated_at) VALUES ('local', 'http://127.0.0.1/v1', 'm', 'x', 'x')`);
  db.exec(`INSERT INTO counselors (name, endpoint_id, prompt_name, created_at, updated_at) VALUES ('alpha', 1, 'default', ${stamp}, ${stamp})`);
  db.exec(`INSERT INTO arena_runs (title, language, config, app_version, session_count, created_at, updated_at) VALUES ('t', 'zh', '{}', '0', 1, ${stamp}, ${stamp})`);
  db.exec(`INSERT INTO arena_sessions (arena_id, seq, card_id, card_text, counselor_a, counselor_b, created_at, updated_at) VALUES (1, 1, 1, '性别：女', 'alpha', 'beta', ${stamp}, ${stamp})`);
}

const battle = `INSERT INTO battles (arena_id, session_id, turn, model_a, model_b, reply_a, reply_b, a_position, winner, chosen, judge, prompt_version, source, created_at)
  VALUES (1, 1, 1, 'alpha', 'beta', 'x', 'y', 'A', 'model_a', 'model_a', 'j', '2', 'llm', ${stamp})`;

describe('014 arena change counters', () => {
  it('upgrades a database migrated up to 013, starting the arena counter at 0', () => {
    const file = tempDbPath();
    const raw = new Database(file);
    raw.pragma('foreign_keys = ON');
    migrate(raw, migrations.filter((m) => m.version <= 13));
    seed(raw);
    raw.close();
    const db = openDatabase(file);
    expect(db.prepare('SELECT name FROM schema_migrations WHERE version = 14').get()).toEqual({ name: 'arena_change_counters' });
    expect(arenaCounter(db)).toBe(0);
    db.prepare(`UPDATE arena_sessions SET status = 'running'`).run();
    expect(arenaCounter(db)).toBe(1);
    db.close();
  });

  it("counts counselors, runs and session states, and leaves the executor's per-call and per-turn writes alone", () => {
    const db = openDatabase(tempDbPath());
    const triggers = (table: string) =>
      (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND name LIKE '%_counts_%'").all(table) as { sql: string }[]).map((t) => /AFTER (.+?) ON/.exec(t.sql)![1]).sort();
    for (const { table, writes } of arenaCountedWrites) expect(triggers(table)).toEqual([...writes].sort());
    for (const hot of ['battles', 'arena_messages', 'arena_calls']) expect(triggers(hot)).toEqual([]);

    seed(db);
    expect(arenaCounter(db)).toBe(3); // a counselor, a run, a session
    // A turn as the executor saves it: no counter moves (the watcher reads the newest battle instead).
    db.exec(`UPDATE arena_runs SET calls = calls + 1, prompt_tokens = prompt_tokens + 10, cost = cost + 0.1, updated_at = 'y' WHERE id = 1`);
    db.exec(`INSERT INTO arena_calls (arena_id, session_id, turn, role, side, pass, attempt, content, accepted, latency_ms, created_at) VALUES (1, 1, 1, 'judge', '', 1, 1, 'A', 1, 5, ${stamp})`);
    db.exec(`INSERT INTO arena_messages (session_id, idx, role, counselor, content, created_at) VALUES (1, 1, 'counselor', 'alpha', 'x', ${stamp})`);
    db.exec(battle);
    db.exec(`UPDATE arena_sessions SET turns = 1 WHERE id = 1`);
    expect(arenaCounter(db)).toBe(3);
    // A session ending, a counselor changed, a run removed (cascading to its session) do.
    db.exec(`UPDATE arena_sessions SET status = 'ended', end_reason = 'phrase' WHERE id = 1`);
    expect(arenaCounter(db)).toBe(4);
    db.exec(`UPDATE counselors SET temperature = 0.7`);
    expect(arenaCounter(db)).toBe(5);
    db.exec(`DELETE FROM arena_runs WHERE id = 1`);
    expect(arenaCounter(db)).toBe(7);
    db.close();
  });
});

describe('the app follows the arena written by another connection', () => {
  const open: AppContext[] = [];
  afterEach(() => {
    for (const ctx of open.splice(0)) ctx.close();
  });

  it("announces 'arena:changed': counted for a new counselor or run, progress only for a new battle", () => {
    const dbPath = tempDbPath();
    const app = createAppContext({ dbPath });
    const cli = createAppContext({ dbPath });
    open.push(app, cli);
    const heard: DataChangedEvent[] = [];
    app.events.on('arena:changed', (change) => heard.push(change));
    const watcher = new ChangeWatcher(app.db, app.events);
    const look = () => {
      heard.length = 0;
      watcher.check();
      return [...heard];
    };
    expect(look()).toEqual([]);
    seed(cli.db);
    expect(look()).toEqual([{ onlyProgress: false }]);
    cli.db.exec(battle);
    expect(look()).toEqual([{ onlyProgress: true }]);
    expect(look()).toEqual([]);
  });
});
