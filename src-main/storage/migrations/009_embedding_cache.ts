import type { Migration } from '../migration';

// Embeddings already computed, so that evaluating semantic consistency (Eq. 2) again, or on
// a dataset sharing cards or sessions with an earlier one, calls the embeddings endpoint for
// nothing it has answered before (evaluation/embedding-cache.ts).
//
// - embedding_cache: one vector per (endpoint, model, text). The endpoint is its base URL
//   (what serves the vectors: two saved endpoints on one server share them; renaming one
//   changes nothing), the text its SHA-256 (hex) as sent, after truncation. `vector` holds
//   `dims` little-endian float32 values, as the server sent them (base64) or rounded to
//   float32 (JSON floats): the bytes cosine is computed from. Only checked vectors are
//   written (finite, not all zero).
export const m009EmbeddingCache: Migration = {
  version: 9,
  name: 'embedding_cache',
  up(db) {
    db.exec(`
      CREATE TABLE embedding_cache (
        base_url    TEXT NOT NULL,
        model       TEXT NOT NULL,
        text_sha256 TEXT NOT NULL,
        dims        INTEGER NOT NULL CHECK (dims > 0),
        vector      BLOB NOT NULL CHECK (length(vector) = 4 * dims),
        created_at  TEXT NOT NULL,
        PRIMARY KEY (base_url, model, text_sha256)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
