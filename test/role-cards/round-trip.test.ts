import { copyFileSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cardFormats, type CardFormat, type RoleCardView } from '../../src-main/contract/role-card';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import { fieldsOf } from '../../src-main/role-cards/card';
import { exportCards } from '../../src-main/role-cards/export';
import { importCards } from '../../src-main/role-cards/import';
import { makeCard, paperFixtures } from './support';
import { tempDbPath, tempDir } from '../support/temp';

const open: AppContext[] = [];
const context = () => {
  const ctx = createAppContext({ dbPath: tempDbPath() });
  open.push(ctx);
  return ctx;
};
afterEach(() => {
  for (const ctx of open.splice(0)) ctx.close();
});

/** Cards that stress every format: quotes, delimiters, line breaks, English, free text, extra fields, rare characters. */
function awkwardCards(ctx: AppContext): void {
  ctx.cards.create(makeCard({ tags: ['拖延', '重点'], split: 'test', source: 'paper:test/7' }));
  ctx.cards.create(
    makeCard({
      familyRelationships: '第一行，有逗号, "引号" 和；分号\n第二行：父亲常说"你不行"',
      chiefComplaint: '  标题？ 正文第一段。\n\n正文第二段，含 emoji 😢 和生僻字 𠀀，以及 =SUM(A1) 这样的文字。',
      age: '30多岁',
      bigFive: { ...makeCard().bigFive, openness: '低。（注：仅在家庭中）', extraversion: '未具体提及。但社交回避可能与低外向性有关', agreeableness: '中等或较低，\n- 与同事常起冲突' },
      resistance: '可能中等偏高',
      extras: [
        { after: 'start', label: '', value: '（根据主诉推测）' },
        { after: 'maritalStatus', label: '经济状况', value: '房贷压力大, "月供" 过半' },
        { after: 'bigFive', label: '', value: '注：由咨询师补写' },
        { after: 'resistance', label: '注意', value: '仅供模拟\n第二行：保持原样' },
      ],
      tags: ['a b'],
    }),
  );
  ctx.cards.create(
    makeCard({
      language: 'en',
      gender: 'Female',
      age: 'mid-30s',
      education: 'Master, psychology',
      occupation: 'Nurse',
      maritalStatus: 'Married; two children',
      familyRelationships: 'Close to her sister, distant from her father.',
      bigFive: {
        openness: 'Moderately high. Curious, "open" to new ideas.',
        conscientiousness: 'High',
        extraversion: 'Moderate. Friendly, but tires easily.',
        agreeableness: 'Not stated',
        neuroticism: 'Low. Calm.',
      },
      resistance: 'Low. Eager to talk.',
      extras: [{ after: 'familyRelationships', label: 'Financial situation', value: 'Comfortable' }],
      chiefComplaint: 'I cannot sleep since my promotion. What should I do?',
      source: 'manual',
    }),
  );
}

const comparable = (cards: RoleCardView[], format: CardFormat) =>
  cards.map((c) => {
    const fields = fieldsOf(c);
    // The paper format carries the nine elements, split and language only.
    if (format === 'paper') return { ...fields, tags: [], source: '' };
    return { ...fields, createdAt: c.createdAt, updatedAt: c.updatedAt };
  });

