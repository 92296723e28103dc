import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { CardLanguage } from '../contract/role-card';
import type { AgentRole, DialogueImportInput, DialogueImportResult, EndReason } from '../contract/simulation';
import { DomainError, keyedError } from '../common/errors';
import { now } from '../common/time';
import type { Db } from '../storage/database';
import { writeTransaction } from '../storage/transaction';
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
// client is reported and skipped. The ending is recorded as `phrase` when the last counselor
// turn holds a termination phrase of the language, otherwise as `imported`.

interface Parsed {
  externalId: string;
  messages: { role: AgentRole; content: string }[];
}

const clientRoles = new Set(['client', 'user', 'human']);
const counselorRoles = new Set(['counselor', 'assistant', 'gpt']);

function toDialogue(raw: unknown): { role: AgentRole; content: string }[] | string {
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? ((raw as { messages?: unknown; conversations?: unknown }).messages ?? (raw as { conversations?: unknown }).conversations) : undefined;
  if (!Array.isArray(list)) return 'not a dialogue (expected an array of {role, content} messages)';
  const out: { role: AgentRole; content: string }[] = [];
  for (const m of list) {
    if (!m || typeof m !== 'object') return 'a message is not an object';
    const o = m as Record<string, unknown>;
    const roleText = String(o.role ?? o.from ?? '').toLowerCase();
    const content = o.content ?? o.value;
    if (typeof content !== 'string') return 'a message has no text content';
    if (roleText === 'system') continue;
    const role: AgentRole | null = clientRoles.has(roleText) ? 'client' : counselorRoles.has(roleText) ? 'counselor' : null;
    if (!role) return `unknown role '${roleText.slice(0, 20)}'`;
    out.push({ role, content });
  }
  return out;
}

function isMessageList(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((m) => m && typeof m === 'object' && !Array.isArray(m) && ('role' in m || 'from' in m) && !('messages' in m));
}

function parseFile(file: string, problems: DialogueImportResult['problems']): Parsed[] {
  const name = basename(file);
  const stem = basename(file, extname(file));
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    problems.push({ file: name, message: `cannot be read: ${(error as Error).message}` });
    return [];
  }
  const found: Parsed[] = [];
  const add = (externalId: string, raw: unknown) => {
    const d = toDialogue(raw);
    if (typeof d === 'string') problems.push({ file: externalId, message: d });
    else found.push({ externalId, messages: d });
  };
  if (extname(file).toLowerCase() === '.jsonl') {
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        const value = JSON.parse(line) as { id?: unknown };
        add(`${name}:${i + 1}${typeof value?.id === 'number' || typeof value?.id === 'string' ? ` (id ${value.id})` : ''}`, value);
      } catch (error) {
        problems.push({ file: `${name}:${i + 1}`, message: `not JSON: ${(error as Error).message}` });
      }
    });
    return found;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    problems.push({ file: name, message: `not JSON: ${(error as Error).message}` });
    return [];
  }
  if (isMessageList(value)) add(stem, value);
  else if (Array.isArray(value)) value.forEach((d, i) => add(`${stem}[${i}]`, d));
  else add(stem, value);
  return found;
}

/** Joins consecutive messages of one role; drops empty ones. */
export function normalise(messages: { role: AgentRole; content: string }[]): { messages: { role: AgentRole; content: string }[]; merged: number } {
  const out: { role: AgentRole; content: string }[] = [];
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

export async function importDialogues(
  db: Db,
  store: SimulationStore,
  resourcesDir: string,
  appVersion: string,
  input: DialogueImportInput,
): Promise<DialogueImportResult> {
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

  const problems: DialogueImportResult['problems'] = [];
  const dialogues: Parsed[] = [];
  for (let i = 0; i < files.length; i++) {
    dialogues.push(...parseFile(files[i]!, problems));
    if (i % 100 === 99) await yieldToLoop();
  }
  let merged = 0;
  const ready: (Parsed & { end: EndReason; phrase: string | null })[] = [];
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
    ready.push({ ...d, messages: n.messages, end: phrase ? 'phrase' : 'imported', phrase });
  }
  if (ready.length === 0) {
    throw new DomainError('validation', `No dialogue could be imported from ${input.path}${problems[0] ? `: ${problems[0].file}: ${problems[0].message}` : ''}.`);
  }

  const runId = store.createRun(
    {
      kind: 'import',
      title: input.title || `Imported: ${basename(input.path)}`,
      language,
      config: { source: input.path, files: files.length, importedAt: now(), appVersion, terminationPhrases: termination.phrases },
      appVersion,
      jobId: null,
    },
    [],
  );
  try {
    const SLICE = 100;
    for (let i = 0; i < ready.length; i += SLICE) {
      insertSlice(db, runId, i, ready.slice(i, i + SLICE));
      if (i + SLICE < ready.length) await yieldToLoop();
    }
    db.prepare('UPDATE sim_runs SET session_count = ? WHERE id = ?').run(ready.length, runId);
  } catch (error) {
    store.removeRun(runId);
    throw error;
  }
  return { runId, sessions: ready.length, messages: ready.reduce((n, d) => n + d.messages.length, 0), problems, merged };
}

function insertSlice(db: Db, runId: number, offset: number, slice: (Parsed & { end: EndReason; phrase: string | null })[]): void {
  const session = db.prepare(
    `INSERT INTO sim_sessions (run_id, seq, card_id, repetition, card_text, external_id, status, end_reason, end_phrase, turns, message_count,
       created_at, started_at, finished_at, updated_at)
     VALUES (?, ?, NULL, 1, NULL, ?, 'ended', ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const message = db.prepare('INSERT INTO sim_messages (session_id, idx, role, content, call_id, created_at) VALUES (?, ?, ?, ?, NULL, ?)');
  writeTransaction(db, () => {
    const stamp = now();
    slice.forEach((d, i) => {
      const turns = d.messages.filter((m) => m.role === 'counselor').length;
      const id = Number(session.run(runId, offset + i + 1, d.externalId, d.end, d.phrase, turns, d.messages.length, stamp, stamp, stamp, stamp).lastInsertRowid);
      d.messages.forEach((m, idx) => message.run(id, idx, m.role, m.content, stamp));
    });
  });
}
