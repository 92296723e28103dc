import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import { cardText, profileText } from '../../src-main/role-cards/card-text';
import { importCards } from '../../src-main/role-cards/import';
import { cardListInput } from '../../src-main/contract/role-card';
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
  it('imports as 6 cards, each value as written, each with its own complaint, in the test split', () => {
    const report = importPaper(paperFixtures);
    expect(report).toMatchObject({ refused: false, format: 'paper', found: 6, imported: 6, problems: [] });
    const cards = ctx.cards.all();
    expect(cards).toHaveLength(6);
    cards.forEach((card, n) => {
      expect(card.chiefComplaint).toBe(complaints[n]!.trim());
      expect(card).toMatchObject({ split: 'test', language: 'zh', source: `paper:test/${n}`, extras: [] });
      for (const field of ['gender', 'age', 'education', 'occupation', 'maritalStatus', 'familyRelationships'] as const) expect(card[field]).not.toBe('');
    });
    expect(cards[0]).toMatchObject({
      gender: '女性',
      age: '25岁',
      bigFive: { openness: '中等', neuroticism: '高' },
      resistance: expect.stringMatching(/^中等。来访者多次尝试解决问题/),
    });
    // The variants the released data uses are kept as written: 中高, 中低, 中 with brackets.
    expect(cards[1]!.bigFive.openness).toBe('中高，愿意考虑辞职养病，说明思想上较开放');
    expect(cards[4]!.bigFive.extraversion).toBe('中（希望通过工作认识更多的人，但目前生活相对稳定，不愿轻易冒险）');
    // The list reads their levels and ages.
    const summaries = ctx.cards.list(cardListInput.parse({})).items;
    expect(summaries[1]).toMatchObject({ ageRange: { min: 28, max: 28 }, levels: { openness: 'moderately_high', extraversion: 'moderately_low' } });
    expect(summaries[4]!.levels.extraversion).toBe('moderate');
    // The unused complaints are mentioned, not an error.
    expect(report.warnings).toEqual([expect.objectContaining({ file: 'user_profiles/test.json', reason: expect.stringMatching(/100 complaints but 6 card files/) })]);
  });

  it('renders every fixture card exactly as the paper file, then the complaint', () => {
    importPaper(paperFixtures);
    ctx.cards.all().forEach((card, n) => expect(profileText(card, 'zh')).toBe(fixtureText(n)));
    // As the released code assembles {role_card}: profile, newline, 来访者的主诉问题：complaint.
    const [first] = ctx.cards.all();
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
    const english = makeCard({
      language: 'en', gender: 'Female', age: '20', education: 'Undergraduate', occupation: 'Student', maritalStatus: 'Single',
      familyRelationships: 'Strained with her mother.', chiefComplaint: 'I always seek approval. What should I do?',
      bigFive: { openness: 'Moderately low. Prefers routine.', conscientiousness: 'High', extraversion: 'Low', agreeableness: 'Moderate', neuroticism: 'High. Worries a lot.' },
      resistance: 'Moderate',
    });
    writeFileSync(join(root, 'raw_role_card/train/0.txt'), cardText(english, 'en'));
    const report = importPaper(root);
    expect(report).toMatchObject({ refused: false, imported: 1 });
    expect(ctx.cards.all()[0]).toMatchObject({ language: 'en', split: 'pool', gender: 'Female', age: '20', chiefComplaint: english.chiefComplaint, bigFive: english.bigFive, resistance: 'Moderate' });
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
  ['a file with no card field', (root) => writeFileSync(card(root, 0), '这是一段普通的文字，不是角色卡。\n第二行。'), /0\.txt: This is not a role card: no line starts with a card field/],
  ['a control character in a value', edit(0, '职业：公司职员', '职业：公司\u0007职员'), /0\.txt line 4 \(职业\): Occupation contains a control character \(U\+0007 at character 3\)/],
  ['a control character in an extra field', edit(0, '职业：公司职员', '职业：公司职员\n星座：天蝎\u001b座'), /0\.txt line 5 \(星座\): The value contains a control character \(U\+001B/],
  ['a value over its length', edit(1, '性别：女性', `性别：${'女'.repeat(101)}`), /1\.txt line 1 \(性别\): Gender is too long \(at most 100 characters\)/],
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
