import type { TrainingMessage } from './shape';

// The two record shapes LLaMA-Factory reads with `formatting: sharegpt` (data/README.md):
//  - openai:   {"messages":[{"role":"system",…},{"role":"user",…},{"role":"assistant",…},…]}, the
//              system prompt as the first message (the paper's released data/data.json);
//  - sharegpt: {"conversations":[{"from":"human","value":…},{"from":"gpt","value":…},…],"system":…},
//              the system prompt in its own column.
// A file is a JSON array of records (one record a line inside it, as the released data.json
// holds them), or JSON Lines with --jsonl; LLaMA-Factory's `json` loader reads both.
// Records are assembled from JSON-encoded parts: the system prompt is encoded once per run,
// not once per sample (a prefix export repeats it for every counselor turn).

export const sftFormats = ['openai', 'sharegpt'] as const;
export type SftFormat = (typeof sftFormats)[number];

const sharegptRole = { user: 'human', assistant: 'gpt' } as const;

/** One record, equal to JSON.stringify of it; `systemJson` is JSON.stringify(system prompt). */
export function sftRecord(format: SftFormat, systemJson: string, messages: readonly TrainingMessage[]): string {
  if (format === 'openai') {
    let line = `{"messages":[{"role":"system","content":${systemJson}}`;
    for (const m of messages) line += `,{"role":"${m.role}","content":${JSON.stringify(m.content)}}`;
    return `${line}]}`;
  }
  const turns = messages.map((m) => `{"from":"${sharegptRole[m.role]}","value":${JSON.stringify(m.content)}}`);
  return `{"conversations":[${turns.join(',')}],"system":${systemJson}}`;
}

export interface DatasetInfoEntry {
  file_name: string;
  formatting: 'sharegpt';
  columns: Record<string, string>;
  tags: Record<string, string>;
}

/** The dataset_info.json entry that reads a file of these records (every tag spelled out). */
export function datasetInfoEntry(format: SftFormat, fileName: string): DatasetInfoEntry {
  if (format === 'openai') {
    return {
      file_name: fileName,
      formatting: 'sharegpt',
      columns: { messages: 'messages' },
      tags: { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant', system_tag: 'system' },
    };
  }
  return {
    file_name: fileName,
    formatting: 'sharegpt',
    columns: { messages: 'conversations', system: 'system' },
    tags: { role_tag: 'from', content_tag: 'value', user_tag: 'human', assistant_tag: 'gpt' },
  };
}
