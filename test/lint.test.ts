import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The ESLint setup of `npm run lint` (eslint.config.mjs) catches what it is there for: a
// scratch renderer file breaking the rules of hooks, and a disable comment that no longer
// suppresses anything. Linted as text under the real config, so nothing is written.

const root = join(__dirname, '..');
const eslint = new ESLint({ cwd: root });

async function problems(source: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: join(root, file) });
  return result!.messages.map((m) => `${m.line}:${m.ruleId ?? 'directive'}`);
}

describe('npm run lint', () => {
  it('fails a hook that misses a dependency or is called conditionally', async () => {
    const source = [
      "import { useEffect, useState } from 'react';",
      'export function Scratch({ id, on }: { id: number; on: boolean }) {',
      '  const [seen, setSeen] = useState(0);',
      '  useEffect(() => setSeen(id), []);',
      '  if (on) useState(1);',
      '  return seen;',
      '}',
    ].join('\n');
    expect(await problems(source, 'src-renderer/src/scratch.tsx')).toEqual(['4:react-hooks/exhaustive-deps', '5:react-hooks/rules-of-hooks']);
  });

  it('fails a disable comment that suppresses nothing', async () => {
    const source = ['// eslint-disable-next-line no-control-regex', 'export const word = /[a-z]+/;', ''].join('\n');
    expect(await problems(source, 'src-main/scratch.ts')).toEqual(['1:directive']);
  });

  it('passes the same hook written correctly', async () => {
    const source = [
      "import { useEffect, useState } from 'react';",
      'export function Scratch({ id }: { id: number }) {',
      '  const [seen, setSeen] = useState(0);',
      '  useEffect(() => setSeen(id), [id]);',
      '  return seen;',
      '}',
    ].join('\n');
    expect(await problems(source, 'src-renderer/src/scratch.tsx')).toEqual([]);
  });
});
