import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCards } from '../role-cards/support';
import { simpsy } from '../support/cli';
import { tempDbPath } from '../support/temp';

// What the built `simpsy` prints at the edges: a reader that stops early, and empty lists.

const bin = join(__dirname, '../../bin/simpsy.cjs');

/** Runs a shell pipeline with bash; PIPESTATUS tells each side's exit status. */
function pipeline(script: string): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

// One database for the whole file (tempDir() folders go after each test).
const shared = mkdtempSync(join(tmpdir(), 'simpsy-output-'));
const db = join(shared, 'simpsy.db');
afterAll(() => rmSync(shared, { recursive: true, force: true }));
beforeAll(async () => {
  // Enough cards that the listing is far larger than a pipe's buffer (64 KiB).
  const file = join(shared, 'cards.jsonl');
  writeFileSync(file, syntheticCards(3000).map((c) => JSON.stringify(c)).join('\n'));
  expect(await simpsy(['--db', db, 'cards', 'import', file])).toMatchObject({ code: 0 });
}, 120_000);

describe('a closed pipe', () => {
  for (const args of ['cards list', 'cards list --json']) {
    it(`ends \`simpsy ${args} | head -1\` quietly with exit 0`, () => {
      const r = pipeline(`node '${bin}' --db '${db}' ${args} | head -1; echo "simpsy exit \${PIPESTATUS[0]}" >&2`);
      // Exactly the first line: the header (its column widths follow the data).
      if (args.endsWith('--json')) expect(r.stdout).toBe('[\n');
      else expect(r.stdout).toMatch(/^ID +SPLIT +GENDER +AGE +OCCUPATION +COMPLAINT\n$/);
      expect(r.stderr).toBe('simpsy exit 0\n');
    });
  }
});

describe('empty lists say why', () => {
  it('cards list: "no card matches" when a search or split finds nothing, "import some" only for an empty pool', async () => {
    const none = await simpsy(['--db', db, 'cards', 'list', '--search', '这句话不会出现在任何卡片里']);
    expect(none).toMatchObject({ code: 0, stdout: 'No card matches (3000 cards in all).\n' });
    const fresh = tempDbPath();
    expect(await simpsy(['--db', fresh, 'cards', 'list'])).toMatchObject({ code: 0, stdout: 'No cards yet. Import some: simpsy cards import PATH\n' });
    expect(await simpsy(['--db', fresh, 'cards', 'list', '--split', 'test'])).toMatchObject({ stdout: 'No cards yet. Import some: simpsy cards import PATH\n' });
  });

  it('dialogues list: "no dialogue matches" when a query finds nothing, "run a simulation or import" when there are none', async () => {
    const fresh = tempDbPath();
    expect(await simpsy(['--db', fresh, 'dialogues', 'list'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^No dialogues yet\. Run a simulation \(simpsy simulate\) or import some: simpsy dialogues import PATH\n$/) });
    const fixture = join(__dirname, '../../../shared/fixtures/paper-format/dialogue');
    expect(await simpsy(['--db', fresh, 'dialogues', 'import', fixture])).toMatchObject({ code: 0 });
    expect(await simpsy(['--db', fresh, 'dialogues', 'list', '--query', '这句话不会出现在任何对话里'])).toMatchObject({ code: 0, stdout: 'No dialogue matches (1 in all).\n' });
  });
});
