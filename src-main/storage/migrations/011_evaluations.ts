import type { Migration } from '../migration';

// Stored evaluations (issue 9, "results are kept"): each evaluation with its exact settings
// and its per-session scores, so the app lists past evaluations and reopens them without
// recomputing, and a report can be written from one at any later time.
//
// - evaluations: one row per evaluation. `dataset_a` / `dataset_b` are JSON: the dataset's
//   definition (runs and filter), its runs, language and the ids of the sessions it held at
//   the time, so the evaluation says what it measured even after sessions are deleted.
//   `settings` (seed, tokeniser and version, stopwords, prompts, models) and `summary` (the
//   measure's tables and tests) are JSON whose shape belongs to the measure.
// - evaluation_scores: one row per scored session and dataset; `scores` is the measure's
//   numbers for that session as JSON. Session ids are kept as plain numbers, not foreign
//   keys: deleting a dialogue must not rewrite a past result.
export const m011Evaluations: Migration = {
  version: 11,
  name: 'evaluations',
  up(db) {
    db.exec(`
      CREATE TABLE evaluations (
        id          INTEGER PRIMARY KEY,
        measure     TEXT NOT NULL CHECK (measure IN ('stats','overlap','semantic','topics','wai')),
        title       TEXT NOT NULL DEFAULT '',
        language    TEXT NOT NULL CHECK (language IN ('zh','en')),
        dataset_a   TEXT NOT NULL CHECK (json_valid(dataset_a)),
        dataset_b   TEXT CHECK (dataset_b IS NULL OR json_valid(dataset_b)),
        settings    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
        summary     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(summary)),
        app_version TEXT NOT NULL,
        created_at  TEXT NOT NULL
      ) STRICT;
      CREATE INDEX evaluations_by_measure ON evaluations (measure, id);

      CREATE TABLE evaluation_scores (
        evaluation_id INTEGER NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
        dataset       TEXT NOT NULL CHECK (dataset IN ('a','b')),
        session_id    INTEGER NOT NULL,
        external_id   TEXT,
        scores        TEXT NOT NULL CHECK (json_valid(scores)),
        PRIMARY KEY (evaluation_id, dataset, session_id)
      ) STRICT;
    `);
  },
};
