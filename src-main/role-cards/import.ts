import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { CardFormat, CardImportInput, ImportProblem, ImportReport, RoleCardFields } from '../contract/role-card';
import { noTaskControl, type Task, type TaskControl } from '../workers/task';
import { checkFields, complaintKey, contentHash } from './card';
import { detectFormat, readTextFile, type ReadResult } from './formats/detect';
import type { ReadCard } from './formats/fields';
import { readCsv } from './formats/csv';
import { readJson, readJsonLines } from './formats/json';
import { readPaperFolder, type PaperSelection } from './formats/paper';
import { MAX_REPORTED_PROBLEMS, Problems, type Place, type ProblemList } from './import-report';
import type { CardKeys, RoleCardRepository } from './repository';

// Import is all or nothing: the input is read and checked whole, every problem is reported
// with its place, and only an input without problems is written, in one transaction.
// Cards identical to one already stored (or earlier in the same input) are skipped and
// listed, never doubled.

const PREVIEW = 20;
export const DEFER_INDEX_FROM = 500;
/** Cards checked between two progress reports and cancel checks. */
const PROGRESS_STEP = 256;

interface Checked {
  place: Place;
  card: RoleCardFields;
  times: { createdAt?: string; updatedAt?: string };
  keys: CardKeys;
}

/**
 * What reading and checking an input found: all of the import that needs no database, as
 * plain data, so it can be worked out in a worker thread and handed to the thread that owns
 * the database.
 */
export interface ReadInput {
  format: CardFormat | null;
  encoding: string | null;
  found: number;
  problems: ProblemList;
  warnings: ProblemList;
  /** Empty when there are problems: the input is refused. */
  cards: Checked[];
}

/** The whole import in this thread: read and check, then write. */
export function importCards(repo: RoleCardRepository, input: CardImportInput): ImportReport {
  return writeImport(repo, input, readInput(input));
}

/**
 * Reads an input and checks every card: the file's size, bytes and encoding, its format, each
 * record against the model, and each card's identity keys. Pure CPU and file reads; the
 * import's heavy half (a worker task for large inputs, see import-job.ts). `only` reads just
 * some cards of a paper-format folder (the cards of imported dialogues).
 */
export function readInput(input: CardImportInput, control: TaskControl = noTaskControl, only?: PaperSelection): ReadInput {
  const problems = new Problems();
  const warnings = new Problems();
  const result = (format: CardFormat | null, encoding: string | null, found = 0, cards: Checked[] = []): ReadInput => ({
    format,
    encoding,
    found,
    problems: problems.data(),
    warnings: warnings.data(),
    cards: problems.count > 0 ? [] : cards,
  });

  const file = basename(input.path);
  let isFolder: boolean;
  try {
    isFolder = statSync(input.path).isDirectory();
  } catch {
    problems.add({ file: input.path }, 'Nothing is at this path; check the spelling');
    return result(null, null);
  }
  let read: ReadResult | undefined;
  const readFile = (format: CardFormat) =>
    (read ??= readTextFile(input.path, { allowGb18030: format === 'csv', what: format === 'csv' ? 'CSV' : format.toUpperCase() }));

  let format: CardFormat;
  if (input.format === 'auto') {
    const detected = detectFormat(input.path, isFolder, () => {
      const r = readFile('csv');
      return r.ok ? r.text.slice(0, 4096) : undefined;
    });
    if (typeof detected !== 'string') {
      problems.add({ file }, read && !read.ok ? read.reason : detected.error);
      return result(null, null);
    }
    format = detected;
    // The sniffing read allowed GB18030; a JSON file must be UTF-8, so read it again strictly.
    if (format !== 'csv') read = undefined;
  } else format = input.format;

  if (format === 'paper' && !isFolder) {
    problems.add({ file }, 'The paper format is a folder: give the folder that holds raw_role_card/ and user_profiles/');
    return result(format, null);
  }
  if (format !== 'paper' && isFolder) {
    problems.add({ file }, `This is a folder; a ${format.toUpperCase()} import needs a file (or use --format paper for a paper-format folder)`);
    return result(format, null);
  }

  let cards: ReadCard[];
  let encoding: string | null = 'utf-8';
  if (format === 'paper') cards = readPaperFolder(input.path, problems, warnings, only);
  else {
    const text = readFile(format);
    if (!text.ok) {
      problems.add({ file }, text.reason);
      return result(format, null);
    }
    encoding = text.encoding;
    control.checkpoint();
    cards = format === 'csv' ? readCsv(text.text, file, problems) : format === 'json' ? readJson(text.text, file, problems) : readJsonLines(text.text, file, problems);
  }

  const checked: Checked[] = [];
  cards.forEach((card, i) => {
    if (i % PROGRESS_STEP === 0) {
      control.checkpoint();
      control.progress(i, cards.length);
    }
    checked.push(...check(card, input, problems));
  });
  control.progress(cards.length, cards.length);
  if (cards.length === 0 && problems.count === 0) problems.add({ file }, 'No cards found in the input');
  return result(format, encoding, cards.length, checked);
}

