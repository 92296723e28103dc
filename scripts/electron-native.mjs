#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into .electron-native/, beside (not over) the copy
// in node_modules that Node, vitest and the CLI use. The app passes this file to
// better-sqlite3 as `nativeBinding`, so neither runtime clobbers the other.
// Runs before `npm start` / `npm run dev`; cached per Electron version.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const electronVersion = require('electron/package.json').version;
const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
const sqliteVersion = require('better-sqlite3/package.json').version;
const outDir = join(root, '.electron-native');
const stamp = join(outDir, 'built-for.txt');
const wanted = `electron ${electronVersion}, better-sqlite3 ${sqliteVersion}, ${process.platform}-${process.arch}`;

if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted && existsSync(join(outDir, 'better_sqlite3.node'))) {
  process.exit(0);
}

console.log(`Building better-sqlite3 for ${wanted} (once)…`);
const work = mkdtempSync(join(tmpdir(), 'simpsy-native-'));
try {
  cpSync(sqliteDir, work, { recursive: true, filter: (src) => !src.includes(`${sqliteDir}/build`) });
  // npm passes its bundled node-gyp to scripts; fall back to the registry's.
  const gyp = process.env.npm_config_node_gyp;
  const [cmd, args] = gyp ? [process.execPath, [gyp]] : ['npx', ['--yes', 'node-gyp']];
  execFileSync(
    cmd,
    [...args, 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'],
    { cwd: work, stdio: 'inherit' },
  );
  mkdirSync(outDir, { recursive: true });
  cpSync(join(work, 'build', 'Release', 'better_sqlite3.node'), join(outDir, 'better_sqlite3.node'));
  writeFileSync(stamp, wanted);
} catch (error) {
  console.error(
    `Could not build better-sqlite3 for Electron: ${error.message}\n` +
      'It needs a C++ toolchain (build-essential / Xcode / Visual Studio Build Tools) and Electron\'s headers from electronjs.org.',
  );
  process.exit(1);
} finally {
  rmSync(work, { recursive: true, force: true });
}
