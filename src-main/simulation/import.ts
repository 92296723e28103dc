import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { CardLanguage } from '../contract/role-card';
import type { AgentRole, DialogueImportInput, DialogueImportResult, EndReason } from '../contract/simulation';
import { DomainError, keyedError } from '../common/errors';
import { controlCharacterIn } from '../contract/text';
import { now } from '../common/time';
import { readTextFile } from '../role-cards/formats/detect';
import type { RoleCardRepository } from '../role-cards/repository';
import type { Db } from '../storage/database';
import { writeTransaction } from '../storage/transaction';
import { cardClaimOf, prepareCards, type CardClaim, type PairedCard } from './import-cards';
import { defaultTerminationPhrases } from './resources';
import { terminationMatcher } from './termination';
import type { SimulationStore } from './store';

// Imports real or released dialogues as a dataset (a run of kind `import`), so they can be
// browsed, searched, exported and compared with simulated ones. Accepted inputs:
//  - the paper's `dialogue/` folder: N.json files, each an array of {role: client|counselor, content};
//  - one such file;
//  - a JSON array of dialogues, or of {messages: [...]} records (ShareGPT / OpenAI roles);
//  - JSONL: this app's paper export, or OpenAI-messages lines.
// Roles: client/user/human → client, counselor/assistant/gpt → counselor; system messages are
// dropped. Consecutive messages of one role are joined (with a line break) into one turn, so
// the dialogue alternates as stored dialogues must. A dialogue that does not start with the
// client, or is not a dialogue, is reported and skipped. The ending is recorded as `phrase`
// when the last counselor turn holds a termination phrase of the language, else `imported`.
// The card each client saw comes with the dialogues (a record's `card` or `cardId`) or from
// the paper's card folder (`cards`); see import-cards.ts. A dialogue without one is stored
// without a card, and evaluation leaves it out of the card-based measures.
//
// Text that is not what it seems refuses the whole import, naming where: a file that is not
// UTF-8 (file, line and byte), a text holding a control character (file, line or record,
// field and character). The dataset is written in one transaction: an import interrupted at
// any point, even killed, leaves nothing, never a part of a dataset that looks whole.

interface Message {
  role: AgentRole;
  content: string;
}

interface Parsed {
  externalId: string;
  place: string;
  messages: Message[];
  card: CardClaim | null;
}

interface Ready extends Parsed {
  end: EndReason;
  phrase: string | null;
  turns: number;
}

type Problems = DialogueImportResult['problems'];

/** Where a record is, for messages: `sessions.jsonl line 4`, `data.json record 3`, `12.json`. */
interface Entry {
  externalId: string;
  place: string;
  value: unknown;
  /** Whether its texts may hold a control character (see mayHoldControls). */
  check: boolean;
}

const clientRoles = new Set(['client', 'user', 'human']);
const counselorRoles = new Set(['counselor', 'assistant', 'gpt']);
const MAX_REFUSALS = 5;
const holds = (where: string) => `holds the control character ${where}; only tab and line breaks are allowed`;

/**
 * False when no text parsed from this JSON can hold a forbidden character: JSON strings carry
 * C0 controls and lone surrogates only as `\u` escapes, so a file with no escape and no raw
 * DEL or C1 character needs no check of each text.
 */
const mayHoldControls = (json: string): boolean => json.includes('\\u') || /[\u007F-\u009F]/u.test(json);

/** The messages of a record and the field path of each (`messages[3]`, `[3]`), or why it is not a dialogue. */
function messagesOf(raw: unknown): { list: unknown[]; path: string } | string {
  if (Array.isArray(raw)) return { list: raw, path: '' };
  if (raw && typeof raw === 'object') {
    const o = raw as { messages?: unknown; conversations?: unknown };
    if (Array.isArray(o.messages)) return { list: o.messages, path: 'messages' };
    if (Array.isArray(o.conversations)) return { list: o.conversations, path: 'conversations' };
  }
  return 'not a dialogue (expected an array of {role, content} messages)';
}

