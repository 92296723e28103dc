import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { CardLanguage } from '../../contract/role-card';
import { DomainError } from '../../common/errors';
import { missingResource, readOptionalResource } from '../../simulation/resources';

// What a judge is given besides the dialogue: the topic list, the WAI items with their
// scoring guides, and the prompt templates. Defaults ship in resources/evaluation/ (edit them
// there, or pass your own files); a job keeps the exact text it was started with, so a
// resumed job asks the same questions whatever changed meanwhile.

export interface Topic {
  topic: string;
  definition: string;
}

export interface WaiItemText {
  item: number;
  text: string;
  guide: string;
}

const topicList = z
  .array(z.strictObject({ topic: z.string().trim().min(1, 'name the topic').max(100), definition: z.string().trim().min(1, 'give a one-line definition').max(500) }))
  .min(2, 'list at least two topics (entropy over one topic is 0)');

const waiItems = z
  .array(z.strictObject({ item: z.number().int().min(1).max(12), text: z.string().trim().min(1, 'give the item text'), guide: z.string().trim().min(1, 'give the 1–7 scoring guide') }))
  .length(12, 'give all 12 WAI-O-S items');

/** The line of the `index`-th element of a top-level JSON array, for error messages. */
function lineOfElement(text: string, index: number): number {
  let depth = 0;
  let inString = false;
  let line = 1;
  let seen = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 1 && !/[\s,\]]/u.test(c)) {
      seen++;
      if (seen === index) return line;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
  }
  return line;
}

function parseJsonFile<T>(file: string, text: string, schema: z.ZodType<T>, what: string): T {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const at = /position (\d+)/u.exec((error as Error).message);
    const line = at ? text.slice(0, Number(at[1])).split('\n').length : 1;
    throw new DomainError('validation', `${file}, line ${line}: not valid JSON (${(error as Error).message}); ${what} is a JSON array of objects.`);
  }
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const [index, field] = issue.path;
  const where = typeof index === 'number' ? `, line ${lineOfElement(text, index)}, element ${index + 1}${field !== undefined ? `, field "${String(field)}"` : ''}` : '';
  throw new DomainError('validation', `${file}${where}: ${issue.message}; ${what} is a JSON array of objects (see resources/evaluation/).`);
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new DomainError('not_found', `Cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check the path.`);
  }
}

function shipped(resourcesDir: string, name: string): { file: string; text: string } {
  const relative = join('evaluation', name);
  const text = readOptionalResource(resourcesDir, relative);
  if (text === null) throw missingResource(join(resourcesDir, relative));
  return { file: join(resourcesDir, relative), text };
}

const source = (resourcesDir: string, name: string, file?: string) => (file ? { file, text: readText(file) } : shipped(resourcesDir, name));

export function readTopicList(resourcesDir: string, language: CardLanguage, file?: string): Topic[] {
  const { file: from, text } = source(resourcesDir, `topics.${language}.json`, file);
  const topics = parseJsonFile(from, text, topicList, 'a topic list');
  const seen = new Map<string, number>();
  topics.forEach((t, i) => {
    const key = t.topic.normalize('NFKC').toLowerCase();
    if (seen.has(key)) throw new DomainError('validation', `${from}, line ${lineOfElement(text, i)}: topic "${t.topic}" is listed twice (elements ${seen.get(key)! + 1} and ${i + 1}); keep one.`);
    seen.set(key, i);
  });
  return topics;
}

export function readWaiItems(resourcesDir: string, language: CardLanguage, file?: string): WaiItemText[] {
  const { file: from, text } = source(resourcesDir, `wai-items.${language}.json`, file);
  const items = parseJsonFile(from, text, waiItems, 'the WAI items');
  const missing = Array.from({ length: 12 }, (_, i) => i + 1).filter((n) => !items.some((it) => it.item === n));
  if (missing.length > 0) throw new DomainError('validation', `${from}: items ${missing.join(', ')} are missing (each of 1–12 once).`);
  return [...items].sort((x, y) => x.item - y.item);
}

/** A prompt template; each placeholder must appear. */
export function readTemplate(resourcesDir: string, name: 'topics-prompt' | 'wai-prompt', language: CardLanguage, placeholders: readonly string[], file?: string): string {
  const { file: from, text } = source(resourcesDir, `${name}.${language}.txt`, file);
  const template = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n').replace(/\n+$/, '');
  const absent = placeholders.filter((p) => !template.includes(`{${p}}`));
  if (absent.length > 0) throw new DomainError('validation', `${from}: the template lacks ${absent.map((p) => `{${p}}`).join(' and ')}; put ${absent.length > 1 ? 'them' : 'it'} where the text goes.`);
  return template;
}

/** Fills {name} placeholders in one pass, so text that itself holds "{topics}" stays as it is. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{([a-z_]+)\}/gu, (whole, name: string) => values[name] ?? whole);
}
