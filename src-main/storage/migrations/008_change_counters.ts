import type { Migration } from '../migration';

/**
 * What each domain's counter counts: any insert, update or delete of these tables bumps it.
 * sim_messages is left out on purpose: it is the hottest table (every turn of every session)
 * and every write to it comes with an update of its session in the same transaction, which
 * bumps 'dialogues' already.
 */
export const counterTables = {
  cards: ['role_cards', 'role_card_tags'],
  dialogues: ['sim_sessions', 'sim_session_tags'],
  runs: ['sim_runs'],
  jobs: ['jobs'],
  endpoints: ['endpoints'],
} as const;

// Change counters (src-main/app/change-watcher.ts): one row per domain, bumped by triggers on
// the domain's tables, whichever connection writes (the app, the CLI, a second window). The
// app polls this five-row table to learn *what* changed without scanning big tables, then
// tells its windows. A trigger costs one primary-key update of a page the transaction has
// already dirtied after its first bump; the simulation benchmark was run before and after.
export const m008ChangeCounters: Migration = {
  version: 8,
  name: 'change_counters',
  up(db) {
    db.exec(`
      CREATE TABLE change_counters (
        domain  TEXT PRIMARY KEY,
        version INTEGER NOT NULL DEFAULT 0
      ) STRICT, WITHOUT ROWID;
    `);
    const seed = db.prepare('INSERT INTO change_counters (domain) VALUES (?)');
    for (const [domain, tables] of Object.entries(counterTables)) {
      seed.run(domain);
      for (const table of tables) {
        for (const event of ['insert', 'update', 'delete']) {
          db.exec(`
            CREATE TRIGGER ${table}_counts_${event} AFTER ${event.toUpperCase()} ON ${table} BEGIN
              UPDATE change_counters SET version = version + 1 WHERE domain = '${domain}';
            END;
          `);
        }
      }
    }
  },
};
