import type { Migration } from '../migration';

// Offline annotation (src-main/annotation, docs/ratings.md#offline-annotation-files): the
// packages built from an arena run, and the annotators' work files imported back.
//
// - annotation_packages: one build (one packageId, the seal of its source), from one arena.
// - annotation_assignments: which items each annotator of a package got, where each item is
//   a battle turn (session, turn), and which reply that annotator saw on the left. Importing
//   a work file checks its verdicts against these rows, and a human battle's a_position
//   comes from here.
// - annotation_work: the work file imported for each (package, annotator), its revision and
//   seal: importing the same file again changes nothing; a conflicting version is reported
//   and leaves this row (and the battles made from it) as they were.
// - annotation_imports: every import attempt and its outcome, for the researcher's report.
// Each verdict of an imported work file is a battle with source 'human' and the annotator
// (migration 012), so the ratings read it with the judge's battles.
export const m015Annotation: Migration = {
  version: 15,
  name: 'annotation',
  up(db) {
    db.exec(`
      CREATE TABLE annotation_packages (
        package_id  TEXT PRIMARY KEY,
        arena_id    INTEGER NOT NULL REFERENCES arena_runs (id) ON DELETE CASCADE,
        annotators  TEXT NOT NULL,
        per_item    INTEGER NOT NULL CHECK (per_item >= 1),
        seed        INTEGER NOT NULL,
        guidelines  TEXT NOT NULL,
        items       INTEGER NOT NULL,
        created_at  TEXT NOT NULL
      ) STRICT;
      CREATE INDEX annotation_packages_by_arena ON annotation_packages (arena_id);

      CREATE TABLE annotation_assignments (
        package_id  TEXT NOT NULL REFERENCES annotation_packages (package_id) ON DELETE CASCADE,
        annotator   TEXT NOT NULL,
        item_id     TEXT NOT NULL,
        session_id  INTEGER NOT NULL REFERENCES arena_sessions (id) ON DELETE CASCADE,
        turn        INTEGER NOT NULL CHECK (turn >= 1),
        left_is     TEXT NOT NULL CHECK (left_is IN ('a','b')),
        PRIMARY KEY (package_id, annotator, item_id)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE annotation_work (
        package_id  TEXT NOT NULL REFERENCES annotation_packages (package_id) ON DELETE CASCADE,
        annotator   TEXT NOT NULL,
        revision    INTEGER NOT NULL,
        seal        TEXT NOT NULL,
        file        TEXT NOT NULL,
        content     TEXT NOT NULL,
        verdicts    INTEGER NOT NULL,
        imported_at TEXT NOT NULL,
        PRIMARY KEY (package_id, annotator)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE annotation_imports (
        id          INTEGER PRIMARY KEY,
        arena_id    INTEGER NOT NULL REFERENCES arena_runs (id) ON DELETE CASCADE,
        package_id  TEXT NOT NULL,
        annotator   TEXT NOT NULL,
        file        TEXT NOT NULL,
        revision    INTEGER NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('added','unchanged','updated','conflict')),
        message     TEXT,
        imported_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX annotation_imports_by_arena ON annotation_imports (arena_id, id);
    `);
  },
};
