import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder removed after the test; tests use real files, never :memory:. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'simpsy-test-'));
  made.push(dir);
  return dir;
}

export const tempDbPath = (): string => join(tempDir(), 'simpsy.db');
