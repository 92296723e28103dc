import { traits, type RoleCardView, type Trait } from '../../contract/role-card';
import { guessLanguage } from '../card';
import type { Problems } from '../import-report';
import { parseCsv, guessDelimiter, writeCsvRows } from './csv-text';
import { RecordReader, ratingText, type ReadCard } from './fields';

// Cards as a spreadsheet: one card per row, one column per element (see README.md for the
// list), each cell the text as written. Headers may be our snake_case names or the Chinese
// labels a counselor would type (性别, 年龄, 开放性 …). Extra fields travel in one `extras`
// cell as JSON ([{"after": …, "label": …, "value": …}]). Older exports wrote a level in the
// trait's column and its description in `<trait>_description`: both are read and joined into
// one text ("中等偏高。描述"). Tags are separated by ;.

type Column =
  | 'id' | 'split' | 'language' | 'gender' | 'age' | 'education' | 'occupation' | 'maritalStatus'
  | 'familyRelationships' | Trait | `${Trait}Description` | 'resistance' | 'resistanceDescription'
  | 'extras' | 'chiefComplaint' | 'tags' | 'source' | 'createdAt' | 'updatedAt';

/** Export order and header names. */
export const csvColumns: [Column, string][] = [
  ['id', 'id'],
  ['split', 'split'],
  ['language', 'language'],
  ['gender', 'gender'],
  ['age', 'age'],
  ['education', 'education'],
  ['occupation', 'occupation'],
  ['maritalStatus', 'marital_status'],
  ['familyRelationships', 'family_relationships'],
  ...traits.map((t): [Column, string] => [t, t]),
  ['resistance', 'resistance'],
  ['extras', 'extras'],
  ['chiefComplaint', 'chief_complaint'],
  ['tags', 'tags'],
  ['source', 'source'],
  ['createdAt', 'created_at'],
  ['updatedAt', 'updated_at'],
];

/** Columns older exports wrote and imports still read. */
const olderColumns: [Column, string][] = [
  ...traits.map((t): [Column, string] => [`${t}Description`, `${t}_description`]),
  ['resistanceDescription', 'resistance_description'],
];

const zhNames: Partial<Record<Column, string[]>> = {
  id: ['编号'],
  split: ['划分', '数据集'],
  language: ['语言'],
  gender: ['性别'],
  age: ['年龄'],
  education: ['教育程度', '学历'],
  occupation: ['职业'],
  maritalStatus: ['婚恋情况', '婚姻情况', '婚恋状况', '婚姻状况'],
  familyRelationships: ['家庭关系'],
  openness: ['开放性'],
  conscientiousness: ['尽责性', '责任心'],
  extraversion: ['外向性'],
  agreeableness: ['宜人性'],
  neuroticism: ['神经质'],
  opennessDescription: ['开放性描述', '开放性说明'],
  conscientiousnessDescription: ['尽责性描述', '尽责性说明'],
  extraversionDescription: ['外向性描述', '外向性说明'],
  agreeablenessDescription: ['宜人性描述', '宜人性说明'],
  neuroticismDescription: ['神经质描述', '神经质说明'],
  resistance: ['阻抗程度', '对心理咨询的阻抗程度', '抗拒程度', '对心理咨询的抗拒程度'],
  resistanceDescription: ['阻抗描述', '阻抗程度描述', '阻抗说明'],
  extras: ['其他字段', '附加字段'],
  chiefComplaint: ['主诉', '主诉问题', '来访者的主诉问题'],
  tags: ['标签'],
  source: ['来源'],
  createdAt: ['创建时间'],
  updatedAt: ['更新时间'],
};

const squash = (s: string) => s.normalize('NFKC').replace(/[\s_-]/g, '').toLowerCase();
const headerIndex = new Map<string, Column>();
for (const [column, name] of [...csvColumns, ...olderColumns]) {
  headerIndex.set(squash(name), column);
  headerIndex.set(squash(column), column);
  for (const zh of zhNames[column] ?? []) headerIndex.set(squash(zh), column);
}
headerIndex.set('complaint', 'chiefComplaint');
headerIndex.set('sex', 'gender');

