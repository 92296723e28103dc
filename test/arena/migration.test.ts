import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/storage/database';
import { migrate } from '../../src-main/storage/migrate';
import { migrations } from '../../src-main/storage/migrations';
import { tempDbPath } from '../support/temp';

// 012 arena: counselors, arena runs, sessions, messages, calls and battles, on a real file.

const stamp = "'2026-01-01T00:00:00.000Z'";

function seeded() {
  const db = openDatabase(tempDbPath());
  db.exec(`INSERT INTO endpoints (name, base_url, model, created_at, updated_at) VALUES ('local', 'http://127.0.0.1/v1', 'm', 'x', 'x')`);
  db.exec(`INSERT INTO arena_runs (title, language, config, app_version, session_count, created_at, updated_at) VALUES ('t', 'zh', '{}', '0', 1, ${stamp}, ${stamp})`);
  db.exec(`INSERT INTO arena_sessions (arena_id, seq, card_id, card_text, counselor_a, counselor_b, created_at, updated_at) VALUES (1, 1, 1, '性别：女', 'a', 'b', ${stamp}, ${stamp})`);
  return db;
}

const battle = (winner: string | null, failure: string | null, source = 'llm', annotator = '') =>
  `INSERT INTO battles (arena_id, session_id, turn, model_a, model_b, reply_a, reply_b, a_position, winner, chosen, judge, prompt_version, failure, source, annotator, created_at)
   VALUES (1, 1, 1, 'a', 'b', 'x', 'y', 'A', ${winner === null ? 'NULL' : `'${winner}'`}, NULL, 'j', '2', ${failure === null ? 'NULL' : `'${failure}'`}, '${source}', '${annotator}', ${stamp})`;

describe('012 arena', () => {
  it('upgrades a database migrated up to the previous migration', () => {
    const file = tempDbPath();
    const raw = new Database(file);
    raw.pragma('foreign_keys = ON');
    migrate(raw, migrations.filter((m) => m.version < 12));
    raw.close();
    const db = openDatabase(file);
    expect(db.prepare('SELECT name FROM schema_migrations WHERE version = 12').get()).toEqual({ name: 'arena' });
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('counselors','arena_runs','arena_sessions','arena_messages','arena_calls','battles') ORDER BY name`).all();
    expect(tables).toHaveLength(6);
    db.close();
  });

  it('keeps a battle\'s verdict and failure exclusive, its winner in Chatbot Arena\'s four values, one per turn and source and annotator', () => {
    const db = seeded();
    expect(() => db.exec(battle('model_c', null))).toThrow(/CHECK constraint failed/);
    expect(() => db.exec(battle(null, null))).toThrow(/CHECK constraint failed/);
    expect(() => db.exec(battle('model_a', 'unreadable'))).toThrow(/CHECK constraint failed/);
    db.exec(battle('tie (bothbad)', null));
    expect(() => db.exec(battle('model_a', null))).toThrow(/UNIQUE/);
    db.exec(battle('model_b', null, 'human', 'ann1'));
    db.exec(battle('tie', null, 'human', 'ann2'));
    expect(db.prepare('SELECT count(*) AS n FROM battles').get()).toEqual({ n: 3 });
    db.close();
  });

  it('stores a completed call once, messages in client/counselor parity, and a pair of two different counselors', () => {
    const db = seeded();
    const call = `INSERT INTO arena_calls (arena_id, session_id, turn, role, side, pass, attempt, content, accepted, rejection, latency_ms, created_at)
      VALUES (1, 1, 1, 'counselor', 'a', 1, 1, 'x', 1, NULL, 5, ${stamp})`;
    db.exec(call);
    expect(() => db.exec(call)).toThrow(/UNIQUE/);
    expect(() => db.exec(`INSERT INTO arena_messages (session_id, idx, role, counselor, content, created_at) VALUES (1, 1, 'client', NULL, 'x', ${stamp})`)).toThrow(/CHECK/);
    expect(() => db.exec(`INSERT INTO arena_messages (session_id, idx, role, counselor, content, created_at) VALUES (1, 1, 'counselor', NULL, 'x', ${stamp})`)).toThrow(/CHECK/);
    expect(() => db.exec(`INSERT INTO arena_sessions (arena_id, seq, card_text, counselor_a, counselor_b, created_at, updated_at) VALUES (1, 2, 'x', 'a', 'a', ${stamp}, ${stamp})`)).toThrow(/CHECK/);
    // Removing the run removes everything of it.
    db.exec('DELETE FROM arena_runs');
    expect(db.prepare('SELECT (SELECT count(*) FROM arena_sessions) + (SELECT count(*) FROM arena_calls) AS n').get()).toEqual({ n: 0 });
    db.close();
  });

  it('removes an endpoint\'s counselors with it, and a custom prompt needs its text', () => {
    const db = seeded();
    const add = (name: string, promptName: string, prompt: string | null) =>
      db.prepare(`INSERT INTO counselors (name, endpoint_id, prompt_name, prompt, created_at, updated_at) VALUES (?, 1, ?, ?, 'x', 'x')`).run(name, promptName, prompt);
    add('a', 'default', null);
    expect(() => add('b', 'custom', null)).toThrow(/CHECK/);
    expect(() => add('a', 'released', null)).toThrow(/UNIQUE/);
    db.exec('DELETE FROM endpoints');
    expect(db.prepare('SELECT count(*) AS n FROM counselors').get()).toEqual({ n: 0 });
    db.close();
  });

  it('reads an arena\'s battles and its unfinished sessions through their indexes', () => {
    const db = seeded();
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(1) as { detail: string }[]).map((r) => r.detail).join('; ');
    expect(plan(`SELECT model_a FROM battles WHERE arena_id = ? AND winner IS NOT NULL AND source = 'llm' ORDER BY created_at, id`)).toMatch(/USING INDEX battles_by_arena/);
    expect(plan(`SELECT id FROM arena_sessions WHERE arena_id = ? AND status <> 'ended' ORDER BY seq`)).toMatch(/USING (COVERING )?INDEX (arena_sessions_by_status|sqlite_autoindex_arena_sessions_1)/);
    db.close();
  });
});
