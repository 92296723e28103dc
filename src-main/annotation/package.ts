import { DomainError, keyedError } from '../common/errors';
import { seededShuffle } from '../common/random';
import type { Choice } from '../ratings/agreement';
import { sealOf, seedOf } from './integrity';

// The offline annotation package (issue 10, Must-have 5): one file per annotator, holding the
// guidelines and that annotator's items, each a fixed history with two candidate replies in
// an order drawn for this annotator (so no two annotators see the same position bias, and
// nobody sees which counselor wrote which). Items go to `perItem` annotators each, spread
// evenly. The file is sealed (integrity.ts): a tampered or truncated package is refused on
// opening, as is a package opened by another annotator.

export const PACKAGE_FORMAT = 'simpsy-annotation-package';

export interface Turn {
  role: 'client' | 'counselor';
  content: string;
}

/** An item to judge: a battle's history and its two replies, `a` being the battle's model_a. */
export interface SourceItem {
  itemId: string;
  history: Turn[];
  a: string;
  b: string;
}

/** An item as one annotator sees it: `left` and `right`, and which of the battle's replies is on the left. */
export interface PackageItem {
  itemId: string;
  history: Turn[];
  left: string;
  right: string;
  leftIs: 'a' | 'b';
}

export interface PackageContent {
  format: typeof PACKAGE_FORMAT;
  version: 1;
  /** The seal of the whole set of packages' source: every annotator's file of one build shares it. */
  packageId: string;
  annotator: string;
  guidelines: string;
  items: PackageItem[];
}

export interface PackageFile extends PackageContent {
  seal: string;
}

export interface PackageSpec {
  items: SourceItem[];
  annotators: string[];
  /** Annotators per item (for agreement); at most the number of annotators. */
  perItem: number;
  guidelines: string;
  seed: number;
}

/** One sealed package per annotator. */
export function buildPackages(spec: PackageSpec): PackageFile[] {
  const { items, annotators, perItem, guidelines, seed } = spec;
  if (annotators.length === 0) throw new DomainError('validation', 'Name at least one annotator.');
  if (new Set(annotators).size !== annotators.length) throw new DomainError('validation', `An annotator is named twice in ${annotators.join(', ')}.`);
  if (!Number.isInteger(perItem) || perItem < 1 || perItem > annotators.length) throw new DomainError('validation', `Annotators per item must be from 1 to ${annotators.length} (the annotators named), got ${perItem}.`);
  if (items.length === 0) throw new DomainError('validation', 'There are no items to annotate.');
  const packageId = sealOf({ items, annotators, perItem, guidelines, seed });
  // Items in a seeded order, dealt round-robin: item i goes to annotators i·k … i·k + k − 1 (mod n), so loads differ by at most one.
  const order = seededShuffle(items, seed);
  const assigned = new Map(annotators.map((name) => [name, [] as SourceItem[]]));
  order.forEach((item, i) => {
    for (let j = 0; j < perItem; j++) assigned.get(annotators[(i * perItem + j) % annotators.length]!)!.push(item);
  });
  return annotators.map((annotator) => {
    const content: PackageContent = {
      format: PACKAGE_FORMAT,
      version: 1,
      packageId,
      annotator,
      guidelines,
      items: assigned.get(annotator)!.map((item) => {
        const leftIs = seedOf(`${seed}\u0000${annotator}\u0000${item.itemId}`) % 2 === 0 ? 'a' : 'b';
        return { itemId: item.itemId, history: item.history, left: leftIs === 'a' ? item.a : item.b, right: leftIs === 'a' ? item.b : item.a, leftIs };
      }),
    };
    return { ...content, seal: sealOf(content) };
  });
}

/** The annotator's pick on the screen, in the battle's own frame: A is model_a's reply. */
export function choiceOf(item: PackageItem, picked: 'left' | 'right' | 'tie' | 'bothbad'): Choice {
  if (picked === 'tie' || picked === 'bothbad') return picked;
  return (picked === 'left') === (item.leftIs === 'a') ? 'A' : 'B';
}

/** Parses and checks a sealed file's text: JSON, the expected format, an intact seal. */
export function readSealed<T extends { seal: string; format: string }>(text: string, file: string, format: string, what: string): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw keyedError('validation', 'annotationCutShort', { file }, `${file} is cut short or damaged: it does not read as JSON, so it is not a complete file. Ask for the file again.`);
  }
  const record = parsed as Partial<T> | null;
  if (!record || typeof record !== 'object' || record.format !== format) {
    throw keyedError('validation', 'annotationNotThisKind', { file, kind: format === PACKAGE_FORMAT ? 'package' : 'work' }, `${file} is not ${what} (field 'format' is not '${format}').`);
  }
  const { seal, ...content } = record as T;
  if (typeof seal !== 'string' || seal !== sealOf(content)) {
    throw keyedError('validation', 'annotationChanged', { file }, `${file} has been changed or damaged since it was made (its seal does not match its content); nothing was read from it. Ask for the original file.`);
  }
  return record as T;
}

/** Opens a package for `annotator`: refused if damaged, changed, or made for someone else. */
export function openPackage(text: string, file: string, annotator: string): PackageFile {
  const pkg = readSealed<PackageFile>(text, file, PACKAGE_FORMAT, 'an annotation package');
  if (pkg.annotator !== annotator) {
    throw keyedError('validation', 'annotationNotYours', { file, owner: pkg.annotator, annotator }, `${file} is ${pkg.annotator}'s package, not ${annotator}'s: each annotator opens their own file.`);
  }
  return pkg;
}
