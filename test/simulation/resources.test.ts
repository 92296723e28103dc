import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientTemplate, findResourcesDir } from '../../src-main/simulation/resources';
import { tempDir } from '../support/temp';
import { repoRoot } from './support';

// Where the shipped prompts are found: from the code's own location in every layout, never
// from the working directory.

/** A resources/ folder holding the marker file, with a text that tells copies apart. */
function shipResources(dir: string, text: string): string {
  mkdirSync(join(dir, 'prompts'), { recursive: true });
  writeFileSync(join(dir, 'prompts', 'client.zh.txt'), text);
  return dir;
}

describe('findResourcesDir', () => {
  it('finds the repository resources from the source tree and from the built chunks', () => {
    expect(findResourcesDir({}, join(repoRoot, 'src-main', 'simulation'), undefined)).toBe(join(repoRoot, 'resources'));
    expect(findResourcesDir({}, join(repoRoot, 'out', 'main'), undefined)).toBe(join(repoRoot, 'resources'));
    expect(findResourcesDir({}, join(repoRoot, 'out', 'main', 'chunks'), undefined)).toBe(join(repoRoot, 'resources'));
  });

  it('finds a packaged app\'s extraResources through process.resourcesPath, and by walking up from app.asar', () => {
    const app = tempDir();
    const resourcesPath = join(app, 'SimPsy Studio', 'resources');
    const chunks = join(resourcesPath, 'app.asar', 'out', 'main', 'chunks');
    mkdirSync(chunks, { recursive: true });
    const shipped = shipResources(join(resourcesPath, 'resources'), '{role_card} packaged');
    expect(findResourcesDir({}, chunks, resourcesPath)).toBe(shipped);
    expect(findResourcesDir({}, chunks, undefined)).toBe(shipped);
    expect(clientTemplate(findResourcesDir({}, chunks, resourcesPath), 'zh')).toBe('{role_card} packaged');
  });

  it('prefers the packaged copy over one bundled inside app.asar, and SIMPSY_RESOURCES over both', () => {
    const resourcesPath = join(tempDir(), 'resources');
    const chunks = join(resourcesPath, 'app.asar', 'out', 'main', 'chunks');
    mkdirSync(chunks, { recursive: true });
    shipResources(join(resourcesPath, 'app.asar', 'resources'), 'inside asar');
    const extra = shipResources(join(resourcesPath, 'resources'), 'extra');
    expect(findResourcesDir({}, chunks, resourcesPath)).toBe(extra);
    const override = shipResources(join(tempDir(), 'mine'), 'override');
    expect(findResourcesDir({ SIMPSY_RESOURCES: override }, chunks, resourcesPath)).toBe(override);
  });

  it('never uses the working directory', () => {
    const cwd = tempDir();
    shipResources(join(cwd, 'resources'), 'from cwd');
    const code = join(tempDir(), 'out', 'main', 'chunks');
    mkdirSync(code, { recursive: true });
    const before = process.cwd();
    process.chdir(cwd);
    try {
      const found = findResourcesDir({}, code, undefined);
      expect(found.startsWith(cwd)).toBe(false);
      expect(() => clientTemplate(found, 'zh')).toThrow(/A shipped file is missing: .*chunks.*client\.zh\.txt\. Reinstall SimPsy Studio, or point SIMPSY_RESOURCES/);
    } finally {
      process.chdir(before);
    }
  });
});
