import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { traitLabels, traits, type CardLanguage, type ExtraAnchor, type RoleCardFields, type Split, type Trait } from '../../contract/role-card';
import { graphemeLength } from '../../contract/text';
import { bulletMark, profileText } from '../card-text';
import type { Place, Problems } from '../import-report';
import { readTextFile } from './detect';
import { RecordReader, type ReadCard } from './fields';
import { jsonFailure } from './json';

// The paper's released format (github.com/qiuhuachuan/interactive-agents): a folder holding
// raw_role_card/<split>/N.txt (the profile, `字段：值` lines with the Big Five as ` - 特质：…`
// lines under 大五人格) and user_profiles/<split>.json (an array of complaints; element N
// belongs to N.txt). The paper's splits are `train` (our pool) and `test`.
//
// A card file is read as its author wrote it, counselor or LLM, and nothing in it is lost:
//  - each of the nine elements starts at a line with its label (aliases below); the value is
//    the rest of that line and every following line that does not start another field, so
//    nested lines ("家庭关系：" then "- 母亲：…") belong to the value above them;
//  - an unindented `标签：值` line whose label is none of the nine is an extra field, kept
//    with its label in its place (after the element it follows);
//  - blank lines, spaces at line ends and the indentation and bullets of trait lines are
//    layout, not content; a value's own lines keep their text and bullets;
//  - a label given twice keeps the second as an extra field of that name;
//  - levels and ages are not checked: a value that does not parse is free text.
// Only a file with no role-card field at all is refused.

type Element =
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
// data says 婚恋情况 and 阻抗程度), compared without spaces, `*` and case. `loose` names are
// ordinary words too ("- 工作：父亲在外地工作" under 家庭关系), so they start an element
// only on an unindented line without a bullet.
const aliases: Record<Element, { zh: string[]; en: string[]; loose?: string[] }> = {
  gender: { zh: ['性别'], en: ['gender'], loose: ['sex'] },
  age: { zh: ['年龄'], en: ['age'] },
  education: { zh: ['教育程度', '受教育程度', '教育背景'], en: ['education', 'educationlevel'], loose: ['学历'] },
  occupation: { zh: ['职业'], en: ['occupation'], loose: ['工作', 'job'] },
  maritalStatus: { zh: ['婚恋情况', '婚姻情况', '婚恋状况', '婚姻状况'], en: ['maritalstatus', 'relationshipstatus'] },
  familyRelationships: { zh: ['家庭关系'], en: ['familyrelationships', 'familyrelationship'], loose: ['family'] },
  bigFive: { zh: ['大五人格', '大五人格特质'], en: ['bigfive', 'bigfivepersonalitytraits', 'bigfivepersonality'], loose: ['personality'] },
  openness: { zh: ['开放性'], en: ['openness'] },
  conscientiousness: { zh: ['尽责性', '责任心', '尽职性', '严谨性'], en: ['conscientiousness'] },
  extraversion: { zh: ['外向性'], en: ['extraversion', 'extroversion'] },
  agreeableness: { zh: ['宜人性', '随和性'], en: ['agreeableness'] },
  neuroticism: { zh: ['神经质'], en: ['neuroticism'] },
  resistance: {
    zh: ['对心理咨询的阻抗程度', '对心理咨询的抗拒程度', '阻抗程度', '抗拒程度'],
    en: ['resistancetopsychologicalcounseling', 'resistancetocounseling', 'resistancetocounselling', 'resistance'],
    loose: ['阻抗'],
  },
  chiefComplaint: { zh: ['来访者的主诉问题', '主诉问题'], en: ['chiefcomplaint', 'chiefcomplaints'], loose: ['主诉'] },
};

const squash = (label: string) => label.normalize('NFKC').replace(/[\s*_]/g, '').toLowerCase();
const labelIndex = new Map<string, { field: Element; language: CardLanguage; loose: boolean }>();
for (const [field, names] of Object.entries(aliases) as [Element, (typeof aliases)[Element]][]) {
  for (const n of names.zh) labelIndex.set(squash(n), { field, language: 'zh', loose: false });
  for (const n of names.en) labelIndex.set(squash(n), { field, language: 'en', loose: false });
  for (const n of names.loose ?? []) labelIndex.set(squash(n), { field, language: /\p{Script=Han}/u.test(n) ? 'zh' : 'en', loose: true });
}

const isTrait = (f: Element): f is Trait => (traits as readonly string[]).includes(f);

