import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPackages, type SourceItem } from '../../src-main/annotation/package';
import { importWork } from '../../src-main/annotation/work';
import { AnnotatorWorkspace } from '../../src-main/annotation/workspace';
import { tempDir } from '../support/temp';

// The annotator's side on their own laptop: a package opened into the app's data folder,
// every pick saved at once, resumed by a new process, exported as a sealed work file.

const items: SourceItem[] = Array.from({ length: 5 }, (_, i) => ({
  itemId: `s1t${i + 1}`,
  history: [{ role: 'client', content: `我最近总是失眠（${i + 1}）。` }],
  a: `回复甲${i + 1}`,
  b: `回复乙${i + 1}`,
}));

function packageFile(): string {
  const [pkg] = buildPackages({ items, annotators: ['王老师'], perItem: 1, guidelines: '共情优先。', seed: 3 });
  const file = join(tempDir(), 'pkg.json');
  writeFileSync(file, JSON.stringify(pkg));
  return file;
}

describe('the annotator workspace', () => {
  it('refuses a package for someone else, or a changed one, and keeps nothing of it', () => {
    const file = packageFile();
    const folder = join(tempDir(), 'work');
    const ws = new AnnotatorWorkspace(folder);
    expect(() => ws.open(readFileSync(file, 'utf8'), file, 'li')).toThrow(/is 王老师's package, not li's/);
    const changed = readFileSync(file, 'utf8').replace('回复甲1', '回复甲一');
    expect(() => ws.open(changed, file, '王老师')).toThrow(/has been changed or damaged/);
    expect(() => ws.open(changed.slice(0, 100), file, '王老师')).toThrow(/cut short/);
    expect(ws.saved()).toEqual([]);
  });

  it('saves every pick, resumes in a new process where the annotator stopped, exports a sealed work file whose revision grows', () => {
    const file = packageFile();
    const folder = join(tempDir(), 'work');
    const first = new AnnotatorWorkspace(folder).open(readFileSync(file, 'utf8'), file, ' 王老师 ');
    const ws = new AnnotatorWorkspace(folder);
    expect(ws.record({ key: first.key, itemId: 's1t1', pick: 'left', note: null, position: 1 })).toEqual({ done: 1 });
    expect(ws.record({ key: first.key, itemId: first.items[1]!.itemId, pick: 'bothbad', note: '两个都太空泛', position: 2 })).toEqual({ done: 2 });
    ws.move(first.key, 3);
    // No temporary file is left beside the saved work.
    expect(readdirSync(folder)).toEqual([`${first.key}.json`]);

    const later = new AnnotatorWorkspace(folder);
    expect(later.saved()).toMatchObject([{ key: first.key, annotator: '王老师', items: 5, done: 2 }]);
    const resumed = later.resume(first.key);
    expect(resumed.position).toBe(3);
    expect(resumed.work[first.items[1]!.itemId]).toMatchObject({ pick: 'bothbad', note: '两个都太空泛' });
    // Opening the same package again resumes it rather than starting over.
    expect(later.open(readFileSync(file, 'utf8'), file, '王老师').work).toEqual(resumed.work);

    const out = join(tempDir(), 'work-file.json');
    expect(later.export(first.key, out, false, [])).toMatchObject({ verdicts: 2, revision: 1 });
    const imported = importWork(new Map(), readFileSync(out, 'utf8'), out);
    expect(imported.outcome).toMatchObject({ status: 'added', annotator: '王老师' });
    const work = JSON.parse(readFileSync(out, 'utf8')) as { verdicts: { itemId: string; choice: string; note?: string }[] };
    const pickedLeft = first.items.find((i) => i.itemId === 's1t1')!;
    expect(work.verdicts.find((v) => v.itemId === 's1t1')!.choice).toBe(pickedLeft.leftIs === 'a' ? 'A' : 'B');
    expect(work.verdicts.find((v) => v.itemId === first.items[1]!.itemId)).toMatchObject({ choice: 'bothbad', note: '两个都太空泛' });

    // A further pick and a second export: revision 2, which adds to the first and so replaces it on import.
    later.record({ key: first.key, itemId: first.items[2]!.itemId, pick: 'tie', note: null, position: 3 });
    expect(() => later.export(first.key, out, false, [])).toThrow(/exists/);
    expect(later.export(first.key, out, true, [])).toMatchObject({ verdicts: 3, revision: 2 });
    expect(importWork(imported.collection, readFileSync(out, 'utf8'), out).outcome.status).toBe('updated');
  });
});