/** Reads one record; control characters are refusals (collected), other faults skip the record. */
function toDialogue(record: Entry, problems: Problems, refusals: string[]): Parsed | null {
  const found = messagesOf(record.value);
  if (typeof found === 'string') {
    problems.push({ file: record.externalId, message: found });
    return null;
  }
  const refuse = (field: string, text: string) => {
    const where = record.check ? controlCharacterIn(text) : undefined;
    if (where) refusals.push(`${record.place}, field ${field}: ${holds(where)}`);
  };
  const id = (record.value as { id?: unknown } | null)?.id;
  if (typeof id === 'string') refuse('id', id);
  const out: Message[] = [];
  for (let i = 0; i < found.list.length; i++) {
    const m = found.list[i];
    if (!m || typeof m !== 'object') {
      problems.push({ file: record.externalId, message: 'a message is not an object' });
      return null;
    }
    const o = m as { role?: unknown; from?: unknown; content?: unknown; value?: unknown };
    const roleKey = o.role !== undefined ? 'role' : 'from';
    const contentKey = o.content !== undefined ? 'content' : 'value';
    const roleText = String(o[roleKey] ?? '').toLowerCase();
    const content = o[contentKey];
    if (typeof content !== 'string') {
      problems.push({ file: record.externalId, message: 'a message has no text content' });
      return null;
    }
    refuse(`${found.path}[${i}].${contentKey}`, content);
    if (roleText === 'system') continue;
    const role: AgentRole | null = clientRoles.has(roleText) ? 'client' : counselorRoles.has(roleText) ? 'counselor' : null;
    if (!role) {
      problems.push({ file: record.externalId, message: `unknown role ${JSON.stringify(roleText.slice(0, 20))}` });
      return null;
    }
    out.push({ role, content });
  }
  const card = cardClaimOf(record.value, record.place, record.check, refusals);
  return { externalId: record.externalId, place: record.place, messages: out, card };
}

function isMessageList(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((m) => m && typeof m === 'object' && !Array.isArray(m) && ('role' in m || 'from' in m) && !('messages' in m));
}

/** The records of one file; a file that is not UTF-8 text is a refusal, one that is not JSON a problem. */
function recordsOf(file: string, problems: Problems, refusals: string[]): Entry[] {
  const name = basename(file);
  const stem = basename(file, extname(file));
  const badName = controlCharacterIn(name);
  if (badName) {
    refusals.push(`the file name ${JSON.stringify(name)} ${holds(badName)}`);
    return [];
  }
  // An empty file holds no dialogue: skipped like one that is not JSON, not a reason to refuse.
  if (sizeOf(file) === 0) {
    problems.push({ file: name, message: 'the file is empty' });
    return [];
  }
  const read = readTextFile(file, { allowGb18030: false, what: 'dialogue JSON' });
  if (!read.ok) {
    refusals.push(`${name}: ${read.reason}`);
    return [];
  }
  const text = read.text;
  const check = mayHoldControls(text);
  if (extname(file).toLowerCase() === '.jsonl') {
    const records: Entry[] = [];
    let line = 0;
    for (const raw of text.split('\n')) {
      line++;
      if (raw.trim() === '') continue;
      try {
        const value = JSON.parse(raw) as { id?: unknown } | null;
        const id = value?.id;
        records.push({ externalId: `${name}:${line}${typeof id === 'number' || typeof id === 'string' ? ` (id ${id})` : ''}`, place: `${name} line ${line}`, value, check });
      } catch (error) {
        problems.push({ file: `${name}:${line}`, message: `not JSON: ${(error as Error).message}` });
      }
    }
    return records;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    problems.push({ file: name, message: `not JSON: ${(error as Error).message}` });
    return [];
  }
  if (isMessageList(value) || !Array.isArray(value)) return [{ externalId: stem, place: name, value, check }];
  return value.map((d, i) => ({ externalId: `${stem}[${i}]`, place: `${name} record ${i + 1}`, value: d, check }));
}

function sizeOf(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null; // readTextFile says why
  }
}

/** Joins consecutive messages of one role; drops empty ones. */
export function normalise(messages: readonly Message[]): { messages: Message[]; merged: number } {
  const out: Message[] = [];
  let merged = 0;
  for (const m of messages) {
    const content = m.content.trim();
    if (content === '') continue;
    const last = out.at(-1);
    if (last && last.role === m.role) {
      last.content = `${last.content}\n${content}`;
      merged++;
    } else out.push({ role: m.role, content });
  }
  return { messages: out, merged };
}

const byNumber = (a: string, b: string) => {
  const na = Number(basename(a, extname(a)));
  const nb = Number(basename(b, extname(b)));
  return Number.isFinite(na) && Number.isFinite(nb) ? na - nb : a.localeCompare(b);
};

function refusal(path: string, refusals: string[]): DomainError {
  const more = refusals.length > MAX_REFUSALS ? `; and ${refusals.length - MAX_REFUSALS} more` : '';
  return new DomainError(
    'validation',
    `Nothing was imported from ${path}: ${refusals.slice(0, MAX_REFUSALS).join('; ')}${more}. Fix the file${refusals.length > 1 ? 's' : ''} and import again.`,
  );
}

