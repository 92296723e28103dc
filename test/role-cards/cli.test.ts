import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppContext } from '../../src-main/app/context';
import { bin, simpsy } from '../support/cli';
import { tempDbPath, tempDir } from '../support/temp';
import { encodeGb18030, paperFixtures, repoRoot, syntheticCards } from './support';

// The built `simpsy cards …`, run as a user would (npm run build first).

const complaints = JSON.parse(readFileSync(join(paperFixtures, 'user_profiles/test.json'), 'utf8')) as string[];

describe('simpsy cards', () => {
  it('imports the paper fixture folder as 6 cards and lists them as JSON with every element', async () => {
    const db = tempDbPath();
    const dry = await simpsy(['--db', db, 'cards', 'import', paperFixtures, '--dry-run']);
    expect(dry).toMatchObject({ code: 0, stdout: 'Dry run: 6 of 6 cards would be imported (paper, utf-8). Nothing was written.\n' });
    expect(JSON.parse((await simpsy(['--db', db, 'cards', 'list', '--json'])).stdout)).toEqual([]);

    const run = await simpsy(['--db', db, 'cards', 'import', paperFixtures]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Imported 6 of 6 cards (paper, utf-8).\n');
    expect(run.stderr).toMatch(/^warning: user_profiles\/test\.json: 100 complaints but 6 card files/);

    const list = await simpsy(['--db', db, 'cards', 'list', '--json']);
    const cards = JSON.parse(list.stdout) as Record<string, unknown>[];
    expect(cards).toHaveLength(6);
    cards.forEach((card, n) => {
      expect(card).toMatchObject({ id: n + 1, split: 'test', chiefComplaint: complaints[n]!.trim() });
      for (const key of ['gender', 'age', 'education', 'occupation', 'maritalStatus', 'familyRelationships', 'bigFive', 'resistance', 'language', 'tags', 'source', 'createdAt', 'updatedAt']) {
        expect(card).toHaveProperty(key);
      }
    });
    const table = await simpsy(['--db', db, 'cards', 'list', '--split', 'test']);
    expect(table.stdout).toMatch(/^ID\s+SPLIT\s+GENDER\s+AGE\s+OCCUPATION\s+COMPLAINT\n1\s+test\s+女性\s+25/);
    expect(JSON.parse((await simpsy(['--db', db, 'cards', 'list', '--split', 'pool', '--json'])).stdout)).toEqual([]);
  });

  it('imports cards written as people write them: free-text levels, ages in words, nested lines, extra fields', async () => {
    const db = tempDbPath();
    const variants = join(repoRoot, 'test/fixtures/paper-variants');
    const run = await simpsy(['--db', db, 'cards', 'import', variants, '--format', 'paper']);
    expect(run).toMatchObject({ code: 0, stdout: 'Imported 8 of 8 cards (paper, utf-8).\n' });
    const first = (await simpsy(['--db', db, 'cards', 'show', '1'])).stdout;
    expect(first).toContain('年龄：30多岁\n');
    expect(first).toContain('婚恋情况：已婚，育有一女\n经济状况：房贷压力较大，收入不稳定\n家庭关系：');
    expect(first).toContain(' - 宜人性：未具体提及。但与顾客的冲突可能与低宜人性有关\n');
    const second = (await simpsy(['--db', db, 'cards', 'show', '2'])).stdout;
    expect(second).toContain('家庭关系：\n  - 母亲：退休工人，对离婚一事始终不能接受\n  - 与父亲的关系：');
    const table = (await simpsy(['--db', db, 'cards', 'list'])).stdout;
    expect(table).toMatch(/\n1\s+test\s+男\s+30多岁\s+外卖骑手/);
    expect(table).toMatch(/\n6\s+test\s+女\s+暂未提及\s+学生/);
  });

  it('exports to every format and imports each back into a fresh database unchanged', async () => {
    const db = tempDbPath();
    await simpsy(['--db', db, 'cards', 'import', paperFixtures]);
    const original = JSON.parse((await simpsy(['--db', db, 'cards', 'list', '--json'])).stdout) as Record<string, unknown>[];
    const dir = tempDir();
    for (const format of ['paper', 'json', 'jsonl', 'csv']) {
      const path = join(dir, format === 'paper' ? 'paper-out' : `cards.${format}`);
      expect(await simpsy(['--db', db, 'cards', 'export', path, '--format', format])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Exported 6 cards to /) });
      const fresh = tempDbPath();
      expect(await simpsy(['--db', fresh, 'cards', 'import', path])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Imported 6 of 6 cards/) });
      const back = JSON.parse((await simpsy(['--db', fresh, 'cards', 'list', '--json'])).stdout) as Record<string, unknown>[];
      const strip = (c: Record<string, unknown>) => ({ ...c, source: '', createdAt: '', updatedAt: '' });
      expect(back.map(strip)).toEqual(original.map(strip));
    }
  }, 90_000); // ten CLI processes

  it('refuses a JSONL file with one broken line whole, naming the line, exit 1', async () => {
    const db = tempDbPath();
    const dir = tempDir();
    await simpsy(['--db', db, 'cards', 'import', paperFixtures]);
    const good = join(dir, 'good.jsonl');
    await simpsy(['--db', db, 'cards', 'export', good, '--format', 'jsonl']);
    const lines = readFileSync(good, 'utf8').trimEnd().split('\n');
    lines[4] = lines[4]!.slice(0, 80);
    const broken = join(dir, 'broken.jsonl');
    writeFileSync(broken, `${lines.join('\n')}\n`);
    const fresh = tempDbPath();
    const result = await simpsy(['--db', fresh, 'cards', 'import', broken]);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toBe('simpsy: broken.jsonl line 5: This line is not complete JSON (it ends early); each line must hold one whole card. Nothing was imported.\n');
    expect(JSON.parse((await simpsy(['--db', fresh, 'cards', 'list', '--json'])).stdout)).toEqual([]);
  });

  it('lists every problem of a refused file on stderr and ends with one summary line', async () => {
    const dir = tempDir();
    const path = join(dir, 'bad.jsonl');
    writeFileSync(path, '{"gender":"女","age":"25岁\\u0000"}\nnot json\n');
    const result = await simpsy(['--db', tempDbPath(), 'cards', 'import', path]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ {2}bad\.jsonl line 1 \(age\): Age contains a control character \(U\+0000 at character 4\)/);
    expect(lines.at(-1)).toMatch(/^simpsy: \d+ problems in .*bad\.jsonl \(listed above\)\. Nothing was imported\.$/);
    expect(lines.some((l) => l.startsWith('  bad.jsonl line 2: Not valid JSON'))).toBe(true);
  });

  it('imports a GB18030 CSV with its Chinese intact', async () => {
    const db = tempDbPath();
    const header = 'gender,age,education,occupation,marital_status,family_relationships,openness,conscientiousness,extraversion,agreeableness,neuroticism,resistance,chief_complaint';
    const row = '女,30岁,硕士,会计,已婚,与婆婆关系紧张,中等,高,中等偏低,中等,高,中等。有一定的防御,和婆婆住在一起，每天都很压抑，我该怎么办？';
    const path = join(tempDir(), 'excel.csv');
    writeFileSync(path, encodeGb18030(`${header}\r\n${row}\r\n`));
    expect(await simpsy(['--db', db, 'cards', 'import', path, '--split', 'test'])).toMatchObject({ code: 0, stdout: 'Imported 1 of 1 cards (csv, gb18030).\n' });
    const [card] = JSON.parse((await simpsy(['--db', db, 'cards', 'list', '--json'])).stdout) as Record<string, unknown>[];
    expect(card).toMatchObject({ split: 'test', occupation: '会计', familyRelationships: '与婆婆关系紧张', chiefComplaint: '和婆婆住在一起，每天都很压抑，我该怎么办？', resistance: '中等。有一定的防御', bigFive: { extraversion: '中等偏低' } });
    const shown = await simpsy(['--db', db, 'cards', 'show', '1']);
    expect(shown.stdout).toMatch(/^性别：女\n年龄：30岁\n教育程度：硕士\n/);
  });

  it('splits with a seed, reproducibly', async () => {
    const a = tempDbPath();
    const b = tempDbPath();
    for (const db of [a, b]) await simpsy(['--db', db, 'cards', 'import', paperFixtures, '--split', 'pool']);
    const split = await simpsy(['--db', a, 'cards', 'split', '--test', '2', '--seed', '42']);
    expect(split).toMatchObject({ code: 0, stdout: 'Moved 2 cards: 2 test, 4 pool (seed 42).\n' });
    await simpsy(['--db', b, 'cards', 'split', '--test', '2', '--seed', '42']);
    const testIds = async (db: string) => (JSON.parse((await simpsy(['--db', db, 'cards', 'list', '--split', 'test', '--json'])).stdout) as { id: number }[]).map((c) => c.id);
    expect(await testIds(a)).toHaveLength(2);
    expect(await testIds(a)).toEqual(await testIds(b));
  });

  const bad: [string, string[], RegExp][] = [
    ['an unknown format', ['import', '/tmp/x.xlsx', '--format', 'xlsx'], /^simpsy: --format must be one of auto, paper, json, jsonl, csv, got 'xlsx'\.\n$/],
    ['an unknown split', ['import', '/tmp/x.json', '--split', 'train'], /^simpsy: --split must be one of pool, test, got 'train'\.\n$/],
    ['a missing file', ['import', '/nonexistent/cards.json'], /^simpsy: \/nonexistent\/cards\.json: Nothing is at this path; check the spelling\. Nothing was imported\.\n$/],
    ['export without --format', ['export', '/tmp/x.json'], /^simpsy: required option '--format <format>' not specified/],
    ['export of an empty pool', ['export', '/tmp/simpsy-never.json', '--format', 'json'], /^simpsy: No cards to export: the selection is empty\. Nothing was written\.\n$/],
    ['a seed that is not a number', ['split', '--test', '1', '--seed', 'abc'], /^simpsy: --seed must be a whole number \(0 or more\), got 'abc'\.\n$/],
    ['more test cards than cards', ['split', '--test', '5', '--seed', '1'], /^simpsy: Cannot put 5 cards in the test split: there are only 0 cards\.\n$/],
    ['an unknown card', ['show', '9'], /^simpsy: Role card 9 was not found/],
  ];
  it.each(bad)('refuses %s with exit 1 and one line', async (_label, args, message) => {
    const result = await simpsy(['--db', tempDbPath(), 'cards', ...args]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('never writes over the database, even with --force: `simpsy --db a.db cards export a.db`', async () => {
    const dir = tempDir();
    expect(await simpsy(['--db', 'a.db', 'cards', 'import', paperFixtures], {}, { cwd: dir })).toMatchObject({ code: 0 });
    const cards = (await simpsy(['--db', 'a.db', 'cards', 'list', '--json'], {}, { cwd: dir })).stdout;
    for (const [target, force] of [['a.db', []], ['a.db', ['--force']], ['./sub/../a.db', ['--force']], ['a.db-wal', ['--force']]] as const) {
      const result = await simpsy(['--db', 'a.db', 'cards', 'export', target, '--format', 'json', ...force], {}, { cwd: dir });
      expect(result).toMatchObject({ code: 1, stdout: '' });
      expect(result.stderr).toMatch(/^simpsy: .*a\.db(-wal)? is the database SimPsy Studio is using; an export never writes over it\. Choose another file name\.\n$/);
    }
    expect(readFileSync(join(dir, 'a.db')).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    expect((await simpsy(['--db', 'a.db', 'cards', 'list', '--json'], {}, { cwd: dir })).stdout).toBe(cards);

    // Another database is no export target either.
    await simpsy(['--db', join(dir, 'b.db'), 'cards', 'list']);
    const other = await simpsy(['--db', 'a.db', 'cards', 'export', 'b.db', '--format', 'csv', '--force'], {}, { cwd: dir });
    expect(other).toMatchObject({ code: 1, stderr: expect.stringMatching(/b\.db is a SQLite database; an export never writes over one/) });
    expect(readdirSync(dir).filter((n) => !n.startsWith('a.db') && !n.startsWith('b.db'))).toEqual([]);
  });

  it('refuses to replace an existing export without --force, and replaces it whole with --force', async () => {
    const db = tempDbPath();
    await simpsy(['--db', db, 'cards', 'import', paperFixtures]);
    const dir = tempDir();
    const path = join(dir, 'cards.csv');
    writeFileSync(path, 'my own notes\n');
    const refused = await simpsy(['--db', db, 'cards', 'export', path, '--format', 'csv']);
    expect(refused).toMatchObject({ code: 1, stderr: `simpsy: ${path} already exists; nothing was written. Choose another name, or replace it (--force).\n` });
    expect(readFileSync(path, 'utf8')).toBe('my own notes\n');
    expect(await simpsy(['--db', db, 'cards', 'export', path, '--format', 'csv', '--force'])).toMatchObject({ code: 0, stdout: `Exported 6 cards to ${path} (csv, 1 file).\n` });
    expect(readFileSync(path, 'utf8')).toMatch(/^\uFEFFid,split,/);
    expect(readdirSync(dir)).toEqual(['cards.csv']);

    const paper = join(dir, 'paper');
    await simpsy(['--db', db, 'cards', 'export', paper, '--format', 'paper']);
    expect((await simpsy(['--db', db, 'cards', 'export', paper, '--format', 'paper'])).stderr).toMatch(/already holds a 'test' split .* replace it \(--force\)\.\n$/);
    expect(await simpsy(['--db', db, 'cards', 'export', paper, '--format', 'paper', '--force'])).toMatchObject({ code: 0 });
    expect(readdirSync(paper)).toEqual(['raw_role_card', 'user_profiles']);
  });

  it('a kill -9 in the middle of an export leaves the old file whole, never half a new one', { timeout: 180_000 }, async () => {
    const db = tempDbPath();
    const ctx = createAppContext({ dbPath: db });
    ctx.cards.insertMany(syntheticCards(6000, 9, { complaintChars: [300, 1500] }).map((card) => ({ card })), { deferIndex: true });
    ctx.close();
    const dir = tempDir();
    const target = join(dir, 'cards.json');
    writeFileSync(target, 'the export before\n');
    let killedMidway = 0;
    for (let attempt = 0; attempt < 5 && killedMidway === 0; attempt++) {
      const child = spawn(process.execPath, [bin, '--db', db, 'cards', 'export', target, '--format', 'json', '--force'], { stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      let running = true;
      void exited.then(() => (running = false));
      // Killed as soon as the temporary file appears: the new export is being written.
      while (running && !readdirSync(dir).some((n) => n.endsWith('.tmp'))) await new Promise((resolve) => setImmediate(resolve));
      if (running) child.kill('SIGKILL');
      await exited;
      const left = readdirSync(dir).filter((n) => n.endsWith('.tmp'));
      const text = readFileSync(target, 'utf8');
      if (left.length > 0) {
        killedMidway++;
        expect(text).toBe('the export before\n');
      } else {
        expect((JSON.parse(text) as { cards: unknown[] }).cards).toHaveLength(6000);
        writeFileSync(target, 'the export before\n');
      }
      for (const name of left) rmSync(join(dir, name));
    }
    expect(killedMidway).toBeGreaterThan(0);
  });

  it('says once what is wrong with a CSV header of 10,000 columns', async () => {
    const path = join(tempDir(), 'wide.csv');
    const names = Array.from({ length: 10_000 }, (_, i) => `column${i + 1}`);
    writeFileSync(path, `${names.join(',')}\r\n${names.map(() => 'x').join(',')}\r\n`);
    const result = await simpsy(['--db', tempDbPath(), 'cards', 'import', path]);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(result.stderr).toMatch(
      /^simpsy: wide\.csv line 1: 10,000 unknown columns: 'column1' \(column 1\), 'column2' \(column 2\), 'column3' \(column 3\), 'column4' \(column 4\), 'column5' \(column 5\) … and 9,995 more\. Missing column\(s\): chief_complaint\. The header row .*rename or remove the others\. Nothing was imported\.\n$/,
    );
  });

  it('names UTF-16 saved without a byte-order mark and says to save as UTF-8', async () => {
    const path = join(tempDir(), 'unicode.csv');
    writeFileSync(path, Buffer.from('性别,年龄,职业\r\n女,20,学生\r\n', 'utf16le'));
    const result = await simpsy(['--db', tempDbPath(), 'cards', 'import', path]);
    expect(result).toMatchObject({
      code: 1,
      stderr: 'simpsy: unicode.csv: The file is UTF-16 (little-endian, without a byte-order mark), not UTF-8: save as UTF-8 (in Excel: Save As › "CSV UTF-8") and import again. Nothing was imported.\n',
    });
  });

  it.each([[['cards']], [['cards', 'import']], [['cards', 'export']], [['cards', 'list']], [['cards', 'split']]])('has --help for %j', async (path) => {
    const result = await simpsy([...path, '--help'], { SIMPSY_DB: tempDbPath() });
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: simpsy cards/) });
  });
});
