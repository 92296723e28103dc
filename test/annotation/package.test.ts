import { describe, expect, it } from 'vitest';
import { buildPackages, choiceOf, openPackage, type PackageFile, type SourceItem } from '../../src-main/annotation/package';
import { exportWork, importWork, verdictsOf, type WorkCollection, type WorkVerdict } from '../../src-main/annotation/work';
import { annotatorAgreement } from '../../src-main/ratings/agreement';

// Package → annotate → export → import, as files (text) pass between the researcher's
// database and the annotators' laptops; the bad files of the issue's "Bad input".

const items: SourceItem[] = Array.from({ length: 12 }, (_, i) => ({
  itemId: `battle-${i + 1}`,
  history: [
    { role: 'client', content: `我最近总是睡不着（${i + 1}）。` },
    { role: 'counselor', content: '能多说说吗？' },
    { role: 'client', content: '工作压力很大。' },
  ],
  a: `回复A-${i + 1}：听起来你很辛苦。`,
  b: `回复B-${i + 1}：压力从什么时候开始的？`,
}));
const spec = { items, annotators: ['ann', 'bo', 'cy'], perItem: 2, guidelines: '选择更好的回复：共情、专业、安全。', seed: 9 };
const text = (x: unknown) => JSON.stringify(x, null, 2);

/** The annotator picks on the screen; the verdict is stored in the battle's frame. */
function annotate(pkg: PackageFile, pick: (item: SourceItem) => 'a' | 'b' | 'tie' | 'bothbad'): WorkVerdict[] {
  return pkg.items.map((shown) => {
    const want = pick(items.find((i) => i.itemId === shown.itemId)!);
    const picked = want === 'tie' || want === 'bothbad' ? want : (want === shown.leftIs ? 'left' : 'right');
    return { itemId: shown.itemId, choice: choiceOf(shown, picked), at: '2026-11-29T22:00:00Z' };
  });
}

describe('annotation packages', () => {
  const packages = buildPackages(spec);

  it('gives every item to k annotators, evenly, the same for the same seed', () => {
    const counts = new Map<string, number>();
    for (const p of packages) for (const i of p.items) counts.set(i.itemId, (counts.get(i.itemId) ?? 0) + 1);
    expect([...counts.values()]).toEqual(new Array(12).fill(2));
    expect(packages.map((p) => p.items.length)).toEqual([8, 8, 8]);
    expect(buildPackages(spec)).toEqual(packages);
    expect(new Set(packages.map((p) => p.packageId)).size).toBe(1);
  });

  it('shows each annotator the replies in their own seeded order, and maps picks back to the battle', () => {
    const sides = packages.flatMap((p) => p.items.map((i) => i.leftIs));
    expect(sides).toContain('a');
    expect(sides).toContain('b');
    for (const p of packages) {
      for (const shown of p.items) {
        const source = items.find((i) => i.itemId === shown.itemId)!;
        expect(shown.leftIs === 'a' ? [shown.left, shown.right] : [shown.right, shown.left]).toEqual([source.a, source.b]);
        expect(choiceOf(shown, 'left')).toBe(shown.leftIs === 'a' ? 'A' : 'B');
      }
    }
  });

  it('opens for its annotator, and refuses a tampered, a truncated, or another annotator’s file', () => {
    const file = text(packages[0]);
    expect(openPackage(file, 'ann.json', 'ann').items).toHaveLength(8);
    expect(() => openPackage(file, 'ann.json', 'bo')).toThrow("ann.json is ann's package, not bo's: each annotator opens their own file.");
    const tampered = file.replace('回复A-', '回复X-');
    expect(() => openPackage(tampered, 'ann.json', 'ann')).toThrow(/has been changed or damaged since it was made/);
    const dropped = text({ ...packages[0], items: packages[0]!.items.slice(1) });
    expect(() => openPackage(dropped, 'ann.json', 'ann')).toThrow(/seal does not match/);
    expect(() => openPackage(file.slice(0, file.length / 2), 'ann.json', 'ann')).toThrow(/ann\.json is cut short or damaged: it does not read as JSON/);
    expect(() => openPackage('{"format":"other"}', 'x.json', 'ann')).toThrow(/x\.json is not an annotation package/);
  });

  it('refuses impossible specs', () => {
    expect(() => buildPackages({ ...spec, perItem: 4 })).toThrow(/from 1 to 3/);
    expect(() => buildPackages({ ...spec, annotators: ['ann', 'ann'] })).toThrow(/named twice/);
    expect(() => buildPackages({ ...spec, items: [] })).toThrow(/no items/);
  });
});

