import { createHash } from 'node:crypto';

// A file's integrity seal: SHA-256 of its content as canonical JSON (keys sorted at every
// level), written into the file beside that content. Any change to the content (an edited
// verdict, a removed item, a file cut short and patched up) no longer matches the seal.
// Not a signature: it catches damage and casual edits, not a forger who recomputes it.

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const sealOf = (content: unknown): string => `sha256:${createHash('sha256').update(canonical(content)).digest('hex')}`;

/** A small seed from text (the per-annotator order of an item): the first 48 bits of its SHA-256. */
export const seedOf = (text: string): number => Number.parseInt(createHash('sha256').update(text).digest('hex').slice(0, 12), 16);
