import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { AgentRole, DialogueExportFormat, DialogueExportInput, DialogueExportResult, EndReason } from '../contract/simulation';
import { DomainError } from '../common/errors';
import { SafeFile, writeFailure } from '../common/safe-write';
import type { Db } from '../storage/database';
import type { DialogueRepository } from './dialogues';
import { counselorPrompts } from './counselor-prompt';

// Exports, one session a line (ShareGPT: a JSON array, as LLaMA-Factory's released file):
//  - paper:    {"id","runId","cardId","externalId","endReason","messages":[{"role":"client"|"counselor","content"}]};
//              externalId is where an imported session came from (`12`, `data.jsonl:4 (id 7)`), null for simulated ones
//  - sharegpt: [{"messages":[{"role":"system"|"user"|"assistant","content"}]}], system = the
//              counselor prompt of the session's run, user = client, assistant = counselor
//              (sharegpt/first_record.json; register it in dataset_info.json with
//              formatting "sharegpt", columns.messages "messages" and the role/content tags).
//  - openai:   {"messages":[…]} per line, the same roles (OpenAI fine-tuning format).
// Training formats end on a counselor turn: a trailing client message (a session that ended
// by refinement failure, error or cancellation) is left out of them.
// Sessions are read and written in slices with a turn of the event loop between them. The file
// is written through common/safe-write.ts: it appears whole or not at all, an existing file is
// replaced only with `overwrite`, a SQLite file never; when nothing matches, nothing is written.
// A slice's messages come from one query, and each record is assembled from JSON-encoded
// strings (the system prompt of a run encoded once), so an export costs little more than
// writing the file.

const SLICE = 200;

interface SessionMeta {
  id: number;
  run_id: number;
  card_id: number | null;
  external_id: string | null;
  end_reason: EndReason | null;
}

export async function exportDialogues(
  db: Db,
  repo: DialogueRepository,
  resourcesDir: string,
  input: DialogueExportInput,
  protect: readonly string[] = [],
): Promise<DialogueExportResult> {
  const ids = input.ids ?? repo.ids({ status: 'ended', ...(input.filter ?? {}) });
  if (ids.length === 0) throw new DomainError('not_found', 'No dialogues match: nothing was written.');
  const promptOf = counselorPrompts(db, resourcesDir);
  const systemMessages = new Map<number, string>();
  /** The run's system message, JSON-encoded once per run. */
  const systemOf = (meta: SessionMeta): string => {
    let message = systemMessages.get(meta.run_id);
    if (message === undefined) {
      message = JSON.stringify({ role: 'system', content: promptOf(meta.run_id).text });
      systemMessages.set(meta.run_id, message);
    }
    return message;
  };

  try {
    mkdirSync(dirname(input.path), { recursive: true });
  } catch (error) {
    throw writeFailure(input.path, error);
  }
  const file = SafeFile.create(input.path, { overwrite: input.overwrite ?? false, protect });
  let count = 0;
  try {
    if (input.format === 'sharegpt') file.write('[');
    const metaOf = db.prepare(
      'SELECT id, run_id, card_id, external_id, end_reason FROM sim_sessions WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id',
    );
    // Rows as arrays: 130,000 messages read as objects cost more than writing them.
    const messagesIn = db
      .prepare('SELECT session_id, role, content FROM sim_messages WHERE session_id IN (SELECT value FROM json_each(?)) ORDER BY session_id, idx')
      .raw();
    for (let i = 0; i < ids.length; i += SLICE) {
      const slice = JSON.stringify(ids.slice(i, i + SLICE));
      const metas = metaOf.all(slice) as SessionMeta[];
      const messagesOf = bySession(messagesIn.all(slice) as MessageRow[]);
      const lines: string[] = [];
      for (const meta of metas) {
        const messages = messagesOf.get(meta.id) ?? [];
        const line = format(input.format, meta, messages, systemOf);
        if (line === null) continue;
        lines.push(input.format === 'sharegpt' ? `${count === 0 && lines.length === 0 ? '' : ','}\n  ${line}` : `${line}\n`);
      }
      if (lines.length) file.write(lines.join(''));
      count += lines.length;
      if (i + SLICE < ids.length) await yieldToLoop();
    }
    if (count === 0) {
      const what = input.format === 'paper' ? 'has messages' : 'has a counselor turn to train on';
      throw new DomainError('not_found', `None of the ${ids.length} matching dialogues ${what}: nothing was written.`);
    }
    if (input.format === 'sharegpt') file.write('\n]\n');
    file.commit();
  } catch (error) {
    file.discard();
    throw error;
  }
  return { path: input.path, format: input.format, count, lines: count };
}

type MessageRow = [sessionId: number, role: AgentRole, content: string];

function bySession(rows: MessageRow[]): Map<number, { role: AgentRole; content: string }[]> {
  const out = new Map<number, { role: AgentRole; content: string }[]>();
  for (const [id, role, content] of rows) (out.get(id) ?? out.set(id, []).get(id)!).push({ role, content });
  return out;
}

const trainingRole = { client: '"user"', counselor: '"assistant"' } as const;

/** One record, assembled from JSON-encoded parts (equal to JSON.stringify of the record). */
function format(
  kind: DialogueExportFormat,
  meta: SessionMeta,
  messages: { role: AgentRole; content: string }[],
  systemOf: (meta: SessionMeta) => string,
): string | null {
  if (messages.length === 0) return null;
  if (kind === 'paper') {
    return JSON.stringify({ id: meta.id, runId: meta.run_id, cardId: meta.card_id, externalId: meta.external_id, endReason: meta.end_reason, messages });
  }
  const trained = messages.at(-1)!.role === 'client' ? messages.length - 1 : messages.length;
  if (trained === 0) return null;
  let line = `{"messages":[${systemOf(meta)}`;
  for (let i = 0; i < trained; i++) line += `,{"role":${trainingRole[messages[i]!.role]},"content":${JSON.stringify(messages[i]!.content)}}`;
  return `${line}]}`;
}
