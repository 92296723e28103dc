import type { RoleCardRepository } from './repository';

// The search index's catch-up after a large import: pending cards are added a chunk at a
// time (about a tenth of a second each), yielding between chunks so the app stays responsive.
// Until a card is indexed, searches find it by scanning, so nothing is ever missing.

const running = new WeakSet<RoleCardRepository>();

/** Starts catching up in the background unless already running or nothing is pending. */
export function scheduleIndexing(repo: RoleCardRepository, chunk = 500): void {
  if (running.has(repo) || !repo.isOpen() || repo.pendingCount() === 0) return;
  running.add(repo);
  const step = () => {
    try {
      if (repo.isOpen() && repo.indexPending(chunk) > 0) {
        setTimeout(step, 0).unref();
        return;
      }
    } catch {
      // Another process may hold the write lock; the next list request starts again.
    }
    running.delete(repo);
  };
  setTimeout(step, 0).unref();
}

/**
 * Indexes everything pending now (the CLI, before it exits), in chunks of 500 cards: each is
 * a short write transaction (about a second on a busy machine), so another process writing
 * to the same database (a simulation saving turns) gets its turn between chunks.
 */
export function indexAll(repo: RoleCardRepository, chunk = 500): number {
  let total = 0;
  for (let n = repo.indexPending(chunk); n > 0; n = repo.indexPending(chunk)) total += n;
  return total;
}