/**
 * The import's database half: refuses an input with problems, sorts out cards already stored
 * (or repeated in the input), and writes the rest in one transaction (none in a dry run).
 */
export function writeImport(repo: RoleCardRepository, input: CardImportInput, read: ReadInput): ImportReport {
  const refused: ImportReport = {
    path: input.path,
    format: read.format,
    encoding: read.encoding,
    dryRun: input.dryRun,
    refused: true,
    found: read.found,
    imported: 0,
    importable: 0,
    ids: [],
    problems: read.problems.list,
    moreProblems: read.problems.more,
    duplicates: [],
    duplicateCount: 0,
    warnings: read.warnings.list,
    preview: [],
  };
  if (read.problems.list.length + read.problems.more > 0) return refused;

  const warnings = Problems.from(read.warnings);
  const { fresh, duplicates } = sortOutDuplicates(repo, read.cards, warnings);
  const result: ImportReport = {
    ...refused,
    refused: false,
    importable: fresh.length,
    duplicates: duplicates.slice(0, MAX_REPORTED_PROBLEMS),
    duplicateCount: duplicates.length,
    warnings: warnings.sorted(),
    preview: fresh.slice(0, PREVIEW).map((c) => c.card),
  };
  if (input.dryRun) return result;
  // Indexing thousands of cards for search takes seconds; a large import leaves it to the
  // background (see indexer.ts) and the cards are found by scanning until then.
  const ids = repo.insertMany(fresh, { deferIndex: fresh.length >= DEFER_INDEX_FROM });
  return { ...result, imported: ids.length, ids };
}

/** The worker task: read and check, off the thread that answers the window. */
export const readInputTask: Task<CardImportInput, ReadInput> = (input, control) => readInput(input, control);

/** Validates one card read from the input against the model; problems name the file's field. */
function check(read: ReadCard, input: CardImportInput, problems: Problems): Checked[] {
  const candidate = input.split ? { ...read.candidate, split: input.split } : read.candidate;
  const result = checkFields(candidate);
  if (result.ok) {
    if (read.reported.size > 0) return [];
    const times: Checked['times'] = {};
    if (read.createdAt) times.createdAt = read.createdAt;
    if (read.updatedAt) times.updatedAt = read.updatedAt;
    return [{ place: read.place, card: result.card, times, keys: { contentHash: contentHash(result.card), complaintKey: complaintKey(result.card.chiefComplaint) } }];
  }
  for (const issue of result.issues) {
    const already = [...read.reported].some((p) => issue.path === p || issue.path.startsWith(`${p}.`) || p.startsWith(`${issue.path}.`));
    if (already) continue;
    const got = valueAt(candidate, issue.path);
    const shown = typeof got === 'number' || (typeof got === 'string' && got.length <= 30) ? ` (got ${JSON.stringify(got)})` : '';
    const line = read.lineOf?.(issue.path);
    problems.add(line === undefined ? read.place : { ...read.place, line }, `${issue.message}${got === undefined || got === '' ? '' : shown}`, issue.path ? read.fieldName(issue.path) : undefined);
  }
  return [];
}

function valueAt(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), value);
}

const where = (p: Place) => [p.file, p.line !== undefined ? `line ${p.line}` : '', p.record !== undefined ? `record ${p.record}` : ''].filter(Boolean).join(' ');

function sortOutDuplicates(repo: RoleCardRepository, cards: Checked[], warnings: Problems): { fresh: Checked[]; duplicates: ImportProblem[] } {
  const fresh: Checked[] = [];
  const duplicates: ImportProblem[] = [];
  const seen = new Map<string, Place>();
  const complaints = new Map<string, Place>();
  for (const c of cards) {
    const { contentHash: hash, complaintKey: key } = c.keys;
    const stored = repo.idsWithContent(hash);
    const earlier = seen.get(hash);
    if (stored.length > 0) {
      duplicates.push({ ...c.place, reason: `The same card is already stored as #${stored[0]}; not imported again` });
      continue;
    }
    if (earlier) {
      duplicates.push({ ...c.place, reason: `The same card appears earlier in the input (${where(earlier)}); imported once` });
      continue;
    }
    seen.set(hash, c.place);
    const sameComplaint = repo.idsWithComplaint(key);
    const earlierComplaint = complaints.get(key);
    if (sameComplaint.length > 0) {
      warnings.add(c.place, `The complaint is the same as card #${sameComplaint[0]}'s, with a different profile`, 'chiefComplaint');
    } else if (earlierComplaint) {
      warnings.add(c.place, `The complaint is the same as at ${where(earlierComplaint)}, with a different profile`, 'chiefComplaint');
    }
    complaints.set(key, c.place);
    fresh.push(c);
  }
  return { fresh, duplicates };
}
