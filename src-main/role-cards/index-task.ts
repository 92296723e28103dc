import { withOwnConnection, type DatabaseLocation } from '../storage/database';
import type { Task } from '../workers/task';
import { indexAll } from './indexer';
import { RoleCardRepository } from './repository';

// The search index's catch-up after a large import, in a worker thread through its own
// connection: trigram-indexing 10,000 cards is seconds of CPU that, done a chunk at a time
// on the thread that answers the window, still held it up to 100 ms per chunk.

/** Cards per write transaction: short enough that a write from the window waits little. */
const CHUNK = 200;

export const indexTask: Task<DatabaseLocation, Promise<number>> = (database, control) =>
  withOwnConnection(database, {}, (db) => {
    const cards = new RoleCardRepository(db);
    const total = cards.pendingCount();
    return indexAll(cards, CHUNK, (indexed) => {
      control.progress(indexed, total);
      control.checkpoint();
    });
  });
