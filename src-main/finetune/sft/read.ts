import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DomainError } from '../../common/errors';
import { approxConversationTokens } from './tokens';

// Reads back an SFT data file (this app's export, or any LLaMA-Factory sharegpt/openai file)
// for the job configuration: how many samples, the longest one (approximately, as the export
// counts), and the name its dataset_info.json gives it.

export interface SftFileSummary {
  samples: number;
  longestTokens: number;
  /** The dataset_info.json entry beside the file whose file_name is this file, if any. */
  datasetName: string | null;
}

type Message = Record<string, unknown>;

export function readSftFile(path: string): SftFileSummary {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DomainError('not_found', `Cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); export the data first: simpsy sft export ${path} --runs IDS`);
  }
  const records = parseRecords(path, text);
  let longest = 0;
  records.forEach(({ record, where }) => {
    const messages = (record.messages ?? record.conversations) as Message[] | undefined;
    if (!Array.isArray(messages)) throw new DomainError('validation', `${path}, ${where}: a record without "messages" or "conversations"; is this an SFT file?`);
    const contents = messages.map((m) => ({ content: String(m.content ?? m.value ?? '') }));
    if (typeof record.system === 'string') contents.unshift({ content: record.system });
    longest = Math.max(longest, approxConversationTokens(contents));
  });
  return { samples: records.length, longestTokens: longest, datasetName: nameInDatasetInfo(path) };
}

function parseRecords(path: string, text: string): { record: Record<string, unknown>; where: string }[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new DomainError('validation', `${path} is not valid JSON (${(error as Error).message}).`);
    }
    return (parsed as Record<string, unknown>[]).map((record, i) => ({ record, where: `record ${i + 1}` }));
  }
  return text.split('\n').flatMap((l, i) => {
    if (l.trim() === '') return [];
    try {
      return [{ record: JSON.parse(l) as Record<string, unknown>, where: `line ${i + 1}` }];
    } catch {
      throw new DomainError('validation', `${path}, line ${i + 1} is not a JSON record; an SFT file is a JSON array or JSON Lines.`);
    }
  });
}

function nameInDatasetInfo(path: string): string | null {
  try {
    const info = JSON.parse(readFileSync(join(dirname(path), 'dataset_info.json'), 'utf8')) as Record<string, { file_name?: string }>;
    return Object.entries(info).find(([, e]) => e?.file_name === basename(path))?.[0] ?? null;
  } catch {
    return null;
  }
}
