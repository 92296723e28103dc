import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { CardLanguage } from '../contract/role-card';
import type { AgentRole, DialogueExportFormat, DialogueExportInput, DialogueExportResult, EndReason, RunSnapshot } from '../contract/simulation';
import { DomainError } from '../common/errors';
import { SafeFile, writeFailure } from '../common/safe-write';
import type { Db } from '../storage/database';
import type { DialogueRepository } from './dialogues';
import { counselorTemplate } from './resources';

// Exports, one session a line (ShareGPT: a JSON array, as LLaMA-Factory's released file):
//  - paper:    {"id","runId","cardId","endReason","messages":[{"role":"client"|"counselor","content"}]}
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

const SLICE = 200;

interface SessionMeta {
  id: number;
  run_id: number;
  card_id: number | null;
  end_reason: EndReason | null;
  config: string;
  language: CardLanguage;
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
  const systemPrompts = new Map<number, string>();
  const systemOf = (meta: SessionMeta): string => {
    let prompt = systemPrompts.get(meta.run_id);
    if (prompt === undefined) {
      let config: Partial<RunSnapshot> = {};
      try {
        config = JSON.parse(meta.config) as Partial<RunSnapshot>;
      } catch {
        // an unreadable snapshot falls back to the default prompt
      }
      prompt = config.counselor?.template ?? counselorTemplate(resourcesDir, meta.language);
      systemPrompts.set(meta.run_id, prompt);
    }
    return prompt;
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
      `SELECT s.id, s.run_id, s.card_id, s.end_reason, r.config, r.language FROM sim_sessions s JOIN sim_runs r ON r.id = s.run_id
       WHERE s.id IN (SELECT value FROM json_each(?)) ORDER BY s.id`,
    );
    for (let i = 0; i < ids.length; i += SLICE) {
      const metas = metaOf.all(JSON.stringify(ids.slice(i, i + SLICE))) as SessionMeta[];
      const lines: string[] = [];
      for (const meta of metas) {
        const messages = repo.messages(meta.id);
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

function format(
  kind: DialogueExportFormat,
  meta: SessionMeta,
  messages: { role: AgentRole; content: string }[],
  systemOf: (meta: SessionMeta) => string,
): string | null {
  if (messages.length === 0) return null;
  if (kind === 'paper') {
    return JSON.stringify({ id: meta.id, runId: meta.run_id, cardId: meta.card_id, endReason: meta.end_reason, messages });
  }
  const trained = messages.at(-1)!.role === 'client' ? messages.slice(0, -1) : messages;
  if (trained.length === 0) return null;
  const chat = [
    { role: 'system', content: systemOf(meta) },
    ...trained.map((m) => ({ role: m.role === 'client' ? 'user' : 'assistant', content: m.content })),
  ];
  return JSON.stringify({ messages: chat });
}