describe('export then import is lossless', () => {
  it.each(cardFormats.map((f) => [f]))('in the %s format', (format) => {
    const source = context();
    awkwardCards(source);
    const dir = tempDir();
    const path = format === 'paper' ? join(dir, 'paper') : join(dir, `cards.${format}`);
    const exported = exportCards(source.cards, { path, format });
    expect(exported.count).toBe(3);

    const target = context();
    const report = importCards(target.cards, { path, format: 'auto', dryRun: false });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ format, refused: false, imported: 3 });
    const before = comparable(source.cards.all(), format);
    const after = comparable(target.cards.all(), format);
    if (format === 'paper') {
      // The paper numbers each split from 0 and writes the pool as `train`: pool cards come first.
      const bySplit = (list: typeof before) => [...list].sort((a, b) => a.split.localeCompare(b.split));
      expect(bySplit(after.map((c) => ({ ...c, source: '' })))).toEqual(bySplit(before));
    } else expect(after).toEqual(before);

    // And a second round trip changes nothing.
    const again = join(dir, format === 'paper' ? 'paper2' : `again.${format}`);
    exportCards(target.cards, { path: again, format });
    // (JSON carries its export time, so compare the byte-stable formats.)
    if (format === 'jsonl' || format === 'csv') expect(readFileSync(again, 'utf8')).toBe(readFileSync(path, 'utf8'));
  });

  it('keeps the fixture cards exact through every format', () => {
    const source = context();
    importCards(source.cards, { path: paperFixtures, format: 'paper', dryRun: false });
    for (const format of cardFormats) {
      const dir = tempDir();
      const path = join(dir, format === 'paper' ? 'out' : `cards.${format}`);
      exportCards(source.cards, { path, format });
      const target = context();
      expect(importCards(target.cards, { path, format, dryRun: false })).toMatchObject({ imported: 6, problems: [] });
      expect(target.cards.all().map((c) => ({ ...fieldsOf(c), source: '' }))).toEqual(source.cards.all().map((c) => ({ ...fieldsOf(c), source: '' })));
    }
  });

  it('writes the paper layout: numbered files from 0 and the complaints list', () => {
    const source = context();
    importCards(source.cards, { path: paperFixtures, format: 'paper', dryRun: false });
    const dir = join(tempDir(), 'out');
    const result = exportCards(source.cards, { path: dir, format: 'paper' });
    expect(result.files.map((f) => f.slice(dir.length + 1))).toEqual([
      ...[0, 1, 2, 3, 4, 5].map((n) => `raw_role_card/test/${n}.txt`),
      'user_profiles/test.json',
    ]);
    expect(readFileSync(join(dir, 'raw_role_card/test/0.txt'), 'utf8')).toBe(readFileSync(join(paperFixtures, 'raw_role_card/test/0.txt'), 'utf8'));
    const list = JSON.parse(readFileSync(join(dir, 'user_profiles/test.json'), 'utf8')) as string[];
    expect(list).toHaveLength(6);
    // Exporting again into the same folder would mix two exports: refused.
    expect(() => exportCards(source.cards, { path: dir, format: 'paper' })).toThrow(/out already holds a 'test' split .*; nothing was written/);
  });

  it('writes CSV with a BOM and CRLF, as Excel expects', () => {
    const source = context();
    awkwardCards(source);
    const path = join(tempDir(), 'cards.csv');
    exportCards(source.cards, { path, format: 'csv' });
    const bytes = readFileSync(path);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.split('\r\n')[0]).toBe(
      '\uFEFFid,split,language,gender,age,education,occupation,marital_status,family_relationships,openness,conscientiousness,extraversion,agreeableness,neuroticism,resistance,extras,chief_complaint,tags,source,created_at,updated_at',
    );
    expect(text).toContain(',中等偏低。对新想法的接受程度较低。,');
    expect(text).toContain(',"Moderately high. Curious, ""open"" to new ideas.",');
    expect(text).toContain(',30多岁,');
    expect(text).toContain('"[{""after"":""familyRelationships"",""label"":""Financial situation"",""value"":""Comfortable""}]"');
  });

  it('guards formula-like cells in CSV, and CSV → import → CSV gives the same bytes', () => {
    const source = context();
    source.cards.create(makeCard({ gender: '+女', occupation: '=HYPERLINK("http://x","点我")', education: '-本科', maritalStatus: '@单身', familyRelationships: "'引号开头", chiefComplaint: "''两个引号=不是公式" }));
    source.cards.create(makeCard({ bigFive: { ...makeCard().bigFive, openness: '=1+1' }, resistance: "'=已有引号" }));
    const first = join(tempDir(), 'first.csv');
    exportCards(source.cards, { path: first, format: 'csv' });
    const text = readFileSync(first, 'utf8');
    for (const cell of ["'+女", `"'=HYPERLINK(""http://x"",""点我"")"`, "'-本科", "'@单身", "''引号开头", "'''两个引号=不是公式", "'=1+1", "''=已有引号"]) expect(text).toContain(`,${cell},`);

    const target = context();
    expect(importCards(target.cards, { path: first, format: 'csv', dryRun: false })).toMatchObject({ imported: 2, problems: [] });
    expect(target.cards.all().map(fieldsOf)).toEqual(source.cards.all().map(fieldsOf));
    const second = join(tempDir(), 'second.csv');
    exportCards(target.cards, { path: second, format: 'csv' });
    expect(readFileSync(second)).toEqual(readFileSync(first));
  });

  it('replaces an earlier paper export only when told to, split by split, never leaving stale cards', () => {
    const source = context();
    for (let n = 0; n < 5; n++) source.cards.create(makeCard({ split: 'test', chiefComplaint: `第${n}位来访者。` }));
    const dir = join(tempDir(), 'paper');
    exportCards(source.cards, { path: dir, format: 'paper' });
    const before = readdirSync(dir, { recursive: true }).sort();
    expect(readdirSync(join(dir, 'raw_role_card/test'))).toHaveLength(5);

    const fewer = context();
    fewer.cards.create(makeCard({ split: 'test', chiefComplaint: '唯一的新卡。' }));
    expect(() => exportCards(fewer.cards, { path: dir, format: 'paper' })).toThrow(/already holds a 'test' split/);
    expect(readdirSync(dir, { recursive: true }).sort()).toEqual(before);

    exportCards(fewer.cards, { path: dir, format: 'paper', overwrite: true });
    expect(readdirSync(dir, { recursive: true }).sort()).toEqual(['raw_role_card', 'raw_role_card/test', 'raw_role_card/test/0.txt', 'user_profiles', 'user_profiles/test.json']);
    expect(JSON.parse(readFileSync(join(dir, 'user_profiles/test.json'), 'utf8'))).toEqual(['唯一的新卡。']);
  });

  it('never deletes what is not a card when replacing a paper split, nor writes over a SQLite file', () => {
    const ctx = context();
    ctx.cards.create(makeCard({ split: 'test' }));
    const dir = join(tempDir(), 'paper');
    exportCards(ctx.cards, { path: dir, format: 'paper' });
    writeFileSync(join(dir, 'raw_role_card/test/notes.md'), '我的笔记');
    expect(() => exportCards(ctx.cards, { path: dir, format: 'paper', overwrite: true })).toThrow(/holds files that are not cards \(notes\.md\)/);
    expect(readFileSync(join(dir, 'raw_role_card/test/notes.md'), 'utf8')).toBe('我的笔记');

    rmSync(join(dir, 'raw_role_card/test/notes.md'));
    copyFileSync(ctx.dbPath, join(dir, 'user_profiles/test.json'));
    expect(() => exportCards(ctx.cards, { path: dir, format: 'paper', overwrite: true })).toThrow(/is a SQLite database; an export never writes over one/);
    expect(readFileSync(join(dir, 'user_profiles/test.json')).subarray(0, 15).toString()).toBe('SQLite format 3');
    expect(readdirSync(dir)).toEqual(['raw_role_card', 'user_profiles']);
  });

  it('refuses to export nothing, or into a folder that does not exist', () => {
    const ctx = context();
    expect(() => exportCards(ctx.cards, { path: join(tempDir(), 'x.json'), format: 'json' })).toThrow(/No cards to export/);
    ctx.cards.create(makeCard());
    expect(() => exportCards(ctx.cards, { path: '/nonexistent/dir/x.json', format: 'json' })).toThrow(/does not exist/);
  });
});
