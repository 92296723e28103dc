import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import { parseCsv, writeCsvRows } from '../../src-main/role-cards/formats/csv-text';
import { describeProblem } from '../../src-main/role-cards/import-report';
import { importCards } from '../../src-main/role-cards/import';
import { encodeGb18030, writeFile } from './support';
import { tempDbPath, tempDir } from '../support/temp';

let ctx: AppContext;
beforeEach(() => {
  ctx = createAppContext({ dbPath: tempDbPath() });
});
afterEach(() => ctx.close());

// As a counselor would type it in Chinese Excel: Chinese headers, level and description in one cell.
const zhHeader = '性别,年龄,教育程度,职业,婚恋情况,家庭关系,开放性,尽责性,外向性,宜人性,神经质,阻抗程度,主诉,标签';
const zhRow = (over: Partial<Record<string, string>> = {}) => {
  const v = {
    性别: '女',
    年龄: '20岁',
    教育程度: '本科在读',
    职业: '学生',
    婚恋情况: '单身',
    家庭关系: '与母亲关系紧张',
    开放性: '中等偏低。对新想法接受程度较低',
    尽责性: '中等',
    外向性: '中低',
    宜人性: '中高',
    神经质: '高。焦虑、情绪波动',
    阻抗程度: '中等。存在一定的怀疑',
    主诉: '"总是渴望他人认可，总是拖延，怎么办？\n前几天和我妈吵架，她说：""你是不是不吃？"""',
    标签: '拖延;亲子',
    ...over,
  };
  return Object.values(v).join(',');
};
const zhCsv = (...rows: string[]) => `${[zhHeader, ...rows].join('\r\n')}\r\n`;

function run(content: string | Buffer, name = 'cards.csv') {
  const path = writeFile(tempDir(), name, content);
  const report = importCards(ctx.cards, { path, format: 'auto', dryRun: false });
  return { report, text: report.problems.map(describeProblem).join('\n') };
}

describe('CSV parsing', () => {
  it('handles quotes, doubled quotes, line breaks inside cells, CRLF and a missing final newline', () => {
    expect(parseCsv('a,"b,1","c ""q""\nnext"\r\nx,y,z', ',')).toEqual({
      ok: true,
      rows: [
        { line: 1, cells: ['a', 'b,1', 'c "q"\nnext'] },
        { line: 3, cells: ['x', 'y', 'z'] },
      ],
    });
  });

  it('guards cells a spreadsheet would run as formulas (OWASP), and reading takes the guard off exactly', () => {
    const values = ['=SUM(A1:A9)', '+86 138', '-3', '@cmd', '\tindented', '\rreturn', "'quoted", "'=already guarded", "'", 'plain', "it's", '中文=等号', ''];
    const text = writeCsvRows([values]);
    const cells = (parseCsv(text.replace(/'(?=[=+\-@\t\r'])/g, '§'), ',') as { rows: { cells: string[] }[] }).rows[0]!.cells;
    // As a spreadsheet sees the file: every value that starts with = + - @ tab CR or ' behind a '.
    expect(cells.slice(0, 9).every((c) => c.startsWith('§'))).toBe(true);
    expect(cells.slice(9).some((c) => c.startsWith('§'))).toBe(false);
    expect(text).toBe("'=SUM(A1:A9),'+86 138,'-3,'@cmd,'\tindented,\"'\rreturn\",''quoted,''=already guarded,'',plain,it's,中文=等号,\r\n");
    // Our reader gives back the values, and writing them again gives the same bytes.
    const parsed = parseCsv(text, ',');
    expect(parsed).toEqual({ ok: true, rows: [{ line: 1, cells: values }] });
    expect(writeCsvRows((parsed as { rows: { cells: string[] }[] }).rows.map((r) => r.cells))).toBe(text);
  });

  it('names the line where an unclosed quote opened', () => {
    expect(parseCsv('a,b\n1,2\n3,"never closed\n4,5\n', ',')).toEqual({ ok: false, line: 3, reason: expect.stringMatching(/never closed/) });
  });
});

