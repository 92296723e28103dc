import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CardLanguage } from '../contract/role-card';
import { DomainError } from '../common/errors';

// Shipped, user-visible files (resources/): prompt templates and termination lists. Where
// they live differs by how the code runs, so the folder is passed in (AppContext.resourcesDir)
// and only found here when nobody said:
//  - from source under vitest or tsx: src-main/simulation/ → ../../resources
//  - the built CLI or app: out/main/ → ../../resources
//  - a packaged app: <resources>/resources (extraResources) or inside app.asar.
// SIMPSY_RESOURCES overrides all of them.

const marker = join('prompts', 'client.zh.txt');

export function findResourcesDir(env: NodeJS.ProcessEnv = process.env, from: string = __dirname): string {
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  const candidates = [
    env.SIMPSY_RESOURCES,
    join(from, '..', '..', 'resources'),
    join(from, '..', 'resources'),
    join(from, 'resources'),
    packaged ? join(packaged, 'resources') : undefined,
    packaged ? join(packaged, 'app.asar', 'resources') : undefined,
    join(process.cwd(), 'resources'),
  ].filter((c): c is string => typeof c === 'string' && c !== '');
  return candidates.find((dir) => existsSync(join(dir, marker))) ?? candidates[0] ?? join(from, '..', '..', 'resources');
}

function readResource(dir: string, relative: string): string {
  const file = join(dir, relative);
  try {
    return readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    throw new DomainError('unavailable', `A shipped file is missing: ${file}. Reinstall SimPsy Studio, or point SIMPSY_RESOURCES at its resources folder.`);
  }
}

export function readOptionalResource(dir: string, relative: string): string | null {
  const file = join(dir, relative);
  return existsSync(file) ? readResource(dir, relative) : null;
}

/** Templates end without the file's trailing newline; inner text is kept exactly. */
const template = (text: string) => text.replace(/\r\n/g, '\n').replace(/\n+$/, '');

export function clientTemplate(dir: string, language: CardLanguage): string {
  return template(readResource(dir, join('prompts', `client.${language}.txt`)));
}

export function counselorTemplate(dir: string, language: CardLanguage, name: 'default' | 'released' = 'default'): string {
  if (name === 'released') {
    const released = readOptionalResource(dir, join('prompts', `counselor.${language}.released.txt`));
    if (released === null) {
      throw new DomainError('validation', `There is no released counselor prompt for ${language === 'zh' ? 'Chinese' : 'English'}; use the default or write your own.`, [
        { path: 'counselor.templateName', message: 'Only the Chinese prompt has a released variant' },
      ]);
    }
    return template(released);
  }
  return template(readResource(dir, join('prompts', `counselor.${language}.txt`)));
}

export function releasedCounselorTemplate(dir: string, language: CardLanguage): string | null {
  const text = readOptionalResource(dir, join('prompts', `counselor.${language}.released.txt`));
  return text === null ? null : template(text);
}

/** One phrase per line; blank lines and lines starting with # are skipped. */
export function parsePhraseList(text: string): string[] {
  const phrases = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  return [...new Set(phrases)];
}

export function defaultTerminationPhrases(dir: string, language: CardLanguage): string[] {
  return parsePhraseList(readResource(dir, join('termination', `${language}.txt`)));
}