/** `标签：值`, the label short and without sentence punctuation (else the line is text). */
const fieldLine = /^([^：:]{1,40}?)\s*[：:]\s*(.*)$/su;
const looksLikeLabel = (label: string) => graphemeLength(label.trim()) <= 20 && !/[，。,.;；!?！？、()（）"“”]/u.test(label);

/** The file's own words for a model path, so a problem names what the user sees. */
function paperFieldName(path: string, language: CardLanguage, extras: { label: string }[]): string {
  const [top, second] = path.split('.');
  const zh = language === 'zh';
  if (top === 'bigFive' && second) return `${zh ? '大五人格' : 'Big Five'} - ${traitLabels[language][second as Trait]}`;
  if (top === 'extras' && second !== undefined) return extras[Number(second)]?.label || (zh ? '（无标签的文字）' : '(unlabelled text)');
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

/** A value being read: its lines so far and the line it started on. */
interface Slot {
  lines: string[];
  line: number;
}

/**
 * Reads one card text: the profile lines, optionally followed by the complaint line (the
 * whole card as the client agent receives it).
 */
export function readProfile(text: string, place: Place, problems: Problems): Profile {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const values = new Map<Element, Slot>();
  const extras: (Slot & { after: ExtraAnchor; label: string })[] = [];
  const votes = { zh: 0, en: 0 };
  let anchor: ExtraAnchor = 'start';
  /** Where a line that starts no field goes; none right under the 大五人格 heading. */
  let current: Slot | undefined;
  let complaint: string | undefined;
  const extra = (label: string, first: string, line: number) => {
    extras.push({ after: anchor, label, lines: first === '' ? [] : [first], line });
    current = extras.at(-1);
  };
  for (let i = 0; i < lines.length; i++) {
    const body = lines[i]!.trim();
    if (body === '') continue;
    const plain = !/^\s/u.test(lines[i]!) && !bulletMark.test(body);
    const m = fieldLine.exec(body.replace(bulletMark, '').trimStart());
    const label = m?.[1]!.trim() ?? '';
    const first = m?.[2]!.trim() ?? '';
    const found = m ? labelIndex.get(squash(label)) : undefined;
    // Trait lines are bulleted and indented every which way; the other elements stand at
    // the start of a line, where an ordinary word cannot be mistaken for one.
    const known = found && (isTrait(found.field) || plain) && (!found.loose || plain) ? found : undefined;
    if (known && !values.has(known.field)) {
      votes[known.language]++;
      if (known.field === 'chiefComplaint') {
        complaint = [m![2]!, ...lines.slice(i + 1)].join('\n');
        break;
      }
      values.set(known.field, { lines: [], line: i + 1 });
      anchor = known.field;
      if (known.field === 'bigFive') {
        // Text beside or under the heading, before the first trait, is kept there.
        current = undefined;
        if (first !== '') extra('', first, i + 1);
        continue;
      }
      current = values.get(known.field)!;
      if (first !== '') current.lines.push(first);
      continue;
    }
    if (m && (known || (plain && looksLikeLabel(label)))) {
      extra(label, first, i + 1);
      continue;
    }
    // Anything else continues the value above it, as written (bullets included).
    if (current) current.lines.push(body);
    else extra('', body, i + 1);
  }
  const language: CardLanguage = votes.en > votes.zh ? 'en' : 'zh';
  const reader = new RecordReader(place, problems, (path) => paperFieldName(path, language, extras));
  if (values.size === 0 && complaint === undefined) {
    problems.add(place, 'This is not a role card: no line starts with a card field such as 性别：… 年龄：… 大五人格：… (or Gender: … Age: …)');
  }
  const value = (field: Element) => values.get(field)?.lines.join('\n') ?? '';
  const candidate: Record<string, unknown> = {
    gender: value('gender'),
    age: value('age'),
    education: value('education'),
    occupation: value('occupation'),
    maritalStatus: value('maritalStatus'),
    familyRelationships: value('familyRelationships'),
    bigFive: Object.fromEntries(traits.map((t) => [t, value(t)])),
    resistance: value('resistance'),
    extras: extras.map((e) => ({ after: e.after, label: e.label, value: e.lines.join('\n') })),
    language,
  };
  const card = reader.done(candidate, {
    lineOf: (path) => {
      const [top, second] = path.split('.');
      if (top === 'extras') return extras[Number(second)]?.line;
      return values.get((top === 'bigFive' && second ? second : top) as Element)?.line;
    },
  });
  return complaint === undefined ? { card } : { card, complaint };
}

const splitFolders: Record<string, Split> = { train: 'pool', pool: 'pool', test: 'test' };

/** Some cards of one split: what pairing imported dialogues with their cards reads. */
export interface PaperSelection {
  folder: string;
  numbers: ReadonlySet<number>;
}

/** Every card in a paper-format folder, in split then N order; or only the selected ones. */
export function readPaperFolder(root: string, problems: Problems, warnings: Problems, only?: PaperSelection): ReadCard[] {
  const cardsDir = join(root, 'raw_role_card');
  if (!isFolder(cardsDir)) {
    problems.add({ file: root }, 'No raw_role_card folder here. A paper-format folder holds raw_role_card/<split>/N.txt and user_profiles/<split>.json');
    return [];
  }
  const cards: ReadCard[] = [];
  const folders = only ? [only.folder] : readdirSync(cardsDir).filter((n) => isFolder(join(cardsDir, n))).sort();
  if (folders.length === 0) problems.add({ file: 'raw_role_card' }, 'No split folders (train, test) inside raw_role_card');
  if (only && !isFolder(join(cardsDir, only.folder))) {
    problems.add({ file: 'raw_role_card' }, `No split folder '${only.folder}' inside raw_role_card`);
    return [];
  }
  for (const folder of folders) {
    const split = splitFolders[folder];
    if (!split) {
      problems.add({ file: `raw_role_card/${folder}` }, `Unknown split folder '${folder}': name it train (the pool) or test`);
      continue;
    }
    const complaints = readComplaints(root, folder, problems);
    // A selection reads just its cards: the rest of the split is neither read nor judged.
    const names = only ? [...only.numbers].map((n) => `${n}.txt`).filter((name) => isFile(join(cardsDir, folder, name))) : readdirSync(join(cardsDir, folder));
    const numbered = names
      .map((name) => ({ name, n: /^(0|[1-9]\d*)\.txt$/.exec(name)?.[1] }))
      .filter((f): f is { name: string; n: string } => {
        if (f.n === undefined) warnings.add({ file: `raw_role_card/${folder}/${f.name}` }, 'Not a card file (cards are named N.txt); ignored');
        return f.n !== undefined;
      })
      .map((f) => ({ name: f.name, n: Number(f.n) }))
      .sort((a, b) => a.n - b.n);
    if (!only && complaints && complaints.length > numbered.length) {
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

const isFile = (path: string) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

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
