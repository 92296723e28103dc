import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../common/errors';
import type { AnnotationItemWork, AnnotationPick, AnnotatorSessionView, SavedAnnotationWork } from '../contract/annotation';
import { writeFileSafely } from '../common/safe-write';
import { choiceOf, openPackage, type PackageFile } from './package';
import { exportWork, type WorkVerdict } from './work';

// The annotator's side, on their own laptop with no network and no researcher's database: a
// package opened once is copied into a work-in-progress file in the app's data folder, and
// every choice rewrites that file atomically (written beside it, flushed, renamed over), so
// closing the app, or a crash, loses nothing and the annotator resumes where they stopped.
// Picks are kept as shown on the screen (left / right); the export maps them to the battle's
// frame and seals the work file.

export type Pick = AnnotationPick;
export type ItemWork = AnnotationItemWork;
export type AnnotatorSession = AnnotatorSessionView;
export type SavedSession = SavedAnnotationWork;

interface WorkInProgress {
  format: 'simpsy-annotation-in-progress';
  package: PackageFile;
  work: Record<string, ItemWork>;
  /** The item on screen when the annotator last moved. */
  position: number;
  /** How many times the work was exported: the next export's revision is one more. */
  exports: number;
  updatedAt: string;
}

export interface ItemChange {
  key: string;
  itemId: string;
  pick: Pick | null;
  note: string | null;
  position: number;
}

const keyOf = (pkg: PackageFile) => createHash('sha256').update(`${pkg.packageId}\u0000${pkg.annotator}`).digest('hex').slice(0, 24);
const view = (key: string, w: WorkInProgress): AnnotatorSession => ({
  key,
  packageId: w.package.packageId,
  annotator: w.package.annotator,
  guidelines: w.package.guidelines,
  items: w.package.items,
  work: w.work,
  position: w.position,
  exports: w.exports,
});

export class AnnotatorWorkspace {
  constructor(private readonly folder: string) {}

  /** Opens a package for `annotator` (seal and name checked); an already opened one resumes with its work. */
  open(text: string, file: string, annotator: string): AnnotatorSession {
    const pkg = openPackage(text, file, annotator.trim());
    const key = keyOf(pkg);
    const saved = this.read(key, false);
    if (saved) return view(key, saved);
    const fresh: WorkInProgress = { format: 'simpsy-annotation-in-progress', package: pkg, work: {}, position: 0, exports: 0, updatedAt: new Date().toISOString() };
    this.write(key, fresh);
    return view(key, fresh);
  }

  resume(key: string): AnnotatorSession {
    return view(key, this.read(key, true)!);
  }

  /** The works in progress in this data folder, the most recent first. */
  saved(): SavedSession[] {
    let names: string[];
    try {
      names = readdirSync(this.folder).filter((n) => /^[0-9a-f]{24}\.json$/.test(n));
    } catch {
      return [];
    }
    return names
      .flatMap((n) => {
        const key = n.slice(0, 24);
        try {
          const w = this.read(key, true)!;
          return [{ key, annotator: w.package.annotator, items: w.package.items.length, done: Object.values(w.work).filter((x) => x.pick !== null).length, updatedAt: w.updatedAt }];
        } catch {
          return [];
        }
      })
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  /** Records one item's pick and note and where the annotator is; saved before returning. */
  record(change: ItemChange): { done: number } {
    const w = this.read(change.key, true)!;
    if (!w.package.items.some((i) => i.itemId === change.itemId)) throw new DomainError('validation', `Item ${change.itemId} is not in this package.`);
    const note = change.note?.trim() ? change.note.trim() : null;
    const before = w.work[change.itemId];
    if (change.pick === null && note === null) delete w.work[change.itemId];
    else w.work[change.itemId] = { pick: change.pick, note, at: change.pick === before?.pick && before?.at ? before.at : new Date().toISOString() };
    w.position = Math.min(Math.max(0, change.position), w.package.items.length - 1);
    this.write(change.key, w);
    return { done: Object.values(w.work).filter((x) => x.pick !== null).length };
  }

  /** Moves without choosing (arrows, skip): remembered for resuming. */
  move(key: string, position: number): void {
    const w = this.read(key, true)!;
    w.position = Math.min(Math.max(0, position), w.package.items.length - 1);
    this.write(key, w);
  }

  /** Writes the sealed work file: every picked item, in the battle's frame; each export's revision is one more than the last. */
  export(key: string, path: string, overwrite: boolean, protect: readonly string[]): { path: string; verdicts: number; revision: number } {
    const w = this.read(key, true)!;
    const verdicts: WorkVerdict[] = w.package.items.flatMap((item) => {
      const x = w.work[item.itemId];
      if (!x?.pick) return [];
      return [{ itemId: item.itemId, choice: choiceOf(item, x.pick), ...(x.note ? { note: x.note } : {}), at: x.at! }];
    });
    if (verdicts.length === 0) throw new DomainError('validation', 'Nothing to export yet: choose at least one reply first.');
    const revision = w.exports + 1;
    writeFileSafely(path, `${JSON.stringify(exportWork(w.package, verdicts, revision), null, 2)}\n`, { overwrite, protect });
    w.exports = revision;
    this.write(key, w);
    return { path, verdicts: verdicts.length, revision };
  }

  private file(key: string): string {
    if (!/^[0-9a-f]{24}$/.test(key)) throw new DomainError('validation', `'${key}' is not a work-in-progress key.`);
    return join(this.folder, `${key}.json`);
  }

  private read(key: string, required: boolean): WorkInProgress | null {
    let text: string;
    try {
      text = readFileSync(this.file(key), 'utf8');
    } catch (error) {
      if (error instanceof DomainError) throw error;
      if (!required) return null;
      throw new DomainError('not_found', `No work in progress ${key} in ${this.folder}; open the package file again.`);
    }
    try {
      return JSON.parse(text) as WorkInProgress;
    } catch {
      throw new DomainError('validation', `The saved work ${this.file(key)} is damaged; open the package file again (its earlier picks are lost).`);
    }
  }

  private write(key: string, w: WorkInProgress): void {
    mkdirSync(this.folder, { recursive: true });
    w.updatedAt = new Date().toISOString();
    writeFileSafely(this.file(key), JSON.stringify(w), { overwrite: true });
  }
}
