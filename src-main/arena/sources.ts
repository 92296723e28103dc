import type { RatingSource } from '../contract/arena';

// The one mapping between the user's words for a verdict's source (`judge`, `human`, `all`:
// the CLI's --source, the IPC contract, the window) and what the battles table stores
// (`llm`, `human`). Nothing else spells 'llm' for the user.

export type StoredSource = 'llm' | 'human';

/** The stored source to select, or undefined for every source. */
export function storedSource(source: RatingSource): StoredSource | undefined {
  return source === 'judge' ? 'llm' : source === 'human' ? 'human' : undefined;
}

/** How a stored battle's source is named to the user. */
export function sourceName(stored: StoredSource): Exclude<RatingSource, 'all'> {
  return stored === 'llm' ? 'judge' : 'human';
}
