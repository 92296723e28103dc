import { DomainError } from '../common/errors';
import { now } from '../common/time';
import type { AnnotationArena } from '../contract/annotation';
import type { CardLanguage } from '../contract/role-card';
import { supervisorTemplate } from '../arena/supervisor';
import type { Db } from '../storage/database';
import { prepared } from '../storage/statements';
import { writeTransaction } from '../storage/transaction';
import { arenaItems, battleWinner } from './items';
import { buildPackages, type PackageFile } from './package';
import { importWork, readWork, type ImportOutcome, type WorkFile } from './work';

// The researcher's side of offline annotation, in the database (migration 015): packages
// built from an arena run are recorded (who got which item, in which order), and work files
// imported back become battles with source 'human', so the ratings and the agreement read
// them beside the judge's. Each import is one transaction: a file is stored whole or not at all.

export interface PackageRequest {
  annotators: string[];
  perItem: number;
  seed: number;
  /** The guidelines shown to the annotators; Prompt 2's principles in the run's language when omitted. */
  guidelines?: string;
}

export interface PackageRecord {
  packageId: string;
  arenaId: number;
  annotators: string[];
  perItem: number;
  seed: number;
  items: number;
  createdAt: string;
}

export interface ImportRecord {
  file: string;
  packageId: string;
  annotator: string;
  revision: number;
  status: ImportOutcome['status'];
  message: string | null;
  importedAt: string;
}

export interface ImportReport extends ImportOutcome {
  arenaId: number;
  packageId: string;
  revision: number;
  /** Verdicts the file holds. */
  verdicts: number;
}

/**
 * The guidelines annotators read by default: Prompt 2's principles (paper Figure 13), the part
 * before the dialogue, so that humans judge by the same standard as the LLM supervisor.
 */
export function defaultGuidelines(resourcesDir: string, language: CardLanguage): string {
  const prompt = supervisorTemplate(resourcesDir, 2, language);
  const cut = prompt.search(/\n\s*(?:对话历史|Conversation History)/u);
  return (cut < 0 ? prompt : prompt.slice(0, cut)).trim();
}

interface WorkRow {
  content: string;
}

export class AnnotationStore {
  constructor(
    private readonly db: Db,
    private readonly resourcesDir: string,
  ) {}

