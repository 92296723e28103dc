import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import { cardText, profileText } from '../../src-main/role-cards/card-text';
import { importCards } from '../../src-main/role-cards/import';
import { encodeGb18030, makeCard, paperFixtures } from './support';
import { tempDbPath, tempDir } from '../support/temp';

let ctx: AppContext;
beforeEach(() => {
  ctx = createAppContext({ dbPath: tempDbPath() });
});
afterEach(() => ctx.close());

const importPaper = (path: string, dryRun = false) => importCards(ctx.cards, { path, format: 'auto', dryRun });
const complaints = JSON.parse(readFileSync(join(paperFixtures, 'user_profiles/test.json'), 'utf8')) as string[];
const fixtureText = (n: number) => readFileSync(join(paperFixtures, `raw_role_card/test/${n}.txt`), 'utf8');

describe('the paper-format fixture folder', () => {
  it('imports as 6 complete cards, each with its own complaint, in the test split', () => {
    const report = importPaper(paperFixtures);
    expect(report).toMatchObject({ refused: false, format: 'paper', found: 6, imported: 6, problems: [] });
    const cards = ctx.cards.all();
    expect(cards).toHaveLength(6);
    cards.forEach((card, n) => {
      expect(card.chiefComplaint).toBe(complaints[n]!.trim());
      expect(card).toMatchObject({ split: 'test', language: 'zh', source: `paper:test/${n}` });
      for (const field of ['gender', 'education', 'occupation', 'maritalStatus', 'familyRelationships'] as const) expect(card[field]).not.toBe('');
      expect(card.age).toBeGreaterThan(0);
    });
    expect(cards[0]).toMatchObject({
      gender: '女性',
      age: 25,
      bigFive: { openness: { level: 'moderate', description: '' }, neuroticism: { level: 'high', description: '' } },
      resistance: { level: 'moderate', description: expect.stringMatching(/^来访者多次尝试解决问题/) },
    });
    // The variants the released data uses: 中高, 中低, 中 with brackets, 中等至低, 低至中等.
    expect(cards[1]!.bigFive.openness).toEqual({ level: 'moderately_high', description: '愿意考虑辞职养病，说明思想上较开放' });
    expect(cards[3]!.bigFive.extraversion.level).toBe('moderately_low');
    expect(cards[3]!.resistance.level).toBe('moderately_low');
    expect(cards[4]!.bigFive.extraversion).toEqual({ level: 'moderate', description: '希望通过工作认识更多的人，但目前生活相对稳定，不愿轻易冒险' });
    // The unused complaints are mentioned, not an error.
    expect(report.warnings).toEqual([expect.objectContaining({ file: 'user_profiles/test.json', reason: expect.stringMatching(/100 complaints but 6 card files/) })]);
  });

  it('renders a card written in the canonical words exactly as the paper file, then the complaint', () => {
    importPaper(paperFixtures);
    const [first, , third] = ctx.cards.all();
    expect(profileText(first!, 'zh')).toBe(fixtureText(0));
    expect(profileText(third!, 'zh')).toBe(fixtureText(2));
    // As the released code assembles {role_card}: profile, newline, 来访者的主诉问题：complaint.
    expect(cardText(first!, 'zh')).toBe(`${fixtureText(0)}\n来访者的主诉问题：${complaints[0]!.trim()}`);
  });

  it('previews in a dry run and writes nothing', () => {
    const report = importPaper(paperFixtures, true);
    expect(report).toMatchObject({ dryRun: true, refused: false, importable: 6, imported: 0 });
    expect(report.preview).toHaveLength(6);
    expect(ctx.cards.count()).toBe(0);
  });

  it('reports a second import as duplicates instead of doubling the cards', () => {
    importPaper(paperFixtures);
    const again = importPaper(paperFixtures);
    expect(again).toMatchObject({ refused: false, imported: 0, duplicateCount: 6 });
    expect(again.duplicates[0]).toMatchObject({ file: 'raw_role_card/test/0.txt', reason: expect.stringMatching(/already stored as #1/) });
    expect(ctx.cards.count()).toBe(6);
  });

  it('reads an English card and a card text carrying its own complaint line', () => {
    const root = tempDir();
    mkdirSync(join(root, 'raw_role_card/train'), { recursive: true });
    const english = makeCard({ language: 'en', gender: 'Female', education: 'Undergraduate', occupation: 'Student', maritalStatus: 'Single', familyRelationships: 'Strained with her mother.', chiefComplaint: 'I always seek approval. What should I do?' });
    writeFileSync(join(root, 'raw_role_card/train/0.txt'), cardText(english, 'en'));
    const report = importPaper(root);
    expect(report).toMatchObject({ refused: false, imported: 1 });
    expect(ctx.cards.all()[0]).toMatchObject({ language: 'en', split: 'pool', gender: 'Female', chiefComplaint: english.chiefComplaint, bigFive: english.bigFive });
  });
});

/** A copy of the fixture folder with one file changed. */
function brokenCopy(change: (root: string) => void): string {
  const root = tempDir();
  cpSync(paperFixtures, root, { recursive: true });
  change(root);
  return root;
}
const card = (root: string, n: number) => join(root, `raw_role_card/test/${n}.txt`);
const edit = (n: number, from: string | RegExp, to: string) => (root: string) =>
  writeFileSync(card(root, n), readFileSync(card(root, n), 'utf8').replace(from, to));

const malformed: [string, (root: string) => void, RegExp][] = [
  ['a missing field', edit(0, /职业：.*\n/, ''), /raw_role_card\/test\/0\.txt \(职业\): Missing line '职业：…'/],
  ['an age of "abc"', edit(0, '年龄：25岁', '年龄：abc'), /0\.txt line 2 \(年龄\): Age must be a whole number .* got 'abc'/],
  ['an age of -3', edit(1, '年龄：28岁', '年龄：-3'), /1\.txt line 2 \(年龄\): Age must be a whole number .* got '-3'/],
  ['an age of 300', edit(1, '年龄：28岁', '年龄：300岁'), /1\.txt line 2 \(年龄\): Age must be a whole number of years from 1 to 120 \(got 300\)/],
  ['an unknown Big Five level', edit(0, ' - 开放性：中等', ' - 开放性：超高'), /0\.txt line 8 \(大五人格 - 开放性\): Unknown level '超高'/],
  ['an unknown resistance level', edit(2, '对心理咨询的阻抗程度：低。', '对心理咨询的阻抗程度：不好说。'), /2\.txt line 13 \(对心理咨询的阻抗程度\): Unknown level/],
  ['an unknown field', edit(0, '职业：公司职员', '职业：公司职员\n星座：天蝎座'), /0\.txt line 5: Unknown field '星座'/],
  ['a field given twice', edit(0, '性别：女性', '性别：女性\n性别：男'), /0\.txt line 2 \(性别\): '性别' appears twice \(first on line 1\)/],
  ['an empty complaint', (root) => {
    const list = JSON.parse(readFileSync(join(root, 'user_profiles/test.json'), 'utf8')) as string[];
    list[3] = '   ';
    writeFileSync(join(root, 'user_profiles/test.json'), JSON.stringify(list));
  }, /raw_role_card\/test\/3\.txt \(来访者的主诉问题\): The chief complaint must not be empty/],
  ['a missing complaint', (root) => writeFileSync(join(root, 'user_profiles/test.json'), JSON.stringify(['only one'])), /user_profiles\/test\.json record 1 \(chiefComplaint\): No complaint for raw_role_card\/test\/1\.txt/],
  ['truncated complaints JSON', (root) => writeFileSync(join(root, 'user_profiles/test.json'), '["a", "b"'), /user_profiles\/test\.json line 1: The JSON ends before it is complete/],
  ['a GBK card file', (root) => writeFileSync(card(root, 4), encodeGb18030(readFileSync(card(root, 4), 'utf8'))), /4\.txt: The file is not UTF-8; it looks like GB18030\/GBK/],
  ['an empty card file', (root) => writeFileSync(card(root, 5), ''), /5\.txt: The file is empty/],
  ['a binary card file', (root) => writeFileSync(card(root, 5), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 1, 2, 3])), /5\.txt: This is a binary file/],
  ['an unknown split folder', (root) => mkdirSync(join(root, 'raw_role_card/valid')), /raw_role_card\/valid: Unknown split folder 'valid'/],
];

describe('malformed paper-format input', () => {
  it.each(malformed)('refuses %s whole, naming the place', (_label, change, message) => {
    const report = importPaper(brokenCopy(change));
    expect(report.refused).toBe(true);
    expect(report.imported).toBe(0);
    expect(ctx.cards.count()).toBe(0);
    const lines = report.problems.map((p) => `${p.file}${p.line !== undefined ? ` line ${p.line}` : ''}${p.record !== undefined ? ` record ${p.record}` : ''}${p.field ? ` (${p.field})` : ''}: ${p.reason}`);
    expect(lines.join('\n')).toMatch(message);
  });

  it('refuses a folder without raw_role_card and a file given as a paper folder', () => {
    const empty = tempDir();
    expect(importCards(ctx.cards, { path: empty, format: 'paper', dryRun: false }).problems[0]!.reason).toMatch(/No raw_role_card folder here/);
    const file = join(empty, 'x.txt');
    writeFileSync(file, '性别：女');
    expect(importCards(ctx.cards, { path: file, format: 'paper', dryRun: false }).problems[0]!.reason).toMatch(/The paper format is a folder/);
  });
});
