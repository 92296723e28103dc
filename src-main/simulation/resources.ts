import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CardLanguage } from '../contract/role-card';
import { DomainError, keyedError } from '../common/errors';

// Shipped, user-visible files (resources/): prompt templates and termination lists. Where
// they live differs by how the code runs, so the folder is passed in (AppContext.resourcesDir)
// and only found here when nobody said. Never from the working directory: `simpsy` runs from
// any folder. In order:
//  - SIMPSY_RESOURCES, when set;
//  - a packaged app: <process.resourcesPath>/resources (electron-builder's extraResources);
//  - the nearest `resources/` above the code itself. The code is src-main/simulation/ under
//    vitest or tsx, out/main/ or out/main/chunks/ in the build (rollup moves this module into
//    a shared chunk, so its depth is not fixed), and <app>/resources/app.asar/out/main/… when
//    packaged, whose ancestors reach <app>/resources/resources too.

const marker = join('prompts', 'client.zh.txt');
/** src-main/simulation → repo, out/main/chunks → repo, app.asar/out/main/chunks → <app>/resources: at most 5 levels up. */
const LEVELS_UP = 5;

export function findResourcesDir(
  env: NodeJS.ProcessEnv = process.env,
  from: string = __dirname,
  packaged: string | undefined = (process as { resourcesPath?: string }).resourcesPath,
): string {
  if (env.SIMPSY_RESOURCES) return resolve(env.SIMPSY_RESOURCES);
  const above: string[] = [];
  for (let dir = resolve(from), i = 0; i <= LEVELS_UP; dir = dirname(dir), i++) {
    above.push(join(dir, 'resources'));
    if (dirname(dir) === dir) break;
  }
  const candidates = [...(packaged ? [join(packaged, 'resources')] : []), ...above];
  // Nothing found: the nearest place, so the "missing file" error names a path beside the code.
  return candidates.find((dir) => existsSync(join(dir, marker))) ?? above[0]!;
}

function readResource(dir: string, relative: string): string {
  const file = join(dir, relative);
  try {
    return readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    throw missingResource(file);
  }
}

export const missingResource = (file: string) =>
  keyedError('unavailable', 'resourceMissing', { file }, `A shipped file is missing: ${file}. Reinstall SimPsy Studio, or point SIMPSY_RESOURCES at its resources folder.`);

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