  /** Builds one sealed package per annotator from the arena's battle turns and records it; the same request twice records it once. */
  buildPackages(arenaId: number, request: PackageRequest): PackageFile[] {
    const arena = prepared(this.db, 'SELECT language FROM arena_runs WHERE id = ?').get(arenaId) as { language: CardLanguage } | undefined;
    if (!arena) throw new DomainError('not_found', `Arena ${arenaId} was not found; list the arenas with: simpsy arena list`);
    const items = arenaItems(this.db, arenaId);
    const guidelines = request.guidelines?.trim() || defaultGuidelines(this.resourcesDir, arena.language);
    const files = buildPackages({ items, annotators: request.annotators, perItem: request.perItem, guidelines, seed: request.seed });
    const where = new Map(items.map((i) => [i.itemId, i]));
    writeTransaction(this.db, () => {
      const packageId = files[0]!.packageId;
      const added = prepared(
        this.db,
        `INSERT OR IGNORE INTO annotation_packages (package_id, arena_id, annotators, per_item, seed, guidelines, items, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(packageId, arenaId, JSON.stringify(request.annotators), request.perItem, request.seed, guidelines, items.length, now());
      if (added.changes === 0) return;
      const assign = prepared(this.db, 'INSERT INTO annotation_assignments (package_id, annotator, item_id, session_id, turn, left_is) VALUES (?, ?, ?, ?, ?, ?)');
      for (const file of files) {
        for (const item of file.items) assign.run(packageId, file.annotator, item.itemId, where.get(item.itemId)!.sessionId, where.get(item.itemId)!.turn, item.leftIs);
      }
    });
    return files;
  }

  /** The arena runs with battle turns to annotate, the newest first. */
  arenas(): AnnotationArena[] {
    const rows = prepared(
      this.db,
      `SELECT r.id, r.title, r.language,
         (SELECT count(*) FROM (SELECT DISTINCT session_id, turn FROM battles b WHERE b.arena_id = r.id AND b.source = 'llm')) AS items,
         (SELECT count(*) FROM battles b WHERE b.arena_id = r.id AND b.source = 'human' AND b.winner IS NOT NULL) AS humanVerdicts
       FROM arena_runs r ORDER BY r.id DESC`,
    ).all() as Omit<AnnotationArena, 'defaultGuidelines'>[];
    const guidelines = new Map<CardLanguage, string>();
    return rows
      .filter((r) => r.items > 0)
      .map((r) => {
        if (!guidelines.has(r.language)) guidelines.set(r.language, defaultGuidelines(this.resourcesDir, r.language));
        return { ...r, defaultGuidelines: guidelines.get(r.language)! };
      });
  }

  packages(arenaId: number): PackageRecord[] {
    const rows = prepared(this.db, 'SELECT * FROM annotation_packages WHERE arena_id = ? ORDER BY created_at, package_id').all(arenaId) as {
      package_id: string;
      arena_id: number;
      annotators: string;
      per_item: number;
      seed: number;
      items: number;
      created_at: string;
    }[];
    return rows.map((r) => ({ packageId: r.package_id, arenaId: r.arena_id, annotators: JSON.parse(r.annotators) as string[], perItem: r.per_item, seed: r.seed, items: r.items, createdAt: r.created_at }));
  }

  /**
   * Imports one annotator's work file. A damaged, changed or foreign file throws and stores
   * nothing; otherwise the outcome says whether it was new, the same as before, a later
   * version that replaced the earlier, or a conflict (reported; nothing changed).
   */
  importWork(text: string, file: string): ImportReport {
    const work = readWork(text, file);
    return writeTransaction(this.db, () => {
      const pkg = prepared(this.db, 'SELECT arena_id, annotators FROM annotation_packages WHERE package_id = ?').get(work.packageId) as
        | { arena_id: number; annotators: string }
        | undefined;
      if (!pkg) {
        throw new DomainError(
          'validation',
          `${file} is ${work.annotator}'s work on a package this database did not build (package ${work.packageId.slice(0, 19)}…); import it into the database the package was made from.`,
        );
      }
      const assigned = new Map(
        (prepared(this.db, 'SELECT item_id, session_id, turn, left_is FROM annotation_assignments WHERE package_id = ? AND annotator = ?').all(work.packageId, work.annotator) as {
          item_id: string;
          session_id: number;
          turn: number;
          left_is: 'a' | 'b';
        }[]).map((r) => [r.item_id, r]),
      );
      if (assigned.size === 0) throw new DomainError('validation', `${file} is signed by ${work.annotator}, who is not an annotator of its package (${(JSON.parse(pkg.annotators) as string[]).join(', ')}); nothing was imported.`);
      work.verdicts.forEach((v, i) => {
        if (!assigned.has(v.itemId)) throw new DomainError('validation', `${file}: verdicts[${i}] (item ${v.itemId}) is not an item of ${work.annotator}'s package; nothing was imported.`);
        if (!Number.isFinite(Date.parse(v.at))) throw new DomainError('validation', `${file}: verdicts[${i}] (item ${v.itemId}) has no valid time in field 'at' ('${String(v.at)}'); nothing was imported.`);
      });

      const stored = prepared(this.db, 'SELECT content FROM annotation_work WHERE package_id = ? AND annotator = ?').get(work.packageId, work.annotator) as WorkRow | undefined;
      const earlier = stored ? (JSON.parse(stored.content) as WorkFile) : undefined;
      const collection = new Map(earlier ? [[`${work.packageId}\u0000${work.annotator}`, earlier]] : []);
      let { outcome } = importWork(collection, text, file);
      if (outcome.status === 'added' || outcome.status === 'updated') {
        const clash = this.clashWithOtherPackages(work, assigned, earlier);
        if (clash) outcome = { ...outcome, status: 'conflict', message: clash };
        else this.store(work, file, assigned, earlier);
      }
      prepared(this.db, 'INSERT INTO annotation_imports (arena_id, package_id, annotator, file, revision, status, message, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        pkg.arena_id,
        work.packageId,
        work.annotator,
        file,
        work.revision,
        outcome.status,
        outcome.message ?? null,
        now(),
      );
      return { ...outcome, arenaId: pkg.arena_id, packageId: work.packageId, revision: work.revision, verdicts: work.verdicts.length };
    });
  }

  imports(arenaId: number): ImportRecord[] {
    const rows = prepared(this.db, 'SELECT file, package_id, annotator, revision, status, message, imported_at FROM annotation_imports WHERE arena_id = ? ORDER BY id').all(arenaId) as {
      file: string;
      package_id: string;
      annotator: string;
      revision: number;
      status: ImportOutcome['status'];
      message: string | null;
      imported_at: string;
    }[];
    return rows.map((r) => ({ file: r.file, packageId: r.package_id, annotator: r.annotator, revision: r.revision, status: r.status, message: r.message, importedAt: r.imported_at }));
  }

  /** An annotator who judged a battle turn in another package's work: two verdicts would contend for one battle row. */
  private clashWithOtherPackages(work: WorkFile, assigned: Map<string, { session_id: number; turn: number }>, earlier: WorkFile | undefined): string | null {
    const ours = new Set(earlier?.verdicts.map((v) => v.itemId) ?? []);
    const exists = prepared(this.db, `SELECT 1 FROM battles WHERE session_id = ? AND turn = ? AND source = 'human' AND annotator = ?`);
    const taken = work.verdicts.filter((v) => !ours.has(v.itemId) && exists.get(assigned.get(v.itemId)!.session_id, assigned.get(v.itemId)!.turn, work.annotator));
    if (taken.length === 0) return null;
    return `${work.annotator} has already judged item(s) ${taken.slice(0, 5).map((v) => v.itemId).join(', ')} in another package's imported work; nothing was changed. Keep one of the two packages' work for these items.`;
  }

  /** Replaces the annotator's work for the package, and the human battles made from it. */
  private store(work: WorkFile, file: string, assigned: Map<string, { session_id: number; turn: number; left_is: 'a' | 'b' }>, earlier: WorkFile | undefined): void {
    const drop = prepared(this.db, `DELETE FROM battles WHERE session_id = ? AND turn = ? AND source = 'human' AND annotator = ?`);
    for (const v of earlier?.verdicts ?? []) drop.run(assigned.get(v.itemId)!.session_id, assigned.get(v.itemId)!.turn, work.annotator);
    // The judge's battle of the same turn gives the pair, the replies and the arena.
    const insert = prepared(
      this.db,
      `INSERT INTO battles (arena_id, session_id, turn, model_a, model_b, reply_a, reply_b, a_position, winner, chosen, judge, prompt_version, judge_output, source, annotator, created_at)
       SELECT arena_id, session_id, turn, model_a, model_b, reply_a, reply_b, ?, ?, NULL, ?, 'annotation', ?, 'human', ?, ?
       FROM battles WHERE session_id = ? AND turn = ? AND source = 'llm' ORDER BY id LIMIT 1`,
    );
    for (const v of work.verdicts) {
      const at = assigned.get(v.itemId)!;
      insert.run(at.left_is === 'a' ? 'A' : 'B', battleWinner(v.choice), work.annotator, v.note ?? null, work.annotator, new Date(v.at).toISOString(), at.session_id, at.turn);
    }
    prepared(
      this.db,
      `INSERT INTO annotation_work (package_id, annotator, revision, seal, file, content, verdicts, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (package_id, annotator) DO UPDATE SET revision = excluded.revision, seal = excluded.seal, file = excluded.file, content = excluded.content, verdicts = excluded.verdicts, imported_at = excluded.imported_at`,
    ).run(work.packageId, work.annotator, work.revision, work.seal, file, JSON.stringify(work), work.verdicts.length, now());
  }
}
