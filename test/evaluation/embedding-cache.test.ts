import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { EmbeddingCache, textHash } from '../../src-main/evaluation/embedding-cache';
import { scoresCsv } from '../../src-main/evaluation/scores-csv';
import { migrate } from '../../src-main/storage/migrate';
import { migrations } from '../../src-main/storage/migrations';
import { tempDbPath } from '../support/temp';

// Migration 009 on a real database file, and the cache over it.

function database(): Database.Database {
  const db = new Database(tempDbPath());
  migrate(db, migrations);
  return db;
}

describe('the embedding cache (migration 009)', () => {
  it('creates the table on a database of 008, which keeps its data', () => {
    const db = new Database(tempDbPath());
    migrate(db, migrations.filter((m) => m.version <= 8));
    db.prepare("INSERT INTO sim_runs (kind, language, app_version, created_at, updated_at) VALUES ('import', 'zh', 't', 'x', 'x')").run();
    migrate(db, migrations);
    expect((db.prepare('SELECT count(*) AS n FROM sim_runs').get() as { n: number }).n).toBe(1);
    const columns = (db.prepare('PRAGMA table_info(embedding_cache)').all() as { name: string; pk: number }[]).map((c) => [c.name, c.pk]);
    expect(columns).toEqual([['base_url', 1], ['model', 2], ['text_sha256', 3], ['dims', 0], ['vector', 0], ['created_at', 0]]);
    // A blob that is not `dims` float32 values cannot be stored.
    expect(() => db.prepare("INSERT INTO embedding_cache VALUES ('u', 'm', 'h', 2, x'0000803f', 'x')").run()).toThrow(/CHECK constraint failed/);
    db.close();
  });

  it('gives back the float32 bits it stored, by base URL, model and text', () => {
    const db = database();
    const cache = new EmbeddingCache(db, 'http://127.0.0.1:9/v1/', 'bge-m3');
    const vector = Float32Array.from([-0, 1e-45, 0.1, -3.4028234663852886e38, 1 / 3]);
    const hash = textHash('我最近总是失眠');
    // sha256 of the UTF-8 bytes, as `printf '%s' 我最近总是失眠 | sha256sum` prints it
    expect(hash).toBe('8f9f1af8b3eaf8fb1a9f0c587265fcb45cc50b61169f4e0b25eb4b59d2a594d7');
    cache.put([{ hash, vector }]);
    const back = new EmbeddingCache(db, 'http://127.0.0.1:9/v1', 'bge-m3').get([hash, textHash('other')]);
    expect([...back.keys()]).toEqual([hash]);
    expect(Buffer.from(back.get(hash)!.buffer).equals(Buffer.from(vector.buffer))).toBe(true);
    expect(new EmbeddingCache(db, 'http://127.0.0.1:9/v1', 'bge-m3-other').get([hash]).size).toBe(0);
    expect(new EmbeddingCache(db, 'http://127.0.0.1:8/v1', 'bge-m3').get([hash]).size).toBe(0);
    db.close();
  });
});

describe('semantic scores as CSV', () => {
  it('writes negative cosines as numbers, guarding only text', () => {
    const csv = scoresCsv([{ dataset: 'a', sessionId: 1, externalId: '-x', values: { runId: 2, mapping: 0.5, random: -0.0625, randomCardOf: 3 } }]);
    expect(csv).toBe("dataset,session_id,run_id,external_id,mapping,random,random_card_of\r\na,1,2,'-x,0.5,-0.0625,3\r\n");
  });
});
