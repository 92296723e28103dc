import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { traitLabels, traits, type CardLanguage, type RoleCardFields, type Split, type Trait } from '../../contract/role-card';
import { profileText } from '../card-text';
import type { Place, Problems } from '../import-report';
import { readTextFile } from './detect';
import { RecordReader, type ReadCard } from './fields';
import { jsonFailure } from './json';

// The paper's released format (github.com/qiuhuachuan/interactive-agents): a folder holding
// raw_role_card/<split>/N.txt (the profile, 8 `字段：值` lines with the Big Five as five
// ` - 特质：…` sub-lines) and user_profiles/<split>.json (an array of complaints; element N
// belongs to N.txt). The paper's splits are `train` (our pool) and `test`.

type Field =
  | 'gender'
  | 'age'
  | 'education'
  | 'occupation'
  | 'maritalStatus'
  | 'familyRelationships'
  | 'bigFive'
  | 'resistance'
  | 'chiefComplaint'
  | Trait;

// Labels as the paper and its data write them (Figure 8 says 婚姻情况 and 抗拒程度 where the
// data says 婚恋情况 and 阻抗程度), compared without spaces and case.
const aliases: Record<Field, { zh: string[]; en: string[] }> = {
  gender: { zh: ['性别'], en: ['gender', 'sex'] },
  age: { zh: ['年龄'], en: ['age'] },
  education: { zh: ['教育程度', '学历', '受教育程度'], en: ['education', 'educationlevel'] },
  occupation: { zh: ['职业', '工作'], en: ['occupation', 'job'] },
  maritalStatus: { zh: ['婚恋情况', '婚姻情况', '婚恋状况', '婚姻状况'], en: ['maritalstatus', 'relationshipstatus'] },
  familyRelationships: { zh: ['家庭关系'], en: ['familyrelationships', 'familyrelationship', 'family'] },
  bigFive: { zh: ['大五人格', '大五人格特质'], en: ['bigfive', 'bigfivepersonalitytraits', 'bigfivepersonality', 'personality'] },
  openness: { zh: ['开放性'], en: ['openness'] },
  conscientiousness: { zh: ['尽责性', '责任心', '尽职性', '严谨性'], en: ['conscientiousness'] },
  extraversion: { zh: ['外向性'], en: ['extraversion', 'extroversion'] },
  agreeableness: { zh: ['宜人性', '随和性'], en: ['agreeableness'] },
  neuroticism: { zh: ['神经质'], en: ['neuroticism'] },
  resistance: {
    zh: ['对心理咨询的阻抗程度', '对心理咨询的抗拒程度', '阻抗程度', '抗拒程度', '阻抗'],
    en: ['resistancetopsychologicalcounseling', 'resistancetocounseling', 'resistancetocounselling', 'resistance'],
  },
  chiefComplaint: { zh: ['来访者的主诉问题', '主诉问题', '主诉'], en: ['chiefcomplaint', 'chiefcomplaints'] },
};

const squash = (label: string) => label.normalize('NFKC').replace(/[\s*_]/g, '').toLowerCase();
const labelIndex = new Map<string, { field: Field; language: CardLanguage }>();
for (const [field, names] of Object.entries(aliases) as [Field, { zh: string[]; en: string[] }][]) {
  for (const n of names.zh) labelIndex.set(squash(n), { field, language: 'zh' });
  for (const n of names.en) labelIndex.set(squash(n), { field, language: 'en' });
}

const knownFields = '性别, 年龄, 教育程度, 职业, 婚恋情况, 家庭关系, 大五人格 (with - 开放性 … - 神经质), 对心理咨询的阻抗程度';

const isTrait = (f: Field): f is Trait => (traits as readonly string[]).includes(f);

/** The file's own words for a model path, so a problem names what the user sees. */
function paperFieldName(path: string, language: CardLanguage): string {
  const [top, trait] = path.split('.');
  const zh = language === 'zh';
  if (top === 'bigFive' && trait) return `${zh ? '大五人格' : 'Big Five'} - ${traitLabels[language][trait as Trait]}`;
  const names: Record<string, [string, string]> = {
    gender: ['性别', 'Gender'],
    age: ['年龄', 'Age'],
    education: ['教育程度', 'Education'],
    occupation: ['职业', 'Occupation'],
    maritalStatus: ['婚恋情况', 'Marital status'],
    familyRelationships: ['家庭关系', 'Family relationships'],
    bigFive: ['大五人格', 'Big Five'],
    resistance: ['对心理咨询的阻抗程度', 'Resistance to psychological counseling'],
    chiefComplaint: ['来访者的主诉问题', 'Chief complaint'],
  };
  const pair = names[top ?? ''];
  return pair ? pair[zh ? 0 : 1] : path;
}

interface Profile {
  card: ReadCard;
  /** The complaint when the card text carries it (a `来访者的主诉问题：` line). */
  complaint?: string;
}

