import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// An independent re-implementation of what LLaMA-Factory accepts (data/converter.py, the
// sharegpt converter; data/processor/supervised.py), driven by the dataset_info.json entry the
// export wrote, with LLaMA-Factory's defaults for tags the entry leaves out. Written from the
// converter's rules, not from the export's code: a record passes when, after one optional
// system message (the system tag in first place), the roles go user, assistant, user, … with
// an even count of at least two (the converter's odd/even tags and its count check; the
// processor's "prompt of odd length, one response").

interface Entry {
  file_name: string;
  formatting?: string;
  columns?: Record<string, string>;
  tags?: Record<string, string>;
}

export interface Accepted {
  system: string;
  messages: { role: 'user' | 'assistant'; content: string }[];
}

export function llamaFactoryRead(dataPath: string, datasetName: string): { accepted: Accepted[]; rejected: number } {
  const info = JSON.parse(readFileSync(join(dirname(dataPath), 'dataset_info.json'), 'utf8')) as Record<string, Entry>;
  const entry = info[datasetName];
  if (!entry) throw new Error(`dataset_info.json has no entry ${datasetName}`);
  if (entry.formatting !== 'sharegpt') throw new Error(`formatting ${entry.formatting} is not sharegpt`);
  const column = entry.columns?.messages ?? 'conversations';
  const systemColumn = entry.columns?.system;
  const t = { role_tag: 'from', content_tag: 'value', user_tag: 'human', assistant_tag: 'gpt', system_tag: 'system', ...entry.tags };
  const text = readFileSync(join(dirname(dataPath), entry.file_name), 'utf8');
  const records = (text.trimStart().startsWith('[') ? JSON.parse(text) : text.trimEnd().split('\n').map((l) => JSON.parse(l))) as Record<string, unknown>[];
  const accepted: Accepted[] = [];
  let rejected = 0;
  for (const record of records) {
    let messages = record[column] as Record<string, string>[];
    let system = systemColumn ? String(record[systemColumn] ?? '') : '';
    if (messages.length > 0 && messages[0]![t.role_tag] === t.system_tag) {
      system = messages[0]![t.content_tag]!;
      messages = messages.slice(1);
    }
    const ok =
      messages.length >= 2 &&
      messages.length % 2 === 0 &&
      messages.every((m, i) => m[t.role_tag] === (i % 2 === 0 ? t.user_tag : t.assistant_tag) && typeof m[t.content_tag] === 'string');
    if (!ok) {
      rejected++;
      continue;
    }
    accepted.push({ system, messages: messages.map((m, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: m[t.content_tag]! })) });
  }
  return { accepted, rejected };
}
