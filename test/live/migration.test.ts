import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/storage/database';
import { migrate } from '../../src-main/storage/migrate';
import { migrations } from '../../src-main/storage/migrations';
import { countedWrites } from '../../src-main/storage/migrations/007_change_counters';
import { tempDbPath } from '../support/temp';

// 007 change_counters: one counter per domain, bumped by triggers on the domain's tables.

const counters = (db: Database.Database) =>
  Object.fromEntries((db.prepare('SELECT domain, version FROM change_counters').all() as { domain: string; version: number }[]).map((r) => [r.domain, r.version]));

const endpoint = "INSERT INTO endpoints (name, base_url, model, created_at, updated_at) VALUES (?, 'http://127.0.0.1/v1', 'm', 'x', 'x')";
const run = "INSERT INTO sim_runs (kind, language, app_version, created_at, updated_at) VALUES ('import', 'zh', 't', 'x', 'x')";
const session = "INSERT INTO sim_sessions (run_id, seq, created_at, updated_at) VALUES (?, ?, 'x', 'x')";
const message = "INSERT INTO sim_messages (session_id, idx, role, content, created_at) VALUES (?, ?, ?, '你好', 'x')";

describe('007 change counters', () => {
  it('upgrades a database migrated up to 004, starting every counter at 0', () => {
    const file = tempDbPath();
    const raw = new Database(file);
    migrate(raw, migrations.filter((m) => m.version <= 4));
    raw.prepare(endpoint).run('before');
    raw.close();
    const db = openDatabase(file);
    expect(db.prepare('SELECT name FROM schema_migrations WHERE version = 7').get()).toEqual({ name: 'change_counters' });
    expect(counters(db)).toEqual({ cards: 0, dialogues: 0, runs: 0, jobs: 0, endpoints: 0, arena: 0 });
    db.close();
  });

  it("counts the writes it lists, and leaves the engine's per-turn updates and sim_messages alone", () => {
    const db = openDatabase(tempDbPath());
    const triggers = (table: string) =>
      (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND name LIKE '%_counts_%' ORDER BY name").all(table) as { sql: string }[]).map((t) =>
        /AFTER (.+?) ON/.exec(t.sql)![1],
      );
    for (const { table, writes } of countedWrites) expect(triggers(table).sort()).toEqual([...writes].sort());
    expect(triggers('sim_messages')).toEqual([]);
    expect(triggers('sim_calls')).toEqual([]);

    // A turn as the engine saves it: no counter moves (the watcher reads the newest message instead).
    const runId = Number(db.prepare(run).run().lastInsertRowid);
    const sessionId = Number(db.prepare(session).run(runId, 1).lastInsertRowid);
    const before = counters(db);
    db.prepare('UPDATE sim_sessions SET calls = calls + 1, prompt_tokens = prompt_tokens + 10, updated_at = ? WHERE id = ?').run('y', sessionId);
    db.prepare('UPDATE sim_runs SET calls = calls + 1, cost = cost + 0.1, updated_at = ? WHERE id = ?').run('y', runId);
    db.prepare(message).run(sessionId, 0, 'client');
    db.prepare('UPDATE sim_sessions SET message_count = 1, turns = turns + 0 WHERE id = ?').run(sessionId);
    expect(counters(db)).toEqual(before);
    // Its ending does.
    db.prepare("UPDATE sim_sessions SET status = 'ended', end_reason = 'phrase' WHERE id = ?").run(sessionId);
    expect(counters(db).dialogues).toBe(before.dialogues! + 1);
    db.close();
  });

  it('bumps only the counter of the domain written, once per row, and never on a rollback', () => {
    const db = openDatabase(tempDbPath());
    db.prepare(endpoint).run('a');
    db.prepare(endpoint).run('b');
    expect(counters(db)).toMatchObject({ endpoints: 2, cards: 0, dialogues: 0, runs: 0, jobs: 0 });
    db.prepare("UPDATE endpoints SET model = 'n'").run();
    expect(counters(db).endpoints).toBe(4);

    const runId = Number(db.prepare(run).run().lastInsertRowid);
    const sessionId = Number(db.prepare(session).run(runId, 1).lastInsertRowid);
    expect(counters(db)).toMatchObject({ runs: 1, dialogues: 1 });
    db.prepare(message).run(sessionId, 0, 'client'); // the hot table: no trigger of its own
    expect(counters(db)).toMatchObject({ runs: 1, dialogues: 1 });
    db.prepare("INSERT INTO sim_session_tags (session_id, tag) VALUES (?, '重要')").run(sessionId);
    expect(counters(db).dialogues).toBe(2);
    // Deleting the run cascades to its session and the session's tag: each row counts.
    db.prepare('DELETE FROM sim_runs WHERE id = ?').run(runId);
    expect(counters(db)).toMatchObject({ runs: 2, dialogues: 4 });

    expect(() =>
      db.transaction(() => {
        db.prepare(endpoint).run('c');
        throw new Error('rolled back');
      })(),
    ).toThrow('rolled back');
    expect(counters(db).endpoints).toBe(4);
    db.close();
  });
});