// Elements a card leaves out are empty; only the complaint is required.
const required: Column[] = ['chiefComplaint'];

const splitWords: Record<string, 'pool' | 'test'> = { pool: 'pool', train: 'pool', 训练: 'pool', 训练集: 'pool', test: 'test', 测试: 'test', 测试集: 'test' };
const languageWords: Record<string, 'zh' | 'en'> = { zh: 'zh', 中文: 'zh', chinese: 'zh', en: 'en', 英文: 'en', english: 'en' };

export function readCsv(text: string, file: string, problems: Problems): ReadCard[] {
  const delimiter = guessDelimiter(text);
  const parsed = parseCsv(text, delimiter);
  if (!parsed.ok) {
    problems.add({ file, line: parsed.line }, parsed.reason);
    return [];
  }
  const [head, ...rows] = parsed.rows.filter((r) => r.cells.some((c) => c.trim() !== ''));
  if (!head) {
    problems.add({ file }, 'The file has no header row and no cards');
    return [];
  }
  const header = readHeader(head.cells);
  if ('problem' in header) {
    problems.add({ file, line: head.line }, header.problem);
    return [];
  }
  const { columns } = header;

  const nameOf = (path: string): string => {
    const [top, trait] = path.split('.');
    if (top === 'bigFive' && trait) return columns.get(trait as Trait)?.name ?? path;
    return columns.get(top as Column)?.name ?? path;
  };

  const cards: ReadCard[] = [];
  rows.forEach((row, i) => {
    const reader = new RecordReader({ file, line: row.line, record: i + 1 }, problems, nameOf);
    if (row.cells.length !== head.cells.length) {
      problems.add(reader.place, `This row has ${row.cells.length} cells but the header has ${head.cells.length}; check for a missing or extra delimiter, or an unbalanced quote`);
      return;
    }
    const cell = (c: Column): string | undefined => {
      const at = columns.get(c);
      return at ? row.cells[at.index]!.trim() : undefined;
    };
    const language = languageWords[(cell('language') ?? '').toLowerCase()] ?? guessLanguage(cell('chiefComplaint') ?? '');
    // An older export's level and description columns, joined as it would have shown them.
    const rating = (column: Trait | 'resistance') => {
      const value = cell(column) ?? '';
      const description = cell(`${column}Description`) ?? '';
      return description === '' ? value : value === '' ? description : ratingText(value, description, language);
    };
    const candidate: Record<string, unknown> = {
      gender: cell('gender') ?? '',
      age: cell('age') ?? '',
      education: cell('education') ?? '',
      occupation: cell('occupation') ?? '',
      maritalStatus: cell('maritalStatus') ?? '',
      familyRelationships: cell('familyRelationships') ?? '',
      bigFive: Object.fromEntries(traits.map((t) => [t, rating(t)])),
      resistance: rating('resistance'),
      extras: readExtras(cell('extras') ?? '', reader),
      chiefComplaint: cell('chiefComplaint'),
      tags: (cell('tags') ?? '').split(/[;；]/).map((t) => t.trim()).filter(Boolean),
      source: cell('source') || `file:${file}`,
    };
    const split = cell('split');
    if (split) {
      candidate.split = splitWords[split.toLowerCase()];
      if (!candidate.split) reader.complain('split', `Unknown split '${split}': use pool or test`);
    }
    const languageCell = cell('language');
    if (languageCell) {
      candidate.language = languageWords[languageCell.toLowerCase()];
      if (!candidate.language) reader.complain('language', `Unknown language '${languageCell}': use zh or en`);
    } else candidate.language = language;
    const times: { createdAt?: string; updatedAt?: string } = {};
    for (const key of ['createdAt', 'updatedAt'] as const) {
      const t = cell(key);
      if (!t) continue;
      if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(t) && !Number.isNaN(Date.parse(t))) {
        times[key] = new Date(t).toISOString();
      } else reader.complain(key, `Not a time: '${t}'; use the form 2024-05-01T08:30:00Z`);
    }
    cards.push(reader.done(candidate, times));
  });
  return cards;
}

