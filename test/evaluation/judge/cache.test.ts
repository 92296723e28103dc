import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { JudgeCache, requestKey } from '../../../src-main/evaluation/judge/cache';
import { openDatabase } from '../../../src-main/storage/database';
import { migrate } from '../../../src-main/storage/migrate';
import { migrations } from '../../../src-main/storage/migrations';
import { tempDbPath } from '../../support/temp';

// Migration 010 on a real file, and what makes two judge requests the same one.

const params = { baseUrl: 'http://127.0.0.1:1/v1', model: 'qwen', temperature: 0.7, topP: null, maxTokens: null };
const messages = [{ role: 'user' as const, content: '问卷题目：…' }];

describe('the judge cache (migration 010)', () => {
  it('adds eval_judge_calls to a database at the previous schema, and keeps the first answer to a key', () => {
    const file = tempDbPath();
    const raw = new Database(file);
    migrate(raw, migrations.filter((m) => m.version < 10));
    expect(migrate(raw, migrations)).toContain(10);
    raw.close();
    const db = openDatabase(file);
    try {
      const cache = new JudgeCache(db);
      const key = requestKey(params, messages, 1, 1);
      expect(cache.get(key)).toBeNull();
      cache.put(key, params, 1, 1, { reply: 'Score: 6', usage: { promptTokens: 120, completionTokens: 3 }, cost: 0.0002 }, { ok: true, value: 6 });
      cache.put(key, params, 1, 1, { reply: 'Score: 2', usage: { promptTokens: 1, completionTokens: 1 }, cost: 0 }, { ok: true, value: 2 });
      expect(cache.get(key)).toEqual({ reply: 'Score: 6', usage: { promptTokens: 120, completionTokens: 3 }, cost: 0.0002 });
      expect(db.prepare('SELECT parsed FROM eval_judge_calls').get()).toEqual({ parsed: '{"ok":true,"value":6}' });
      expect(() => db.prepare(`INSERT INTO eval_judge_calls (key, base_url, model, round, attempt, reply, parsed, cost, created_at) VALUES ('short', 'u', 'm', 1, 1, 'r', '{}', 0, 'x')`).run()).toThrow(/CHECK/);
    } finally {
      db.close();
    }
  });

  it('keys a request by base URL, model, parameters, prompt, round and attempt', () => {
    const key = requestKey(params, messages, 1, 1);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(requestKey({ ...params, baseUrl: 'http://127.0.0.1:1/v1/' }, messages, 1, 1)).toBe(key); // a trailing slash is the same endpoint
    const others = [
      requestKey({ ...params, baseUrl: 'http://127.0.0.1:2/v1' }, messages, 1, 1),
      requestKey({ ...params, model: 'qwen2' }, messages, 1, 1),
      requestKey({ ...params, temperature: 0 }, messages, 1, 1),
      requestKey({ ...params, maxTokens: 16 }, messages, 1, 1),
      requestKey(params, [{ role: 'user', content: '问卷题目：… ' }], 1, 1),
      requestKey(params, messages, 2, 1),
      requestKey(params, messages, 1, 2),
    ];
    expect(new Set([key, ...others]).size).toBe(8);
  });
});
