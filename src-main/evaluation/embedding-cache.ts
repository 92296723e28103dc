import { createHash } from 'node:crypto';
import { now } from '../common/time';
import type { Db } from '../storage/database';
import { prepared } from '../storage/statements';
import { writeTransaction } from '../storage/transaction';

// Embeddings kept in the database (table embedding_cache, migration 009), keyed by the
// endpoint's base URL, the model and the SHA-256 of the exact text sent. A vector is stored
// as its float32 bytes, so what is read back is bit for bit what was first received.

export const textHash = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The base URL as an identity: `http://h/v1/` and `http://h/v1` are one endpoint. */
const endpointKey = (baseUrl: string): string => baseUrl.trim().replace(/\/+$/, '');

const toBlob = (v: Float32Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
// Copied out: a Buffer's bytes may sit at an offset a Float32Array cannot start at.
const fromBlob = (b: Buffer): Float32Array => new Float32Array(new Uint8Array(b).buffer);

export class EmbeddingCache {
  private readonly key: string;

  constructor(
    private readonly db: Db,
    baseUrl: string,
    private readonly model: string,
  ) {
    this.key = endpointKey(baseUrl);
  }

  /** The stored vectors among these hashes. */
  get(hashes: readonly string[]): Map<string, Float32Array> {
    const found = new Map<string, Float32Array>();
    const read = prepared(this.db, 'SELECT vector FROM embedding_cache WHERE base_url = ? AND model = ? AND text_sha256 = ?');
    for (const hash of hashes) {
      const row = read.get(this.key, this.model, hash) as { vector: Buffer } | undefined;
      if (row) found.set(hash, fromBlob(row.vector));
    }
    return found;
  }

  /** Stores checked vectors, all in one transaction. */
  put(entries: readonly { hash: string; vector: Float32Array }[]): void {
    if (entries.length === 0) return;
    const stamp = now();
    writeTransaction(this.db, () => {
      const write = prepared(
        this.db,
        'INSERT OR REPLACE INTO embedding_cache (base_url, model, text_sha256, dims, vector, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      );
      for (const e of entries) write.run(this.key, this.model, e.hash, e.vector.length, toBlob(e.vector), stamp);
    });
  }
}