/** The `extras` cell: a JSON list of { after, label, value }, or empty. */
function readExtras(text: string, reader: RecordReader): unknown {
  if (text === '') return [];
  try {
    return JSON.parse(text) as unknown;
  } catch {
    reader.complain('extras', 'The extras cell must be a JSON list such as [{"after": "familyRelationships", "label": "经济状况", "value": "…"}], or empty');
    return undefined;
  }
}

type Columns = Map<Column, { index: number; name: string }>;

/**
 * Which column holds what, or one problem saying everything wrong with the header: a file with
 * 10,000 columns gets one line with a count and the first few names, not a line per column.
 */
function readHeader(cells: string[]): { columns: Columns } | { problem: string } {
  const columns: Columns = new Map();
  const unknown: string[] = [];
  const twice: string[] = [];
  const shown = (name: string) => `'${name.length > 30 ? `${name.slice(0, 30)}…` : name}'`;
  cells.forEach((cell, index) => {
    const name = cell.trim();
    const column = headerIndex.get(squash(name));
    if (!column) unknown.push(`${shown(name)} (column ${index + 1})`);
    else if (columns.has(column)) twice.push(`${shown(name)} (columns ${columns.get(column)!.index + 1} and ${index + 1})`);
    else columns.set(column, { index, name });
  });
  const missing = required.filter((c) => !columns.has(c)).map((c) => csvColumns.find((x) => x[0] === c)![1]);
  const few = (list: string[]) => (list.length > 5 ? `${list.slice(0, 5).join(', ')} … and ${(list.length - 5).toLocaleString('en')} more` : list.join(', '));
  const faults = [
    unknown.length === 1 ? `Unknown column ${unknown[0]}` : unknown.length > 1 ? `${unknown.length.toLocaleString('en')} unknown columns: ${few(unknown)}` : '',
    twice.length === 1 ? `Column ${twice[0]} appears twice` : twice.length > 1 ? `${twice.length} columns appear twice: ${few(twice)}` : '',
    missing.length > 0 ? `Missing column(s): ${missing.join(', ')}` : '',
  ].filter(Boolean);
  if (faults.length === 0) return { columns };
  const names = csvColumns.map((c) => c[1]).join(', ');
  return { problem: `${faults.join('. ')}. The header row names the columns: ${names} (or 性别, 年龄 … in Chinese); rename or remove the others` };
}

/** Every cell is the text as written; extra fields as JSON, empty when there are none. */
export function writeCsv(cards: RoleCardView[]): string {
  const rows = cards.map((card) => {
    const value: Partial<Record<Column, string>> = {
      id: String(card.id),
      split: card.split,
      language: card.language,
      gender: card.gender,
      age: card.age,
      education: card.education,
      occupation: card.occupation,
      maritalStatus: card.maritalStatus,
      familyRelationships: card.familyRelationships,
      ...Object.fromEntries(traits.map((t) => [t, card.bigFive[t]])),
      resistance: card.resistance,
      extras: card.extras.length > 0 ? JSON.stringify(card.extras) : '',
      chiefComplaint: card.chiefComplaint,
      tags: card.tags.join(';'),
      source: card.source,
      createdAt: card.createdAt,
      updatedAt: card.updatedAt,
    };
    return csvColumns.map(([c]) => value[c] ?? '');
  });
  // A UTF-8 BOM makes Excel (Chinese Windows included) open the file as UTF-8.
  return `\uFEFF${writeCsvRows([csvColumns.map((c) => c[1]), ...rows])}`;
}