export async function importDialogues(
  db: Db,
  store: SimulationStore,
  resourcesDir: string,
  appVersion: string,
  input: DialogueImportInput,
  cards: RoleCardRepository,
): Promise<DialogueImportResult> {
  const titleFault = input.title ? controlCharacterIn(input.title) : undefined;
  if (titleFault) throw new DomainError('validation', `The title ${holds(titleFault)}.`);
  let stat;
  try {
    stat = statSync(input.path);
  } catch {
    throw keyedError('not_found', 'importNothingAt', { path: input.path }, `Nothing at ${input.path}: give the dialogue/ folder or a .json/.jsonl file.`);
  }
  const files = stat.isDirectory()
    ? readdirSync(input.path)
        .filter((f) => /\.jsonl?$/i.test(f))
        .sort(byNumber)
        .map((f) => join(input.path, f))
    : [input.path];
  if (files.length === 0) throw new DomainError('validation', `No .json or .jsonl files in ${input.path}.`);

  // Reading and checking yield to the event loop now and then; only the writing is one block.
  const problems: Problems = [];
  const refusals: string[] = [];
  const dialogues: Parsed[] = [];
  for (let i = 0; i < files.length; i++) {
    const records = recordsOf(files[i]!, problems, refusals);
    for (let k = 0; k < records.length; k++) {
      const d = toDialogue(records[k]!, problems, refusals);
      if (d) dialogues.push(d);
      if (k % 2000 === 1999) await yieldToLoop();
    }
    if (i % 100 === 99) await yieldToLoop();
  }
  if (refusals.length > 0) throw refusal(input.path, refusals);

  let merged = 0;
  const ready: Ready[] = [];
  const sample = dialogues.slice(0, 20).flatMap((d) => d.messages.map((m) => m.content)).join('');
  const language: CardLanguage = input.language ?? (/[\u4e00-\u9fff]/.test(sample) || sample === '' ? 'zh' : 'en');
  const termination = terminationMatcher(defaultTerminationPhrases(resourcesDir, language));
  for (const d of dialogues) {
    const n = normalise(d.messages);
    if (n.messages.length === 0) {
      problems.push({ file: d.externalId, message: 'no messages' });
      continue;
    }
    if (n.messages[0]!.role !== 'client') {
      problems.push({ file: d.externalId, message: 'starts with the counselor; dialogues here open with the client' });
      continue;
    }
    merged += n.merged;
    const last = n.messages.at(-1)!;
    const phrase = last.role === 'counselor' ? termination.match(last.content) : null;
    ready.push({ ...d, messages: n.messages, end: phrase ? 'phrase' : 'imported', phrase, turns: n.messages.length >> 1 });
  }
  if (ready.length === 0) {
    throw new DomainError('validation', `No dialogue could be imported from ${input.path}${problems[0] ? `: ${problems[0].file}: ${problems[0].message}` : ''}.`);
  }
  const pairing = prepareCards(cards, input.cards, ready, refusals);
  if (refusals.length > 0) throw refusal(input.path, refusals);

  let paired: ReturnType<typeof pairing.write> = { cards: [], imported: 0, existing: 0 };
  const runId = writeTransaction(db, () => {
    paired = pairing.write();
    const id = store.createRun(
      {
        kind: 'import',
        title: input.title || `Imported: ${basename(input.path)}`,
        language,
        config: { source: input.path, files: files.length, importedAt: now(), appVersion, terminationPhrases: termination.phrases, ...(input.cards ? { cards: input.cards } : {}) },
        appVersion,
        jobId: null,
      },
      [],
    );
    insertSessions(db, id, ready, paired.cards);
    db.prepare('UPDATE sim_runs SET session_count = ? WHERE id = ?').run(ready.length, id);
    return id;
  });
  const withCard = paired.cards.filter((c) => c !== null).length;
  return {
    runId,
    sessions: ready.length,
    messages: ready.reduce((n, d) => n + d.messages.length, 0),
    problems,
    merged,
    withCard,
    withoutCard: ready.length - withCard,
    cardsImported: paired.imported,
    cardsExisting: paired.existing,
  };
}

/** Alternating messages from the client: the counselor has every odd position, so turns = ⌊messages/2⌋. */
function insertSessions(db: Db, runId: number, sessions: Ready[], cards: (PairedCard | null)[]): void {
  const session = db.prepare(
    `INSERT INTO sim_sessions (run_id, seq, card_id, repetition, card_text, external_id, status, end_reason, end_phrase, turns, message_count,
       created_at, started_at, finished_at, updated_at)
     VALUES (?, ?, ?, 1, ?, ?, 'ended', ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const message = db.prepare('INSERT INTO sim_messages (session_id, idx, role, content, call_id, created_at) VALUES (?, ?, ?, ?, NULL, ?)');
  const stamp = now();
  for (let i = 0; i < sessions.length; i++) {
    const d = sessions[i]!;
    const card = cards[i] ?? null;
    const id = session.run(runId, i + 1, card?.cardId ?? null, card?.cardText ?? null, d.externalId, d.end, d.phrase, d.turns, d.messages.length, stamp, stamp, stamp, stamp).lastInsertRowid;
    for (let idx = 0; idx < d.messages.length; idx++) message.run(id, idx, d.messages[idx]!.role, d.messages[idx]!.content, stamp);
  }
}
