/** Timestamps are stored as ISO-8601 UTC text so they sort and read the same everywhere. */
export const now = (): string => new Date().toISOString();
