import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/storage/database';
import { migrate } from '../../src-main/storage/migrate';
import { migrations } from '../../src-main/storage/migrations';
import { tempDbPath } from '../support/temp';

const insert = `INSERT INTO role_cards (split, language, gender, gender_key, age, education, occupation, marital_status,
  family_relationships, openness, conscientiousness, extraversion, agreeableness, neuroticism, resistance,
  chief_complaint, complaint_key, content_hash, created_at, updated_at)
  VALUES (@split, 'zh', '女', 'female', @age, '本科', '学生', '单身', '和睦', @openness, 'high', 'low', 'moderate', 'high', 'moderate',
  @complaint, 'k', 'h', 'x', 'x')`;
const row = { split: 'pool', age: 20, openness: 'moderate', complaint: '我最近总是睡不着' };

describe('002 role cards', () => {
  it('upgrades a database that has only the foundation', () => {
    const file = tempDbPath();
    const raw = new Database(file);
    migrate(raw, migrations.slice(0, 1));
    raw.close();
    const db = openDatabase(file);
    expect(db.prepare("SELECT name FROM schema_migrations WHERE version = 2").get()).toEqual({ name: 'role_cards' });
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name LIKE 'role_card%'").get()).toMatchObject({ n: expect.any(Number) });
    db.prepare(insert).run(row);
    db.close();
  });

  it('creates strict tables whose checks refuse impossible values', () => {
    // The schema as 002 made it (005 later changes the age and level columns).
    const db = new Database(tempDbPath());
    migrate(db, migrations.slice(0, 4));
    const bad: [Partial<typeof row>, RegExp][] = [
      [{ age: 'twenty' as unknown as number }, /cannot store TEXT value in INTEGER column/],
      [{ age: 0 }, /CHECK constraint failed/],
      [{ split: 'train' }, /CHECK constraint failed/],
      [{ openness: 'medium' }, /CHECK constraint failed/],
      [{ complaint: '' }, /CHECK constraint failed/],
    ];
    for (const [change, error] of bad) expect(() => db.prepare(insert).run({ ...row, ...change })).toThrow(error);
    db.close();
  });

  it('keeps tags, revisions and the search index in step with the cards', () => {
    const db = new Database(tempDbPath());
    db.pragma('foreign_keys = ON');
    migrate(db, migrations.slice(0, 4));
    // New cards are indexed by the repository (or listed as pending); edits and deletes by triggers.
    const id = Number(db.prepare(insert).run(row).lastInsertRowid);
    db.prepare('INSERT INTO role_card_fts_pending (card_id) VALUES (?)').run(id);
    db.prepare("INSERT INTO role_card_tags (card_id, tag) VALUES (?, 'a')").run(id);
    db.prepare("INSERT INTO role_card_revisions (card_id, snapshot, reason, created_at) VALUES (?, '{}', 'r', 'x')").run(id);
    const found = (q: string) => db.prepare('SELECT rowid FROM role_card_fts WHERE role_card_fts MATCH ?').all(q);
    expect(found('"睡不着"')).toEqual([]);
    // An edit that leaves the texts alone does not touch the index; one that changes them indexes the card.
    db.prepare("UPDATE role_cards SET split = 'test' WHERE id = ?").run(id);
    expect(db.prepare('SELECT count(*) AS n FROM role_card_fts_pending').get()).toEqual({ n: 1 });
    db.prepare("UPDATE role_cards SET chief_complaint = '工作压力很大' WHERE id = ?").run(id);
    expect(db.prepare('SELECT count(*) AS n FROM role_card_fts_pending').get()).toEqual({ n: 0 });
    expect(found('"睡不着"')).toEqual([]);
    expect(found('"压力很"')).toEqual([{ rowid: id }]);
    // A tag for a card that does not exist is refused: foreign keys are on.
    expect(() => db.prepare("INSERT INTO role_card_tags (card_id, tag) VALUES (999, 'a')").run()).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM role_cards WHERE id = ?').run(id);
    for (const t of ['role_card_tags', 'role_card_revisions', 'role_card_fts_pending']) expect(db.prepare(`SELECT count(*) AS n FROM ${t}`).get()).toEqual({ n: 0 });
    expect(found('"压力很"')).toEqual([]);
    db.close();
  });
});