describe('exporting and importing work', () => {
  const packages = buildPackages(spec);
  const [ann, bo] = [packages[0]!, packages[1]!];
  // ann prefers A except on even items (B); bo always A.
  const annWork = exportWork(ann, annotate(ann, (i) => (Number(i.itemId.split('-')[1]) % 2 === 0 ? 'b' : 'a')), 1);
  const boWork = exportWork(bo, annotate(bo, () => 'a'), 1);

  it('imports two annotators, and importing the same file again changes nothing', () => {
    let c: WorkCollection = new Map();
    const results = [];
    for (const [file, work] of [['ann.json', annWork], ['bo.json', boWork], ['ann-again.json', annWork]] as const) {
      const r = importWork(c, text(work), file);
      results.push(r.outcome.status);
      c = r.collection;
    }
    expect(results).toEqual(['added', 'added', 'unchanged']);
    expect(verdictsOf(c)).toHaveLength(16);
    // The agreement figures follow the imported verdicts: on the items both had, ann and bo agree on the odd ones.
    const shared = ann.items.filter((i) => bo.items.some((j) => j.itemId === i.itemId)).map((i) => Number(i.itemId.split('-')[1]));
    const agreement = annotatorAgreement(verdictsOf(c), ['ann', 'bo']);
    expect(agreement.pairs[0]!.n).toBe(shared.length);
    expect(agreement.pairs[0]!.accuracy).toBeCloseTo(shared.filter((n) => n % 2 === 1).length / shared.length, 12);
  });

  it('takes a later export that only adds verdicts, and reports one that changes a verdict', () => {
    const partial = exportWork(ann, annWork.verdicts.slice(0, 3), 1);
    let c: WorkCollection = importWork(new Map(), text(partial), 'ann-1.json').collection;
    const later = importWork(c, text({ ...annWork, revision: 2, seal: exportWork(ann, annWork.verdicts, 2).seal }), 'ann-2.json');
    expect(later.outcome.status).toBe('updated');
    c = later.collection;
    expect(verdictsOf(c)).toHaveLength(8);
    // The older file imported after the newer changes nothing.
    expect(importWork(c, text(partial), 'ann-1.json').outcome.status).toBe('unchanged');

    const flipped = annWork.verdicts.map((v, i) => (i === 0 ? { ...v, choice: v.choice === 'A' ? ('B' as const) : ('A' as const) } : v));
    const conflict = importWork(c, text(exportWork(ann, flipped, 3)), 'ann-3.json');
    expect(conflict.outcome).toMatchObject({ status: 'conflict', annotator: 'ann' });
    expect(conflict.outcome.message).toMatch(new RegExp(`^ann-3\\.json \\(ann, revision 3\\) conflicts with the imported revision 2: item\\(s\\) ${annWork.verdicts[0]!.itemId} differ\\. Nothing was changed`));
    expect(conflict.collection).toBe(c);
  });

  it('refuses a tampered work file, and a verdict on an item not in the package', () => {
    const edited = text(annWork).replace(/"choice": "A"/, '"choice": "B"');
    expect(() => importWork(new Map(), edited, 'ann.json')).toThrow(/ann\.json has been changed or damaged/);
    expect(() => exportWork(ann, [{ itemId: 'battle-99', choice: 'A', at: 'x' }], 1)).toThrow(/battle-99 is not in ann's package/);
  });
});
