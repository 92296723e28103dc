import { traits, type RoleCardView } from '../../contract/role-card';
import { fieldsOf, guessLanguage } from '../card';
import type { Place, Problems } from '../import-report';
import { RecordReader, type ReadCard } from './fields';
import { LineIndex, cardListOffsets, jsonSyntaxError } from './json-syntax';

// Our own format, documented in src-main/role-cards/README.md.
//   JSON:  { "format": "simpsy-role-cards", "version": 2, "exportedAt": "…", "cards": [card, …] }
//          (a bare array of cards is read too)
//   JSONL: a header line { "format": "simpsy-role-cards", "version": 2 }, then one card per line
//          (the header may be left out)
// A card is the model's fields (every element as the text written for it, extra fields as
// { after, label, value }) plus id, createdAt and updatedAt on export. Version 1 files (a
// numeric age, { level, description } ratings) are read too; a newer version is refused.

export const FORMAT_NAME = 'simpsy-role-cards';
export const FORMAT_VERSION = 2;
const READABLE_VERSIONS = [1, 2];

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** One card object from a file, read leniently (level words, "25岁") into the model's shape. */
function readRecord(value: unknown, place: Place, problems: Problems, fileName: string): ReadCard | undefined {
  const reader = new RecordReader(place, problems, (path) => path);
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    problems.add(place, `Expected a card object { "gender": …, "age": …, … }, found ${describe(value)}`);
    return undefined;
  }
  const { id: _id, createdAt, updatedAt, ...fields } = value as Record<string, unknown>;
  const times: { createdAt?: string; updatedAt?: string } = {};
  for (const [key, time] of [['createdAt', createdAt], ['updatedAt', updatedAt]] as const) {
    if (time === undefined) continue;
    if (typeof time === 'string' && isoTime.test(time) && !Number.isNaN(Date.parse(time))) times[key] = new Date(time).toISOString();
    else reader.complain(key, `${key} must be an ISO 8601 time such as 2024-05-01T08:30:00Z`);
  }
  const candidate: Record<string, unknown> = { ...fields };
  if (candidate.language === undefined && typeof fields.chiefComplaint === 'string') candidate.language = guessLanguage(fields.chiefComplaint);
  const language = candidate.language === 'en' ? 'en' : 'zh';
  if ('age' in fields) candidate.age = reader.age(fields.age, language);
  const bigFive = fields.bigFive;
  if (bigFive && typeof bigFive === 'object' && !Array.isArray(bigFive)) {
    const mapped: Record<string, unknown> = { ...(bigFive as Record<string, unknown>) };
    for (const t of traits) if (t in mapped) mapped[t] = reader.rating(mapped[t], `bigFive.${t}`, language);
    candidate.bigFive = mapped;
  }
  if ('resistance' in fields) candidate.resistance = reader.rating(fields.resistance, 'resistance', language);
  if (candidate.source === undefined) candidate.source = `file:${fileName}`;
  return reader.done(candidate, times);
}

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'string' ? 'text' : typeof v);

function headerProblem(value: Record<string, unknown>): string | undefined {
  if (value.format !== FORMAT_NAME) return `Unknown format '${String(value.format)}': expected "${FORMAT_NAME}"`;
  if (!READABLE_VERSIONS.includes(value.version as number)) {
    return typeof value.version === 'number' && value.version > FORMAT_VERSION
      ? `Written by a newer SimPsy Studio (format version ${value.version}; this one reads versions up to ${FORMAT_VERSION}). Update the app`
      : `Unknown format version '${String(value.version)}': expected ${READABLE_VERSIONS.join(' or ')}`;
  }
  return undefined;
}

/**
 * Why a text JSON.parse refused is not JSON, in words a person can use: the line and column
 * and what is wrong there, from our own scan (see json-syntax.ts), never the parser's message.
 */
