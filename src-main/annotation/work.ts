import { DomainError } from '../common/errors';
import { choices, type Choice, type Verdict } from '../ratings/agreement';
import { sealOf } from './integrity';
import { readSealed, type PackageFile } from './package';

// An annotator's work, exported as one sealed file, and the researcher's import of many such
// files. Importing a file again changes nothing; a later export of the same annotator's work
// that only adds verdicts replaces the earlier one; two versions that disagree on a verdict
// are reported as a conflict and neither is changed: the researcher decides which to keep.

export const WORK_FORMAT = 'simpsy-annotation-work';

export interface WorkVerdict {
  itemId: string;
  /** In the battle's frame (A is model_a's reply), as choiceOf() maps the pick on the screen. */
  choice: Choice;
  note?: string;
  /** When it was chosen (ISO 8601). */
  at: string;
}

export interface WorkContent {
  format: typeof WORK_FORMAT;
  version: 1;
  packageId: string;
  annotator: string;
  /** Counts the annotator's exports: a later export has a higher revision. */
  revision: number;
  verdicts: WorkVerdict[];
}

export interface WorkFile extends WorkContent {
  seal: string;
}

/** The annotator's export: their verdicts on their package's items (one per item at most), sealed. */
export function exportWork(pkg: PackageFile, verdicts: readonly WorkVerdict[], revision: number): WorkFile {
  const items = new Set(pkg.items.map((i) => i.itemId));
  const seen = new Set<string>();
  for (const v of verdicts) {
    if (!items.has(v.itemId)) throw new DomainError('validation', `Item ${v.itemId} is not in ${pkg.annotator}'s package.`);
    if (seen.has(v.itemId)) throw new DomainError('validation', `Item ${v.itemId} has two verdicts; keep one.`);
    if (!choices.includes(v.choice)) throw new DomainError('validation', `Item ${v.itemId}: '${String(v.choice)}' is not one of ${choices.join(', ')}.`);
    seen.add(v.itemId);
  }
  const content: WorkContent = { format: WORK_FORMAT, version: 1, packageId: pkg.packageId, annotator: pkg.annotator, revision, verdicts: [...verdicts] };
  return { ...content, seal: sealOf(content) };
}

/** The imported work, one file per (package, annotator). */
export type WorkCollection = ReadonlyMap<string, WorkFile>;

export interface ImportOutcome {
  file: string;
  annotator: string;
  status: 'added' | 'unchanged' | 'updated' | 'conflict';
  /** For a conflict: what differs and what to do. */
  message?: string;
}

const keyOf = (w: { packageId: string; annotator: string }) => `${w.packageId}\u0000${w.annotator}`;

/**
 * Reads a work file: sealed, and shaped as one (a file can be resealed by hand, so the shape is
 * checked too), each problem named by its field.
 */
export function readWork(text: string, file: string): WorkFile {
  const work = readSealed<WorkFile>(text, file, WORK_FORMAT, "an annotator's work file");
  const bad = (field: string, what: string) => new DomainError('validation', `${file}: field '${field}' ${what}; nothing was read from it.`);
  if (typeof work.packageId !== 'string' || work.packageId === '') throw bad('packageId', 'is missing');
  if (typeof work.annotator !== 'string' || work.annotator.trim() === '') throw bad('annotator', 'is missing');
  if (!Number.isSafeInteger(work.revision) || work.revision < 1) throw bad('revision', 'must be a whole number from 1');
  if (!Array.isArray(work.verdicts)) throw bad('verdicts', 'must be a list');
  const seen = new Set<string>();
  work.verdicts.forEach((v: Partial<WorkVerdict> | null, i) => {
    if (!v || typeof v !== 'object' || typeof v.itemId !== 'string') throw bad(`verdicts[${i}].itemId`, 'is missing');
    if (!choices.includes(v.choice as Choice)) throw bad(`verdicts[${i}].choice`, `must be one of ${choices.join(', ')} (got '${String(v.choice)}')`);
    if (typeof v.at !== 'string') throw bad(`verdicts[${i}].at`, 'is missing');
    if (v.note !== undefined && typeof v.note !== 'string') throw bad(`verdicts[${i}].note`, 'must be text');
    if (seen.has(v.itemId)) throw bad(`verdicts[${i}].itemId`, `repeats item ${v.itemId}`);
    seen.add(v.itemId);
  });
  return work;
}

/** Imports one work file's text into the collection: a new collection (the old one is never changed) and what happened. */
export function importWork(collection: WorkCollection, text: string, file: string): { collection: WorkCollection; outcome: ImportOutcome } {
  const work = readWork(text, file);
  const key = keyOf(work);
  const stored = collection.get(key);
  const outcome = (status: ImportOutcome['status'], message?: string): ImportOutcome => ({ file, annotator: work.annotator, status, ...(message ? { message } : {}) });
  if (!stored) return { collection: new Map(collection).set(key, work), outcome: outcome('added') };
  if (stored.seal === work.seal) return { collection, outcome: outcome('unchanged') };
  const [older, newer] = stored.revision <= work.revision ? [stored, work] : [work, stored];
  const later = new Map(newer.verdicts.map((v) => [v.itemId, v.choice]));
  const differing = older.verdicts.filter((v) => later.get(v.itemId) !== v.choice).map((v) => v.itemId);
  if (differing.length === 0 && newer.revision > older.revision) {
    // One version extends the other: keep the later, whichever was imported first.
    return newer === work ? { collection: new Map(collection).set(key, work), outcome: outcome('updated') } : { collection, outcome: outcome('unchanged') };
  }
  const items = differing.length > 0 ? `item(s) ${differing.slice(0, 5).join(', ')}${differing.length > 5 ? '…' : ''} differ` : 'they have the same revision but different content';
  return {
    collection,
    outcome: outcome(
      'conflict',
      `${file} (${work.annotator}, revision ${work.revision}) conflicts with the imported revision ${stored.revision}: ${items}. Nothing was changed; ask ${work.annotator} which version is right.`,
    ),
  };
}

/** The verdicts of every imported file, the annotator as rater, for the agreement and the human ratings. */
export const verdictsOf = (collection: WorkCollection): Verdict[] =>
  [...collection.values()].flatMap((w) => w.verdicts.map((v) => ({ itemId: v.itemId, rater: w.annotator, choice: v.choice })));
