import type { CardLanguage } from '../contract/role-card';
import type { EvaluationDetail, EvaluationListItem, EvaluationMeasure, StoredDataset, StoredScore } from '../contract/evaluation';
import { DomainError } from '../common/errors';
import type { Db } from '../storage/database';
import { prepared } from '../storage/statements';
import { writeTransaction } from '../storage/transaction';

// Stored evaluations (migration 011): an evaluation with its exact settings and its
// per-session scores, written in one transaction (all of it or nothing), read back without
// recomputing. The store knows no measure: settings, summary and each session's values are
// the measure's JSON, so semantic, topics and WAI store through the same four calls.

export interface NewEvaluation {
  measure: EvaluationMeasure;
  title: string;
  language: CardLanguage;
  datasets: { a: StoredDataset; b: StoredDataset | null };
  settings: Record<string, unknown>;
  summary: Record<string, unknown>;
  scores: StoredScore[];
  appVersion: string;
}

interface Row {
  id: number;
  measure: EvaluationMeasure;
  title: string;
  language: CardLanguage;
  dataset_a: string;
  dataset_b: string | null;
  settings: string;
  summary: string;
  app_version: string;
  created_at: string;
}

const LIST = `SELECT id, measure, title, language, app_version, created_at,
  json_array_length(dataset_a, '$.sessionIds') AS size_a,
  CASE WHEN dataset_b IS NULL THEN NULL ELSE json_array_length(dataset_b, '$.sessionIds') END AS size_b
  FROM evaluations`;

type ListRow = Pick<Row, 'id' | 'measure' | 'title' | 'language' | 'app_version' | 'created_at'> & { size_a: number; size_b: number | null };

const listItem = (r: ListRow): EvaluationListItem => ({
  id: r.id,
  measure: r.measure,
  title: r.title,
  language: r.language,
  sizes: { a: r.size_a, b: r.size_b },
  appVersion: r.app_version,
  createdAt: r.created_at,
});

export class EvaluationResults {
  constructor(private readonly db: Db) {}

  /** Writes the evaluation and its scores in one transaction; returns its id. */
  save(e: NewEvaluation): number {
    return writeTransaction(this.db, () => {
      const { lastInsertRowid } = prepared(
        this.db,
        `INSERT INTO evaluations (measure, title, language, dataset_a, dataset_b, settings, summary, app_version, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        e.measure,
        e.title,
        e.language,
        JSON.stringify(e.datasets.a),
        e.datasets.b ? JSON.stringify(e.datasets.b) : null,
        JSON.stringify(e.settings),
        JSON.stringify(e.summary),
        e.appVersion,
        new Date().toISOString(),
      );
      const id = Number(lastInsertRowid);
      const score = prepared(this.db, 'INSERT INTO evaluation_scores (evaluation_id, dataset, session_id, external_id, scores) VALUES (?, ?, ?, ?, ?)');
      for (const s of e.scores) score.run(id, s.dataset, s.sessionId, s.externalId, JSON.stringify(s.values));
      return id;
    });
  }

  /** Newest first; optionally one measure's. */
  list(measure?: EvaluationMeasure): EvaluationListItem[] {
    const rows = measure
      ? (prepared(this.db, `${LIST} WHERE measure = ? ORDER BY id DESC`).all(measure) as ListRow[])
      : (prepared(this.db, `${LIST} ORDER BY id DESC`).all() as ListRow[]);
    return rows.map(listItem);
  }

  get(id: number): EvaluationDetail {
    const row = prepared(this.db, `${LIST} WHERE id = ?`).get(id) as ListRow | undefined;
    if (!row) throw this.missing(id);
    const full = prepared(this.db, 'SELECT dataset_a, dataset_b, settings, summary FROM evaluations WHERE id = ?').get(id) as Pick<Row, 'dataset_a' | 'dataset_b' | 'settings' | 'summary'>;
    const scores = (
      prepared(this.db, "SELECT dataset, session_id, external_id, scores FROM evaluation_scores WHERE evaluation_id = ? ORDER BY dataset, session_id").all(id) as {
        dataset: 'a' | 'b';
        session_id: number;
        external_id: string | null;
        scores: string;
      }[]
    ).map((s): StoredScore => ({ dataset: s.dataset, sessionId: s.session_id, externalId: s.external_id, values: JSON.parse(s.scores) as StoredScore['values'] }));
    return {
      ...listItem(row),
      datasets: { a: JSON.parse(full.dataset_a) as StoredDataset, b: full.dataset_b ? (JSON.parse(full.dataset_b) as StoredDataset) : null },
      settings: JSON.parse(full.settings) as Record<string, unknown>,
      summary: JSON.parse(full.summary) as Record<string, unknown>,
      scores,
    };
  }

  /** The evaluation a model measure's job stored (its settings hold the job id), if any. */
  idOfJob(jobId: number): number | null {
    const row = prepared(this.db, "SELECT id FROM evaluations WHERE json_extract(settings, '$.jobId') = ? ORDER BY id LIMIT 1").get(jobId) as { id: number } | undefined;
    return row?.id ?? null;
  }

  /** Removes the evaluation and its scores (the cascade); the sessions are untouched. */
  remove(id: number): void {
    const { changes } = writeTransaction(this.db, () => prepared(this.db, 'DELETE FROM evaluations WHERE id = ?').run(id));
    if (changes === 0) throw this.missing(id);
  }

  private missing(id: number): DomainError {
    const known = (prepared(this.db, 'SELECT id FROM evaluations ORDER BY id DESC LIMIT 10').all() as { id: number }[]).map((r) => r.id);
    return new DomainError(
      'not_found',
      `Evaluation ${id} does not exist; ${known.length === 0 ? 'none is stored yet: run one with simpsy eval stats or overlap' : `the latest are ${known.join(', ')} (simpsy eval list shows them all)`}.`,
    );
  }
}
