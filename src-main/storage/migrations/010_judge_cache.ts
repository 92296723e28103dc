import type { Migration } from '../migration';

// The answers of evaluation judges (topics, WAI-O-S), kept so an identical request is never
// paid for twice: a resumed or repeated evaluation reads them instead of calling. The key is
// the SHA-256 of the request as sent (endpoint base URL, model, sampling parameters, the full
// prompt) plus the round and the retry attempt, which make deliberately repeated questions
// distinct (src-main/evaluation/judge/cache.ts). Only answers are kept; a failed call is not.
export const m010JudgeCache: Migration = {
  version: 10,
  name: 'judge_cache',
  up(db) {
    db.exec(`
      CREATE TABLE eval_judge_calls (
        key               TEXT PRIMARY KEY CHECK (length(key) = 64),
        base_url          TEXT NOT NULL,
        model             TEXT NOT NULL,
        round             INTEGER NOT NULL CHECK (round >= 1),
        attempt           INTEGER NOT NULL CHECK (attempt >= 1),
        reply             TEXT NOT NULL,
        -- What the parser read from the reply, as JSON (a score, topics, or why it could not).
        parsed            TEXT NOT NULL CHECK (json_valid(parsed)),
        prompt_tokens     INTEGER,
        completion_tokens INTEGER,
        cost              REAL NOT NULL,
        created_at        TEXT NOT NULL
      ) STRICT;
    `);
  },
};
