import type { RoleCardRepository } from './repository';

// The search index's catch-up after a large import: pending cards are added a chunk at a
// time, each chunk one short write transaction, yielding between chunks so the app stays
// responsive. Until a card is indexed, searches find it by scanning, so nothing is ever missing.

/**
 * How long one background chunk should hold the thread. Trigram-indexing a card takes a
 * fraction of a millisecond on a quiet machine and several on a busy one, so the chunk size
 * follows what the last chunk took.
 */
const CHUNK_TARGET_MS = 15;
const MIN_CHUNK = 10;
const MAX_CHUNK = 500;

const running = new WeakMap<RoleCardRepository, Promise<void>>();

/** Starts catching up in the background unless already running or nothing is pending. */
export function scheduleIndexing(repo: RoleCardRepository, firstChunk = 50): void {
  if (running.has(repo) || !repo.isOpen() || repo.pendingCount() === 0) return;
  let chunk = firstChunk;
  const done = new Promise<void>((resolve) => {
    const step = () => {
      try {
        if (repo.isOpen()) {
          const started = performance.now();
          const indexed = repo.indexPending(chunk);
          const took = performance.now() - started;
          if (indexed > 0) {
            if (indexed === chunk) chunk = Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, Math.round((chunk * CHUNK_TARGET_MS) / Math.max(took, 1))));
            setTimeout(step, 0).unref();
            return;
          }
        }
      } catch {
        // Another process may hold the write lock; the next list request starts again.
      }
      running.delete(repo);
      resolve();
    };
    setTimeout(step, 0).unref();
  });
  running.set(repo, done);
}

/** Resolves when the background catch-up of `repo` has ended (at once if none runs). */
export const indexing = (repo: RoleCardRepository): Promise<void> => running.get(repo) ?? Promise.resolve();

/**
 * Indexes everything pending now (the CLI, before it exits; a worker thread, see
 * index-task.ts), in chunks: each is a short write transaction (about a second on a busy
 * machine at 500 cards), so another connection writing to the same database (a simulation
 * saving turns, the window) gets its turn between chunks. `afterChunk` may throw to stop.
 */
export function indexAll(repo: RoleCardRepository, chunk = MAX_CHUNK, afterChunk: (indexed: number) => void = () => undefined): number {
  let total = 0;
  for (let n = repo.indexPending(chunk); n > 0; n = repo.indexPending(chunk)) {
    total += n;
    afterChunk(total);
  }
  return total;
}
