import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelRating } from '../../src-main/ratings/ratings';
import { simpsy } from '../support/cli';
import { tempDbPath, tempDir } from '../support/temp';
import { byName, near } from './support';

// The built `simpsy ratings --battles` as a user runs it: a real process, the built worker
// thread (1,000 rounds over 300 battles go to it), on the fixture whose reference values
// reference.test.ts holds.

const fixture = join(__dirname, '../fixtures/ratings/battles-300.jsonl');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const lastLine = (stdout: string) => JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as Record<string, any>;

describe('simpsy ratings --battles', () => {
  it('prints a table and, as the last line, the ratings with intervals equal to the reference', async () => {
    const db = tempDbPath();
    const run = await simpsy(['--db', db, 'ratings', '--battles', fixture, '--json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const r = lastLine(run.stdout);
    expect(r).toMatchObject({ battles: 300, bootstrap: 1000, seed: 42 });
    expect(r.models.map((m: { name: string }) => m.name)).toEqual(['simpsybot_D', 'simpsybot_Q', 'gpt-4o', '心理咨询师-7B', 'baseline']);
    // Python reference (test/ratings/reference/fastchat_reference.py, see reference.test.ts).
    near(byName(r.models as ModelRating[], 'simpsybot_D').elo, 1068.977303020518);
    near(byName(r.models as ModelRating[], 'baseline').elo, 959.436065937395);
    near(byName(r.models as ModelRating[], 'simpsybot_D').bt, 1120.6898480318637);
    near(byName(r.models as ModelRating[], '心理咨询师-7B').bt, 957.059323373753);
    for (const m of r.models) {
      expect(Object.keys(m)).toEqual(expect.arrayContaining(['name', 'elo', 'eloCi', 'bt', 'btCi', 'battles', 'wins', 'ties']));
      expect(m.btCi[0]).toBeLessThan(m.bt);
      expect(m.btCi[1]).toBeGreaterThan(m.bt);
    }
    expect(byName(r.models as ModelRating[], 'simpsybot_D')).toMatchObject({ eloRank: 1, btRank: 1 });
    expect(r.battleCounts.flat().reduce((a: number, b: number) => a + b, 0)).toBe(600);
    expect(run.stdout).toMatch(/300 battles from .*battles-300\.jsonl; 95% intervals from 1000 bootstrap rounds \(seed 42\)/);
    expect(run.stdout).toMatch(/^counselor\s+Elo\s+Elo 95%\s+rank\s+BT/m);
    expect(run.stdout).toMatch(/^simpsybot_D\s+1069\.0\s+\d+\.\d…\d+\.\d\s+1\s+1120\.7/m);

    // The same seed gives the same intervals; another seed, others.
    const again = await simpsy(['--db', db, 'ratings', '--battles', fixture, '--json']);
    expect(lastLine(again.stdout)).toEqual(r);
    const other = lastLine((await simpsy(['--db', db, 'ratings', '--battles', fixture, '--seed', '7', '--bootstrap', '300', '--json'])).stdout);
    expect(other.models[0].eloCi).not.toEqual(r.models[0].eloCi);
    expect(other.models[0].elo).toBe(r.models[0].elo);
  });

  it('refuses a bad battles file, a missing one and a bad flag, naming what to fix', async () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"model_a": "A", "model_b": "B", "winner": "model_a"}\n{"model_a": "A", "model_b": "B", "winner": "C"}\n');
    const db = tempDbPath();
    const cases: [string[], RegExp][] = [
      [['--battles', bad], /^simpsy: .*bad\.jsonl, line 2: field 'winner' is "C"; it must be one of "model_a", "model_b", "tie", "tie \(bothbad\)"/],
      [['--battles', join(dir, 'none.jsonl')], /^simpsy: No battles file at .*none\.jsonl; check the path\./],
      [['--battles', fixture, '--bootstrap', 'many'], /^simpsy: --bootstrap must be a whole number from 0 to 100000, got 'many'\./],
      [[], /^simpsy: Say which battles to rate: --battles FILE/],
    ];
    for (const [args, message] of cases) {
      const run = await simpsy(['--db', db, 'ratings', ...args]);
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stderr).toMatch(message);
      expect(run.stdout).toBe('');
    }
  });
});