describe('CSV import', () => {
  it('imports a UTF-8 file with Chinese headers, cells with line breaks and quotes', () => {
    const { report } = run(zhCsv(zhRow()));
    expect(report).toMatchObject({ refused: false, format: 'csv', encoding: 'utf-8', imported: 1 });
    expect(ctx.cards.all()[0]).toMatchObject({
      age: '20岁',
      language: 'zh',
      bigFive: { openness: '中等偏低。对新想法接受程度较低', extraversion: '中低' },
      chiefComplaint: '总是渴望他人认可，总是拖延，怎么办？\n前几天和我妈吵架，她说："你是不是不吃？"',
      tags: ['亲子', '拖延'],
    });
  });

  it('imports UTF-8 with a BOM', () => {
    expect(run(`\uFEFF${zhCsv(zhRow())}`).report).toMatchObject({ refused: false, encoding: 'utf-8-bom', imported: 1 });
    expect(ctx.cards.all()[0]!.gender).toBe('女');
  });

  it('imports a CSV saved in GB18030 (Chinese Excel) with its Chinese intact', () => {
    const { report } = run(encodeGb18030(zhCsv(zhRow(), zhRow({ 主诉: '第二位来访者：失眠多梦，工作压力大。', 性别: '男性' }))));
    expect(report).toMatchObject({ refused: false, encoding: 'gb18030', imported: 2 });
    const [first, second] = ctx.cards.all();
    expect(first).toMatchObject({ gender: '女', education: '本科在读', familyRelationships: '与母亲关系紧张', bigFive: { neuroticism: '高。焦虑、情绪波动' } });
    expect(first!.chiefComplaint).toMatch(/^总是渴望他人认可/);
    expect(second).toMatchObject({ gender: '男性', chiefComplaint: '第二位来访者：失眠多梦，工作压力大。' });
  });

  it('reads semicolon-separated files and skips empty spreadsheet rows', () => {
    const text = zhCsv(zhRow()).replace(/,/g, ';').replace('拖延;亲子', '拖延');
    expect(run(`${text};;;;;;;;;;;;;\r\n`).report).toMatchObject({ refused: false, imported: 1 });
  });

  const malformed: [string, string | Buffer, RegExp][] = [
    ['unbalanced quotes', zhCsv(zhRow(), zhRow({ 主诉: '"没有结束的引号' }), zhRow({ 主诉: '普通的主诉' })), /cards\.csv line 4: A quoted cell opened on this line is never closed/],
    ['a stray quote closed by a later row', zhCsv(zhRow(), zhRow({ 主诉: '"没有结束的引号' }), zhRow()), /cards\.csv line 4 record 2: This row has 13 cells but the header has 14; .*unbalanced quote/],
    ['a missing complaint column', zhCsv(zhRow()).replace(',主诉', '').replace(/,"总是[^]*?,/, ','), /cards\.csv line 1: Missing column\(s\): chief_complaint/],
    ['an unknown column', zhCsv(zhRow()).replace('标签', '备注'), /cards\.csv line 1: Unknown column '备注' \(column 14\)\. The header row names the columns: id, split, .*; rename or remove the others$/],
    ['a column given twice', zhCsv(zhRow()).replace('标签', '性别'), /cards\.csv line 1: Column '性别' \(columns 1 and 14\) appears twice\. The header row/],
    ['a row with too few cells', zhCsv(zhRow(), '女,20'), /cards\.csv line 4 record 2: This row has 2 cells but the header has 14/],
    ['a control character', zhCsv(zhRow({ 宜人性: '中高\u0007' })), /line 2 record 1 \(宜人性\): Agreeableness contains a control character \(U\+0007 at character 3\)/],
    ['a broken extras cell', zhCsv(zhRow()).replace('标签', '标签,其他字段').replace(/拖延;亲子/g, '拖延;亲子,[{oops'), /line 2 record 1 \(其他字段\): The extras cell must be a JSON list/],
    ['an empty complaint', zhCsv(zhRow({ 主诉: '' })), /line 2 record 1 \(主诉\): The chief complaint is missing|must not be empty/],
    ['a header only', `${zhHeader}\r\n`, /cards\.csv: No cards found/],
    ['an empty file', '', /cards\.csv: The file is empty/],
    ['a binary file', Buffer.from([0x00, 0x01, 0x02, 0x03, 0x00, 0xff]), /cards\.csv: This is a binary file/],
    ['an Excel workbook', Buffer.from('504b030414000600080000002100', 'hex'), /cards\.csv: This is a ZIP archive .*CSV UTF-8/],
    ['UTF-16 with a byte-order mark', Buffer.from(`\uFEFF${zhCsv(zhRow())}`, 'utf16le'), /^cards\.csv: The file is UTF-16 \(little-endian\), not UTF-8: save as UTF-8/],
    ['UTF-16 without a byte-order mark', Buffer.from(zhCsv(zhRow()), 'utf16le'), /^cards\.csv: The file is UTF-16 \(little-endian, without a byte-order mark\), not UTF-8: save as UTF-8/],
    ['big-endian UTF-16 without a byte-order mark', Buffer.from(zhCsv(zhRow()), 'utf16le').swap16(), /^cards\.csv: The file is UTF-16 \(big-endian, without a byte-order mark\), not UTF-8: save as UTF-8/],
    ['bytes that are neither UTF-8 nor GB18030', Buffer.concat([Buffer.from(`${zhHeader}\n`), Buffer.from([0x81, 0x20, 0xff, 0xff])]), /not valid UTF-8 \(line 2, byte \d+\) and is not GB18030\/GBK either/],
  ];
  it.each(malformed)('refuses %s, naming the problem and the place', (_label, content, message) => {
    const { report, text } = run(content);
    expect(report.refused).toBe(true);
    expect(ctx.cards.count()).toBe(0);
    expect(text).toMatch(message);
  });

  it('reports a header of 10,000 columns once, with a count and the first few names', () => {
    const extra = Array.from({ length: 10_000 - 14 }, (_, i) => `列${i + 1}`);
    const row = zhRow().split(',').concat(extra.map(() => 'x'));
    const { report, text } = run(`${[`${zhHeader},${extra.join(',')}`, row.join(','), row.join(',')].join('\r\n')}\r\n`);
    expect(report).toMatchObject({ refused: true, moreProblems: 0 });
    expect(report.problems).toHaveLength(1);
    expect(text).toMatch(/^cards\.csv line 1: 9,986 unknown columns: '列1' \(column 15\), '列2' \(column 16\), '列3' \(column 17\), '列4' \(column 18\), '列5' \(column 19\) … and 9,981 more\. The header row names the columns: id, split, /);
    expect(text.length).toBeLessThan(700);
  });

  it('says everything wrong with a header in one problem: unknown, doubled and missing columns', () => {
    // Only the complaint is required (a card is what its author wrote); a renamed 主诉 is missing.
    const header = zhHeader.replace('主诉', '工作单位').replace('标签', '性别').concat(',备注,note');
    const { report, text } = run(`${header}\r\n${zhRow()},a,b\r\n`);
    expect(report.problems).toHaveLength(1);
    expect(text).toMatch(
      /^cards\.csv line 1: 3 unknown columns: '工作单位' \(column 13\), '备注' \(column 15\), 'note' \(column 16\)\. Column '性别' \(columns 1 and 14\) appears twice\. Missing column\(s\): chief_complaint\. The header row/,
    );
  });

  it('refuses the whole file when one row of many is bad', () => {
    const rows = Array.from({ length: 50 }, (_, i) => zhRow({ 主诉: `第${i}位来访者的主诉。`, 年龄: i === 37 ? '三十\u0007' : '30' }));
    const { report, text } = run(zhCsv(...rows));
    expect(report).toMatchObject({ refused: true, found: 50, imported: 0 });
    expect(text).toMatch(/^cards\.csv line 39 record 38 \(年龄\): Age contains a control character/);
    expect(ctx.cards.count()).toBe(0);
  });

  it('keeps free text, ages that are not one number and empty cells as written', () => {
    const { report } = run(zhCsv(zhRow({ 年龄: '30-35岁', 宜人性: '未具体提及。但可能与低宜人性有关', 性别: '', 阻抗程度: '可能中等偏高。表现为回避' })));
    expect(report).toMatchObject({ refused: false, imported: 1 });
    expect(ctx.cards.all()[0]).toMatchObject({ gender: '', age: '30-35岁', bigFive: { agreeableness: '未具体提及。但可能与低宜人性有关' }, resistance: '可能中等偏高。表现为回避' });
  });

  it('reads an older export: a level column and its description column become one text', () => {
    const header = 'id,split,language,gender,age,education,occupation,marital_status,family_relationships,openness,openness_description,conscientiousness,conscientiousness_description,extraversion,extraversion_description,agreeableness,agreeableness_description,neuroticism,neuroticism_description,resistance,resistance_description,chief_complaint,tags,source,created_at,updated_at';
    const row = '1,pool,zh,女,20,本科,学生,单身,和睦,中等偏低,不爱尝试,高,,中等,话不多,中等偏高,,高,易焦虑,中等,有所保留,总是焦虑怎么办？,,manual,2024-01-01T00:00:00.000Z,2024-01-01T00:00:00.000Z';
    const { report } = run(`\uFEFF${header}\r\n${row}\r\n`);
    expect(report).toMatchObject({ refused: false, imported: 1 });
    expect(ctx.cards.all()[0]).toMatchObject({
      age: '20',
      bigFive: { openness: '中等偏低。不爱尝试', conscientiousness: '高', extraversion: '中等。话不多', agreeableness: '中等偏高', neuroticism: '高。易焦虑' },
      resistance: '中等。有所保留',
    });
  });
});
