import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPackage, type PackageFile } from '../../src-main/annotation/package';
import { simpsy } from '../support/cli';
import { tempDir } from '../support/temp';
import { againstTheJudge, annotate, finishedArena, likeTheJudge } from './support';

// `simpsy annotate` through the built CLI, as a researcher runs it: package an arena run for
// two annotators, who annotate with the app's pure module; import their work twice
// (idempotent), a conflicting version, a tampered file, a file for another annotator; then the
// human ratings and the agreement.

const SLOW = 120_000;
const lastJson = (stdout: string) => JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as unknown;

let db: string;
let arenaId: number;
let remove: () => void;
beforeAll(async () => {
  const arena = await finishedArena(3);
  arena.ctx.close();
  ({ dbPath: db, arenaId, remove } = arena);
}, 60_000);
afterAll(() => remove());

describe('simpsy annotate', () => {
  it('packages, imports twice without change, reports a conflict, refuses bad files, and the human ratings and agreement follow', async () => {
    const folder = join(tempDir(), 'packages');
    const made = await simpsy(['--db', db, 'annotate', 'package', folder, '--arena', String(arenaId), '--annotators', '王老师,li', '--per-item', '2', '--seed', '5', '--json']);
    expect(made.stderr).toBe('');
    expect(made).toMatchObject({ code: 0 });
    expect(made.stdout).toMatch(/王老师: \d+ items → .*王老师\.simpsy-package\.json/);
    const { files } = lastJson(made.stdout) as { files: { annotator: string; file: string; items: number }[] };
    expect(readdirSync(folder).sort()).toEqual(['li.simpsy-package.json', '王老师.simpsy-package.json']);
    const again = await simpsy(['--db', db, 'annotate', 'package', folder, '--arena', String(arenaId), '--annotators', '王老师,li', '--per-item', '2', '--seed', '5']);
    expect(again).toMatchObject({ code: 1 });
    expect(again.stderr).toMatch(/exists/);

    const pkg = (name: string): PackageFile => openPackage(readFileSync(files.find((f) => f.annotator === name)!.file, 'utf8'), name, name);
    const work = join(tempDir(), 'work');
    const write = (name: string, content: unknown) => {
      const file = join(work, name);
      writeFileSync(file, JSON.stringify(content));
      return file;
    };
    mkdirSync(work);
    const wang = write('wang.json', annotate(pkg('王老师'), likeTheJudge));
    const li = write('li.json', annotate(pkg('li'), againstTheJudge));

    const first = await simpsy(['--db', db, 'annotate', 'import', wang, li, '--json']);
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toMatch(/wang.json: new, 王老师, revision 1, \d+ verdicts/);
    expect((lastJson(first.stdout) as { status: string }[]).map((r) => r.status)).toEqual(['added', 'added']);
    const ratings = async () => (lastJson((await simpsy(['--db', db, 'ratings', '--arena', String(arenaId), '--source', 'human', '--bootstrap', '20', '--json'])).stdout) as { battles: number }).battles;
    const humanBattles = await ratings();
    expect(humanBattles).toBe(files.reduce((s, f) => s + f.items, 0));

    const second = await simpsy(['--db', db, 'annotate', 'import', wang, li]);
    expect(second).toMatchObject({ code: 0 });
    expect(second.stdout).toMatch(/wang.json: same as before/);
    expect(second.stdout).toMatch(/li.json: same as before/);
    expect(await ratings()).toBe(humanBattles);

    const conflicting = write('wang-v2.json', annotate(pkg('王老师'), againstTheJudge, 2));
    const tampered = write('li-edited.json', { ...JSON.parse(readFileSync(li, 'utf8')), revision: 7 });
    const notAWorkFile = files.find((f) => f.annotator === 'li')!.file;
    const third = await simpsy(['--db', db, 'annotate', 'import', conflicting, tampered, notAWorkFile, join(work, 'missing.json')]);
    expect(third).toMatchObject({ code: 1 });
    expect(third.stdout).toMatch(/wang-v2.json: CONFLICT, 王老师, revision 2, \d+ verdicts\. .*conflicts with the imported revision 1: item\(s\) s\d+t\d+/);
    expect(third.stdout).toMatch(/li-edited.json: REFUSED\. .*has been changed or damaged since it was made/);
    expect(third.stdout).toMatch(/li.simpsy-package.json: REFUSED\. .*is not an annotator's work file \(field 'format' is not 'simpsy-annotation-work'\)/);
    expect(third.stdout).toMatch(/missing.json: REFUSED\. No file at/);
    expect(third.stderr).toMatch(/4 of 4 file\(s\) were not imported/);
    expect(await ratings()).toBe(humanBattles);

    const agreement = await simpsy(['--db', db, 'annotate', 'agreement', '--arena', String(arenaId), '--json']);
    expect(agreement).toMatchObject({ code: 0 });
    expect(agreement.stdout).toMatch(/Judge local\/judge vs humans: \d+ pairs, accuracy 50\.0%, Cohen's κ/);
    expect(agreement.stdout).toMatch(/li vs 王老师: \d+ common items, agreement 0\.0%/);
    expect(agreement.stdout).toMatch(/Fleiss' κ: -?\d\.\d{3} over \d+ items with 2 annotators each/);
    const figures = lastJson(agreement.stdout) as { judges: { accuracy: number; confusion: number[][] }[]; between: { fleiss: { kappa: number | null } } };
    expect(figures.judges[0]!.accuracy).toBeCloseTo(0.5);
    expect(figures.judges[0]!.confusion.flat().reduce((a, b) => a + b, 0)).toBe(humanBattles);
  }, SLOW);

  it('names the flag or the arena when the request is wrong', async () => {
    const out = join(tempDir(), 'p');
    expect((await simpsy(['--db', db, 'annotate', 'package', out, '--arena', '99', '--annotators', 'a'])).stderr).toMatch(/Arena 99 was not found/);
    expect((await simpsy(['--db', db, 'annotate', 'package', out, '--arena', String(arenaId), '--annotators', 'a,b', '--per-item', '3'])).stderr).toMatch(/Annotators per item must be from 1 to 2/);
    expect((await simpsy(['--db', db, 'annotate', 'package', out, '--arena', String(arenaId), '--annotators', 'a/b'])).stderr).toMatch(/Annotator name 'a\/b' cannot be used/);
    expect((await simpsy(['--db', db, 'annotate', 'package', out, '--arena', String(arenaId), '--annotators', 'a,a'])).stderr).toMatch(/An annotator is named twice/);
    expect((await simpsy(['--db', db, 'annotate', 'agreement', '--arena', 'x'])).stderr).toMatch(/--arena must be a whole number/);
    const none = await simpsy(['--db', db, 'annotate', 'agreement', '--arena', String(arenaId)]);
    expect(none.stdout).toMatch(/no human verdicts yet|human verdicts by/);
  }, SLOW);
});
