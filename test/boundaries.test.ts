import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// Process boundaries are checked, not hoped for:
//  - domain code under src-main is plain Node: only src-main/electron/ may import 'electron';
//  - the renderer imports no Node module and nothing of main but the contract (`@contract`);
//  - the contract imports only zod and itself, so it is safe in every process;
//  - main imports no DOM or React code;
//  - the preload imports only electron and the dependency-free channel list.

const root = join(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return /\.(ts|tsx|mts)$/.test(name) ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)) found.push(m[1]!);
  for (const m of text.matchAll(/(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)) found.push(m[1]!);
  return found;
}

const nodeModules = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const isNode = (spec: string) => nodeModules.has(spec) || nodeModules.has(spec.split('/')[0]!);

function violations(files: string[], forbidden: (spec: string, file: string) => boolean): string[] {
  return files.flatMap((file) => imports(file).filter((s) => forbidden(s, file)).map((s) => `${file} imports '${s}'`));
}

describe('process boundaries', () => {
  it('finds the source files it checks', () => {
    expect(sources('src-main').length).toBeGreaterThan(10);
    expect(sources('src-renderer/src').length).toBeGreaterThan(3);
  });

  it('keeps electron out of domain code', () => {
    const domain = sources('src-main').filter((f) => !f.startsWith('src-main/electron/'));
    expect(violations(domain, (s) => s === 'electron' || s.startsWith('electron/'))).toEqual([]);
  });

  it('keeps Node and main out of the renderer', () => {
    const renderer = sources('src-renderer');
    const bad = violations(renderer, (s) => isNode(s) || s === 'electron' || s.includes('src-main') || s === 'better-sqlite3' || s === 'openai');
    expect(bad).toEqual([]);
  });

  it('keeps the contract dependency-free apart from zod', () => {
    const contract = sources('src-main/contract');
    expect(violations(contract, (s) => s !== 'zod' && !s.startsWith('./'))).toEqual([]);
  });

  it('keeps the DOM and React out of main', () => {
    const main = sources('src-main');
    expect(violations(main, (s) => s === 'react' || s.startsWith('react-') || s === 'antd' || s === 'zustand')).toEqual([]);
    const code = (f: string) => readFileSync(join(root, f), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    const usesDom = main.filter((f) => /\b(document|window|localStorage)\.\w/.test(code(f)));
    expect(usesDom).toEqual([]);
  });

  it('lets the preload import only electron and the channel list', () => {
    const preload = sources('src-preload');
    const bad = violations(preload, (s) => s !== 'electron' && s !== './build-api' && !s.endsWith('src-main/contract/channels'));
    expect(bad.map((v) => relative(root, v))).toEqual([]);
  });

  it('catches a crossing when one is there', () => {
    // Guard against a checker that silently passes: the scanner must see a real import.
    expect(imports('src-main/electron/main.ts')).toContain('electron');
  });
});