export function jsonFailure(text: string): { reason: string; line?: number; truncated: boolean } {
  const error = jsonSyntaxError(text);
  // Both read RFC 8259; should they ever disagree, say so without a position rather than guess one.
  if (!error) return { reason: 'Not valid JSON; check it with a JSON validator', truncated: false };
  const { line, column } = new LineIndex(text).at(error.offset);
  if (error.offset >= text.length) {
    return { reason: 'The JSON ends before it is complete: the file looks truncated', line, truncated: true };
  }
  return { reason: `Not valid JSON at column ${column}: ${error.problem}`, line, truncated: false };
}

export function readJson(text: string, file: string, problems: Problems): ReadCard[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const failure = jsonFailure(text);
    problems.add({ file, ...(failure.line !== undefined ? { line: failure.line } : {}) }, failure.reason);
    return [];
  }
  let list: unknown;
  if (Array.isArray(data)) list = data;
  else if (data && typeof data === 'object' && 'format' in data) {
    const problem = headerProblem(data as Record<string, unknown>);
    if (problem) {
      problems.add({ file }, problem, 'format');
      return [];
    }
    list = (data as { cards?: unknown }).cards;
    if (!Array.isArray(list)) {
      problems.add({ file }, 'Expected "cards": [ … ] holding the cards', 'cards');
      return [];
    }
  } else {
    problems.add({ file }, `Expected a list of cards or { "format": "${FORMAT_NAME}", "version": ${FORMAT_VERSION}, "cards": [ … ] }, found ${describe(data)}`);
    return [];
  }
  const cards = list as unknown[];
  if (cards.length > 0 && cards.every((c) => typeof c === 'string')) {
    problems.add({ file }, 'This is a list of complaints only (like the paper\'s user_profiles/<split>.json); import the whole paper folder instead');
    return [];
  }
  // Lines are found once for the whole file: recounting from the start for every card made
  // importing 13,473 cards take minutes.
  const starts = cardListOffsets(text);
  const lines = new LineIndex(text);
  const read: ReadCard[] = [];
  cards.forEach((card, record) => {
    const offset = starts.length === cards.length ? starts[record] : undefined;
    const place: Place = { file, record, ...(offset !== undefined ? { line: lines.at(offset).line } : {}) };
    const r = readRecord(card, place, problems, file);
    if (r) read.push(r);
  });
  return read;
}

export function readJsonLines(text: string, file: string, problems: Problems): ReadCard[] {
  const lines = text.split('\n');
  const read: ReadCard[] = [];
  let seenCard = false;
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      const failure = jsonFailure(line);
      const reason = failure.truncated ? 'This line is not complete JSON (it ends early); each line must hold one whole card' : failure.reason;
      problems.add({ file, line: i + 1 }, reason);
      return;
    }
    if (!seenCard && value && typeof value === 'object' && 'format' in value) {
      const problem = headerProblem(value as Record<string, unknown>);
      if (problem) problems.add({ file, line: i + 1 }, problem, 'format');
      return;
    }
    seenCard = true;
    const r = readRecord(value, { file, line: i + 1 }, problems, file);
    if (r) read.push(r);
  });
  return read;
}

/** A card as our files store it: id first, then the fields, then the times. */
export function toRecord(card: RoleCardView): Record<string, unknown> {
  return { id: card.id, ...fieldsOf(card), createdAt: card.createdAt, updatedAt: card.updatedAt };
}

export function writeJson(cards: RoleCardView[], exportedAt: string): string {
  return `${JSON.stringify({ format: FORMAT_NAME, version: FORMAT_VERSION, exportedAt, cards: cards.map(toRecord) }, null, 2)}\n`;
}

export function writeJsonLines(cards: RoleCardView[]): string {
  const header = JSON.stringify({ format: FORMAT_NAME, version: FORMAT_VERSION });
  return [header, ...cards.map((c) => JSON.stringify(toRecord(c)))].join('\n').concat('\n');
}
