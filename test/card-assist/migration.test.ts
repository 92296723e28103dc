import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/storage/database';
import { migrate } from '../../src-main/storage/migrate';
import { migrations } from '../../src-main/storage/migrations';
import { tempDbPath } from '../support/temp';

// 004 card_assist: prompt overrides and trial-chat transcripts.

const card = `INSERT INTO role_cards (split, language, gender, gender_key, age, education, occupation, marital_status,
  family_relationships, openness, conscientiousness, extraversion, agreeableness, neuroticism, resistance,
  chief_complaint, complaint_key, content_hash, created_at, updated_at)
  VALUES ('pool', 'zh', '女', 'female', 20, '本科', '学生', '单身', '和睦', 'moderate', 'high', 'low', 'moderate', 'high', 'moderate',
  '我最近总是睡不着', 'k', 'h', 'x', 'x')`;
const endpoint = `INSERT INTO endpoints (name, base_url, model, created_at, updated_at) VALUES ('local', 'http://127.0.0.1/v1', 'm', 'x', 'x')`;
const chat = `INSERT INTO card_chats (card_id, endpoint_id, endpoint_name, messages, note, card_text, created_at)
  VALUES (@card, @endpoint, 'local', @messages, NULL, '性别：女', 'x')`;
const override = 'INSERT INTO prompt_overrides (kind, language, template, updated_at) VALUES (?, ?, ?, ?)';

describe('004 card assist', () => {
  it('upgrades a database migrated up to 003', () => {
    const file = tempDbPath();
    const raw = new Database(file);
    raw.pragma('foreign_keys = ON');
    migrate(raw, migrations.slice(0, 3));
    expect(raw.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('prompt_overrides', 'card_chats')").get()).toEqual({ n: 0 });
    raw.close();
    const db = openDatabase(file);
    expect(db.prepare('SELECT name FROM schema_migrations WHERE version = 4').get()).toEqual({ name: 'card_assist' });
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('prompt_overrides', 'card_chats')").get()).toEqual({ n: 2 });
    db.close();
  });

  it('keeps one override per kind and language, and refuses unknown kinds, languages and empty text', () => {
    const db = openDatabase(tempDbPath());
    db.prepare(override).run('client', 'zh', '{role_card}', 'x');
    expect(() => db.prepare(override).run('client', 'zh', '{role_card}!', 'x')).toThrow(/UNIQUE|PRIMARY KEY/);
    db.prepare(override).run('client', 'en', '{role_card}', 'x');
    expect(() => db.prepare(override).run('judge', 'zh', 't', 'x')).toThrow(/CHECK constraint failed/);
    expect(() => db.prepare(override).run('drafting', 'fr', 't', 'x')).toThrow(/CHECK constraint failed/);
    expect(() => db.prepare(override).run('counselor', 'zh', '', 'x')).toThrow(/CHECK constraint failed/);
    db.close();
  });

  it('ties transcripts to their card (deleted with it) and lets the endpoint go', () => {
    const db = openDatabase(tempDbPath());
    const cardId = Number(db.prepare(card).run().lastInsertRowid);
    const endpointId = Number(db.prepare(endpoint).run().lastInsertRowid);
    const messages = JSON.stringify([{ role: 'client', content: '你好' }]);
    db.prepare(chat).run({ card: cardId, endpoint: endpointId, messages });
    expect(() => db.prepare(chat).run({ card: 999, endpoint: endpointId, messages })).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare(chat).run({ card: cardId, endpoint: endpointId, messages: 'not json' })).toThrow(/CHECK constraint failed/);
    expect(() => db.prepare(chat).run({ card: cardId, endpoint: endpointId, messages: '{"a":1}' })).toThrow(/CHECK constraint failed/);

    db.prepare('DELETE FROM endpoints WHERE id = ?').run(endpointId);
    expect(db.prepare('SELECT endpoint_id, endpoint_name FROM card_chats').get()).toEqual({ endpoint_id: null, endpoint_name: 'local' });
    db.prepare('DELETE FROM role_cards WHERE id = ?').run(cardId);
    expect(db.prepare('SELECT count(*) AS n FROM card_chats').get()).toEqual({ n: 0 });
    db.close();
  });
});