/**
 * Reads one card text: the profile lines, optionally followed by the complaint line (the
 * whole card as the client agent receives it). An indented line, or one that does not look
 * like `字段：值`, continues the value above it, so multi-line values survive a round trip.
 */
export function readProfile(text: string, place: Place, problems: Problems): Profile {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const values = new Map<Field, { value: string; line: number }>();
  const votes = { zh: 0, en: 0 };
  let current: Field | undefined;
  const early: [number, string, Field | undefined][] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') {
      if (current && current !== 'bigFive') values.get(current)!.value += '\n';
      continue;
    }
    // An indented line (not a ` - 特质：` sub-line) continues the value above it.
    if (current && current !== 'bigFive' && /^\s/u.test(raw) && !/^\s*[-–—•·*]\s*[^：:]{1,40}[：:]/u.test(raw)) {
      values.get(current)!.value += `\n${raw.replace(/^ {1,2}/, '')}`;
      continue;
    }
    const m = /^\s*(?:[-–—•·*]\s*)?([^：:]{1,40}?)\s*[：:]\s?(.*)$/su.exec(raw);
    const known = m ? labelIndex.get(squash(m[1]!)) : undefined;
    if (!m || !known) {
      const looksLikeLabel = m && m[1]!.length <= 12 && !/[，。,.;；!?！？]/u.test(m[1]!);
      if (current && current !== 'bigFive' && !looksLikeLabel) {
        values.get(current)!.value += `\n${raw}`;
        continue;
      }
      early.push([i + 1, m ? `Unknown field '${m[1]!.trim()}': expected one of ${knownFields}` : "Expected a line '字段：值' (field, colon, value)", undefined]);
      continue;
    }
    votes[known.language]++;
    if (values.has(known.field)) {
      early.push([i + 1, `'${m[1]!.trim()}' appears twice (first on line ${values.get(known.field)!.line})`, known.field]);
      continue;
    }
    if (known.field === 'chiefComplaint') {
      values.set('chiefComplaint', { value: [m[2]!, ...lines.slice(i + 1)].join('\n'), line: i + 1 });
      break;
    }
    values.set(known.field, { value: m[2]!, line: i + 1 });
    current = known.field;
  }
  const language: CardLanguage = votes.en > votes.zh ? 'en' : 'zh';
  const reader = new RecordReader(place, problems, (path) => paperFieldName(path, language));
  const pathOf = (field: Field) => (isTrait(field) ? `bigFive.${field}` : field);
  for (const [line, reason, field] of early) problems.add({ ...place, line }, reason, field && paperFieldName(pathOf(field), language));

  const at = (field: Field) => values.get(field);
  const take = (field: Field, path: string = field): string | undefined => {
    const v = at(field);
    if (!v) {
      reader.complain(path, `Missing line '${paperFieldName(path, language)}${language === 'zh' ? '：' : ': '}…'`);
      return undefined;
    }
    return v.value.trim();
  };
  const withLine = <T>(field: Field, read: (r: RecordReader) => T): T => read(reader.atLine(at(field)?.line));

  const bigFive: Record<string, unknown> = {};
  for (const t of traits) {
    const value = take(t, `bigFive.${t}`);
    if (value !== undefined) bigFive[t] = withLine(t, (r) => r.rating(value, `bigFive.${t}`));
  }
  const age = take('age');
  const resistance = take('resistance');
  const complaint = at('chiefComplaint')?.value.trim();
  const candidate: Record<string, unknown> = {
    gender: take('gender'),
    age: age === undefined ? undefined : withLine('age', (r) => r.age(age)),
    education: take('education'),
    occupation: take('occupation'),
    maritalStatus: take('maritalStatus'),
    familyRelationships: take('familyRelationships'),
    bigFive,
    resistance: resistance === undefined ? undefined : withLine('resistance', (r) => r.rating(resistance, 'resistance')),
    language,
  };
  const card = reader.done(candidate, {
    lineOf: (path) => {
      const [top, trait] = path.split('.');
      return at((top === 'bigFive' && trait ? trait : top) as Field)?.line;
    },
  });
  return complaint === undefined ? { card } : { card, complaint };
}

const splitFolders: Record<string, Split> = { train: 'pool', pool: 'pool', test: 'test' };

