import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProcess } from './support/cli';
import { tempDir } from './support/temp';

// The layers of docs/architecture.md are enforced by dependency-cruiser (.dependency-cruiser.cjs)
// in `npm test`. Here: the real tree passes the very command `npm test` runs, and each rule
// fails a deliberately bad import written into a scratch copy of the tree.

const root = join(__dirname, '..');
const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** A command run in `cwd` with the repository's node_modules/.bin on the PATH, as npm runs scripts. */
const run = (command: string, args: string[], cwd: string) =>
  runProcess(command, args, { cwd, env: { ...process.env, PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}` } });

interface Violation {
  rule: string;
  from: string;
  to: string | undefined;
}

/** The violations depcruise printed: `error RULE: FROM → TO` (a cycle goes on, one module a line). */
function violationsIn(output: string): Violation[] {
  return [...output.matchAll(/error ([a-z-]+): (\S+)(?: →\s+(\S+))?/g)].map((m) => ({ rule: m[1]!, from: m[2]!, to: m[3] }));
}

/** Each rule and a scratch file that breaks it: path → source. */
const badImports: { rule: string; files: Record<string, string>; from: string; to: RegExp }[] = [
  {
    // The hole the old regex check had: a domain file reaching into the Electron shell.
    rule: 'domain-not-shell',
    files: { 'src-main/simulation/scratch-shell.ts': "import { applySecurityPolicy } from '../electron/security';\nexport const x = applySecurityPolicy;\n" },
    from: 'src-main/simulation/scratch-shell.ts',
    to: /^src-main\/electron\/security\.ts$/,
  },
  {
    rule: 'domain-not-shell',
    files: { 'src-main/role-cards/scratch-context.ts': "import type { AppContext } from '../app/context';\nexport type X = AppContext;\n" },
    from: 'src-main/role-cards/scratch-context.ts',
    to: /^src-main\/app\/context\.ts$/,
  },
  {
    rule: 'electron-only-in-shell',
    files: { 'src-main/storage/scratch-electron.ts': "import { app } from 'electron';\nexport const x = app;\n" },
    from: 'src-main/storage/scratch-electron.ts',
    to: /electron/,
  },
  {
    rule: 'renderer-no-node',
    files: { 'src-renderer/src/lib/scratch-fs.ts': "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n" },
    from: 'src-renderer/src/lib/scratch-fs.ts',
    to: /^(node:)?fs$/,
  },
  {
    rule: 'renderer-no-node',
    files: { 'src-renderer/src/lib/scratch-path.ts': "import { join } from 'path';\nexport const x = join;\n" },
    from: 'src-renderer/src/lib/scratch-path.ts',
    to: /^path$/,
  },
  {
    rule: 'renderer-only-contract',
    files: { 'src-renderer/src/lib/scratch-main.ts': "import { agentView } from '../../../src-main/simulation/views';\nexport const x = agentView;\n" },
    from: 'src-renderer/src/lib/scratch-main.ts',
    to: /^src-main\/simulation\/views\.ts$/,
  },
  {
    rule: 'contract-self-contained',
    files: { 'src-main/contract/scratch.ts': "import { now } from '../common/time';\nexport const x = now;\n" },
    from: 'src-main/contract/scratch.ts',
    to: /^src-main\/common\/time\.ts$/,
  },
  {
    rule: 'main-no-dom',
    files: { 'src-main/llm/scratch-react.ts': "import { useState } from 'react';\nexport const x = useState;\n" },
    from: 'src-main/llm/scratch-react.ts',
    to: /node_modules\/react\//,
  },
  {
    // The whole contract pulls zod into the sandboxed preload, which may only require electron.
    rule: 'preload-minimal',
    files: { 'src-preload/scratch.ts': "import { contract } from '../src-main/contract';\nexport const x = contract;\n" },
    from: 'src-preload/scratch.ts',
    to: /^src-main\/contract\/index\.ts$/,
  },
  {
    // A cycle through a type-only import is still a cycle.
    rule: 'no-circular',
    files: {
      'src-main/common/scratch-a.ts': "import type { B } from './scratch-b';\nexport interface A { b?: B }\n",
      'src-main/common/scratch-b.ts': "import type { A } from './scratch-a';\nexport interface B { a?: A }\n",
    },
    from: 'src-main/common/scratch-a.ts',
    to: /^src-main\/common\/scratch-b\.ts$/,
  },
  {
    rule: 'no-orphans',
    files: { 'src-main/common/scratch-orphan.ts': 'export const unused = 1;\n' },
    from: 'src-main/common/scratch-orphan.ts',
    to: /^$/,
  },
];

/** The three source trees and what depcruise reads, with node_modules linked, not copied. */
function scratchCopy(): string {
  const dir = tempDir();
  for (const name of ['src-main', 'src-preload', 'src-renderer']) cpSync(join(root, name), join(dir, name), { recursive: true });
  for (const name of ['.dependency-cruiser.cjs', 'package.json', 'tsconfig.base.json', 'tsconfig.web.json']) cpSync(join(root, name), join(dir, name));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

describe('layers (dependency-cruiser)', () => {
  it('npm test runs the layer check, over all three processes', () => {
    expect(scripts.test).toMatch(/npm run lint:deps && vitest run/);
    expect(scripts['lint:deps']).toBe('depcruise src-main src-preload src-renderer --config .dependency-cruiser.cjs');
  });

  it('passes on the real tree, with the command npm test runs', async () => {
    const result = await run('sh', ['-c', scripts['lint:deps']!], root);
    expect(result.stderr + result.stdout).toMatch(/no dependency violations found \(\d{3,} modules/);
    expect(result.code).toBe(0);
  }, 180_000);

  it('fails the same command on a deliberately bad import for each rule, naming the rule and the import', async () => {
    const dir = scratchCopy();
    for (const bad of badImports) {
      for (const [path, source] of Object.entries(bad.files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), source);
      }
    }
    const files = badImports.flatMap((b) => Object.keys(b.files));
    const result = await run('sh', ['-c', scripts['lint:deps']!], dir);
    expect(result.code, result.stderr).not.toBe(0);
    const violations = violationsIn(result.stdout + result.stderr);
    for (const bad of badImports) {
      expect(violations, `${bad.rule} should flag ${bad.from}`).toContainEqual({ rule: bad.rule, from: bad.from, to: bad.rule === 'no-orphans' ? undefined : expect.stringMatching(bad.to) });
    }
    // Every rule is proven, and nothing but the scratch files is flagged.
    const rules = (createRequire(__filename)(join(root, '.dependency-cruiser.cjs')) as { forbidden: { name: string }[] }).forbidden.map((r) => r.name);
    expect(new Set(badImports.map((b) => b.rule))).toEqual(new Set(rules));
    expect(violations.filter((v) => !files.includes(v.from))).toEqual([]);
  }, 180_000);
});
