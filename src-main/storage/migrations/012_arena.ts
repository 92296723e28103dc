import type { Migration } from '../migration';

// The arena (src-main/arena, docs/arena.md): counselors competing turn by turn (Algorithm 2).
//
// - counselors: a named competitor: an endpoint, a model, a prompt and sampling settings.
//   Removing its endpoint removes it (a counselor without an endpoint cannot compete); arena
//   runs keep their own snapshot of every counselor, so their battles stay readable.
// - arena_runs: one arena run, its full snapshot (counselors, client, judge, prompts) as JSON.
// - arena_sessions: one card played by one pair of counselors (a = Ψa, b = Ψb of Algorithm 2).
// - arena_messages: the dialogue as it went: the client at even positions, at odd ones the
//   reply the supervisor chose (`counselor` names whose it was).
// - arena_calls: every completed call: each counselor reply (refused by σ or not), each judge
//   answer (parsed or not), each client utterance. (session, turn, role, side, pass, attempt)
//   is unique, so resuming never makes a completed call twice.
// - battles: one per turn and per source (an LLM judge now, human annotators later): both
//   replies, the positions they were shown in, the verdict, the raw judge output. A failed
//   judgment is a battle with winner NULL and the reason in `failure`, never a guess. The
//   history is by reference: the session's messages before position 2·turn − 1.
export const m012Arena: Migration = {
  version: 12,
  name: 'arena',
  up(db) {
    db.exec(`
      CREATE TABLE counselors (
        id           INTEGER PRIMARY KEY,
        name         TEXT NOT NULL UNIQUE,
        endpoint_id  INTEGER NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
        model        TEXT,
        prompt_name  TEXT NOT NULL CHECK (prompt_name IN ('default','released','custom')),
        prompt       TEXT,
        temperature  REAL,
        top_p        REAL,
        max_tokens   INTEGER,
        preset       TEXT,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        CHECK ((prompt_name = 'custom') = (prompt IS NOT NULL))
      ) STRICT;
      CREATE INDEX counselors_by_endpoint ON counselors (endpoint_id);

      CREATE TABLE arena_runs (
        id                INTEGER PRIMARY KEY,
        job_id            INTEGER REFERENCES jobs (id) ON DELETE SET NULL,
        title             TEXT NOT NULL,
        language          TEXT NOT NULL CHECK (language IN ('zh','en')),
        config            TEXT NOT NULL,
        app_version       TEXT NOT NULL,
        session_count     INTEGER NOT NULL,
        calls             INTEGER NOT NULL DEFAULT 0,
        prompt_tokens     INTEGER NOT NULL DEFAULT 0,
        completion_tokens INTEGER NOT NULL DEFAULT 0,
        cost              REAL NOT NULL DEFAULT 0,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL
      ) STRICT;
      CREATE INDEX arena_runs_by_job ON arena_runs (job_id);

      CREATE TABLE arena_sessions (
        id          INTEGER PRIMARY KEY,
        arena_id    INTEGER NOT NULL REFERENCES arena_runs (id) ON DELETE CASCADE,
        seq         INTEGER NOT NULL,
        card_id     INTEGER,
        card_text   TEXT NOT NULL,
        counselor_a TEXT NOT NULL,
        counselor_b TEXT NOT NULL,
        status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','running','ended')),
        end_reason  TEXT CHECK (end_reason IN ('phrase','turn_limit','refinement_failed','judge_failed','error','cancelled')),
        end_phrase  TEXT,
        error       TEXT,
        turns       INTEGER NOT NULL DEFAULT 0,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        CHECK ((status = 'ended') = (end_reason IS NOT NULL)),
        CHECK (counselor_a <> counselor_b),
        UNIQUE (arena_id, seq)
      ) STRICT;
      CREATE INDEX arena_sessions_by_status ON arena_sessions (arena_id, status, seq);

      CREATE TABLE arena_messages (
        id         INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES arena_sessions (id) ON DELETE CASCADE,
        idx        INTEGER NOT NULL CHECK (idx >= 0),
        role       TEXT NOT NULL CHECK (role IN ('client','counselor')),
        counselor  TEXT,
        content    TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (session_id, idx),
        CHECK ((idx % 2 = 0) = (role = 'client')),
        CHECK ((role = 'counselor') = (counselor IS NOT NULL))
      ) STRICT;

      CREATE TABLE arena_calls (
        id                INTEGER PRIMARY KEY,
        arena_id          INTEGER NOT NULL REFERENCES arena_runs (id) ON DELETE CASCADE,
        session_id        INTEGER NOT NULL REFERENCES arena_sessions (id) ON DELETE CASCADE,
        -- The counselor turn the call belongs to; the client's utterance after turn t is turn t.
        turn              INTEGER NOT NULL CHECK (turn >= 0),
        role              TEXT NOT NULL CHECK (role IN ('client','counselor','judge')),
        -- Which counselor of the pair ('a' or 'b'); '' for the client and the judge.
        side              TEXT NOT NULL CHECK (side IN ('a','b','')),
        -- The judge's pass: 1, or 2 for the swapped order of --swap-check; 1 for the others.
        pass              INTEGER NOT NULL DEFAULT 1 CHECK (pass IN (1, 2)),
        attempt           INTEGER NOT NULL CHECK (attempt >= 1),
        content           TEXT NOT NULL,
        accepted          INTEGER NOT NULL CHECK (accepted IN (0, 1)),
        -- Why it was not accepted: σ's rule for a reply, the parse failure for a judgment.
        rejection         TEXT,
        -- The judge's parsed choice as shown to it.
        choice            TEXT CHECK (choice IN ('A','B')),
        model             TEXT,
        prompt_tokens     INTEGER,
        completion_tokens INTEGER,
        cost              REAL NOT NULL DEFAULT 0,
        latency_ms        INTEGER NOT NULL,
        created_at        TEXT NOT NULL,
        UNIQUE (session_id, turn, role, side, pass, attempt),
        CHECK ((accepted = 1) = (rejection IS NULL))
      ) STRICT;

      CREATE TABLE battles (
        id                 INTEGER PRIMARY KEY,
        arena_id           INTEGER NOT NULL REFERENCES arena_runs (id) ON DELETE CASCADE,
        session_id         INTEGER NOT NULL REFERENCES arena_sessions (id) ON DELETE CASCADE,
        turn               INTEGER NOT NULL CHECK (turn >= 1),
        model_a            TEXT NOT NULL,
        model_b            TEXT NOT NULL,
        reply_a            TEXT NOT NULL,
        reply_b            TEXT NOT NULL,
        -- The label model_a's reply was shown under (the first pass, when swap-checked).
        a_position         TEXT NOT NULL CHECK (a_position IN ('A','B')),
        winner             TEXT CHECK (winner IN ('model_a','model_b','tie','tie (bothbad)')),
        -- Whose reply entered the history; NULL when the judgment failed (the session ended).
        chosen             TEXT CHECK (chosen IN ('model_a','model_b')),
        judge              TEXT NOT NULL,
        prompt_version     TEXT NOT NULL,
        judge_output       TEXT,
        judge_output_swapped TEXT,
        swap_consistent    INTEGER CHECK (swap_consistent IN (0, 1)),
        failure            TEXT,
        latency_ms         INTEGER NOT NULL DEFAULT 0,
        cost               REAL NOT NULL DEFAULT 0,
        source             TEXT NOT NULL CHECK (source IN ('llm','human')),
        annotator          TEXT NOT NULL DEFAULT '',
        created_at         TEXT NOT NULL,
        UNIQUE (session_id, turn, source, annotator),
        CHECK ((winner IS NULL) = (failure IS NOT NULL))
      ) STRICT;
      CREATE INDEX battles_by_arena ON battles (arena_id, source, id);
    `);
  },
};