/** Every card in a paper-format folder, in split then N order. */
export function readPaperFolder(root: string, problems: Problems, warnings: Problems): ReadCard[] {
  const cardsDir = join(root, 'raw_role_card');
  if (!isFolder(cardsDir)) {
    problems.add({ file: root }, 'No raw_role_card folder here. A paper-format folder holds raw_role_card/<split>/N.txt and user_profiles/<split>.json');
    return [];
  }
  const cards: ReadCard[] = [];
  const folders = readdirSync(cardsDir).filter((n) => isFolder(join(cardsDir, n))).sort();
  if (folders.length === 0) problems.add({ file: 'raw_role_card' }, 'No split folders (train, test) inside raw_role_card');
  for (const folder of folders) {
    const split = splitFolders[folder];
    if (!split) {
      problems.add({ file: `raw_role_card/${folder}` }, `Unknown split folder '${folder}': name it train (the pool) or test`);
      continue;
    }
    const complaints = readComplaints(root, folder, problems);
    const names = readdirSync(join(cardsDir, folder));
    const numbered = names
      .map((name) => ({ name, n: /^(0|[1-9]\d*)\.txt$/.exec(name)?.[1] }))
      .filter((f): f is { name: string; n: string } => {
        if (f.n === undefined) warnings.add({ file: `raw_role_card/${folder}/${f.name}` }, 'Not a card file (cards are named N.txt); ignored');
        return f.n !== undefined;
      })
      .map((f) => ({ name: f.name, n: Number(f.n) }))
      .sort((a, b) => a.n - b.n);
    if (complaints && complaints.length > numbered.length) {
      warnings.add(
        { file: `user_profiles/${folder}.json` },
        `${complaints.length} complaints but ${numbered.length} card files; complaints without a card are not imported`,
      );
    }
    for (const { name, n } of numbered) {
      const file = `raw_role_card/${folder}/${name}`;
      const read = readTextFile(join(cardsDir, folder, name), { allowGb18030: false, what: 'role card' });
      if (!read.ok) {
        problems.add({ file }, read.reason);
        continue;
      }
      const profile = readProfile(read.text, { file }, problems);
      const complaint = pickComplaint(profile, complaints, { folder, n, file }, problems);
      Object.assign(profile.card.candidate, { chiefComplaint: complaint, split, tags: [], source: `paper:${folder}/${n}` });
      cards.push(profile.card);
    }
  }
  return cards;
}

/**
 * The complaint for card N: element N of user_profiles/<split>.json, or else the card's own
 * `来访者的主诉问题：` line. Both present and different is a conflict the user must settle.
 */
function pickComplaint(
  profile: Profile,
  complaints: unknown[] | undefined | null,
  at: { folder: string; n: number; file: string },
  problems: Problems,
): unknown {
  if (complaints === null) {
    profile.card.reported.add('chiefComplaint');
    return undefined;
  }
  const listFile = `user_profiles/${at.folder}.json`;
  const fromList = complaints?.[at.n];
  const refuse = (place: Place, reason: string) => {
    problems.add(place, reason, 'chiefComplaint');
    profile.card.reported.add('chiefComplaint');
    return undefined;
  };
  if (fromList === undefined && profile.complaint === undefined) {
    return refuse(
      complaints ? { file: listFile, record: at.n } : { file: at.file },
      complaints
        ? `No complaint for ${at.file}: the array has ${complaints.length} entries (0–${complaints.length - 1})`
        : `No complaint for this card: add ${listFile} (a JSON array of complaints) or a line '来访者的主诉问题：…'`,
    );
  }
  if (fromList === undefined) return profile.complaint;
  if (typeof fromList !== 'string') return refuse({ file: listFile, record: at.n }, 'A complaint must be text');
  if (profile.complaint !== undefined && profile.complaint.trim() !== fromList.trim()) {
    return refuse({ file: at.file }, `The card's own complaint line differs from ${listFile} entry ${at.n}; keep one of them`);
  }
  return fromList;
}

/** The complaints list; undefined when there is none, null when it is broken (already reported). */
function readComplaints(root: string, folder: string, problems: Problems): unknown[] | undefined | null {
  const file = `user_profiles/${folder}.json`;
  const path = join(root, 'user_profiles', `${folder}.json`);
  if (!existsSync(path)) return undefined;
  const read = readTextFile(path, { allowGb18030: false, what: 'JSON' });
  if (!read.ok) {
    problems.add({ file }, read.reason);
    return null;
  }
  try {
    const list: unknown = JSON.parse(read.text);
    if (!Array.isArray(list)) {
      problems.add({ file }, 'Expected a JSON array of complaint strings');
      return null;
    }
    return list;
  } catch {
    const failure = jsonFailure(read.text);
    problems.add({ file, ...(failure.line !== undefined ? { line: failure.line } : {}) }, failure.reason);
    return null;
  }
}

const isFolder = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

const folderOf: Record<Split, string> = { pool: 'train', test: 'test' };

/** One split as the paper writes it: card texts for N.txt (numbered from 0) and user_profiles/<folder>.json. */
export interface PaperSplit {
  folder: string;
  cards: string[];
  complaints: string;
}

/** The paper's files for these cards, numbering each split from 0 in the order given; the pool is `train`. */
export function paperSplits(cards: RoleCardFields[]): PaperSplit[] {
  return (['pool', 'test'] as const)
    .map((split) => ({ folder: folderOf[split], chosen: cards.filter((c) => c.split === split) }))
    .filter(({ chosen }) => chosen.length > 0)
    .map(({ folder, chosen }) => ({
      folder,
      cards: chosen.map((card) => profileText(card, card.language)),
      complaints: `${JSON.stringify(chosen.map((c) => c.chiefComplaint), null, 2)}\n`,
    }));
}
