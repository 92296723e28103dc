import type { Migration } from '../migration';

/**
 * Which writes bump which domain's counter. A trigger of any kind on a table slows every
 * UPDATE of it, even one that never fires (measured: saving turns 2.5× slower with an
 * `AFTER UPDATE` trigger on sim_sessions), but an `UPDATE OF columns` trigger is left out
 * of statements that set none of them. So the tables the simulation engine updates on every
 * call or turn (sim_sessions' counts, sim_runs' totals) count only the columns that change
 * rarely; per-turn progress is read from the newest row ids of sim_messages and sim_calls
 * instead (app/change-watcher.ts). sim_messages, written every turn, has no trigger at all.
 */
export const countedWrites = [
  { domain: 'cards', table: 'role_cards', writes: ['INSERT', 'UPDATE', 'DELETE'] },
  { domain: 'cards', table: 'role_card_tags', writes: ['INSERT', 'DELETE'] },
  { domain: 'dialogues', table: 'sim_sessions', writes: ['INSERT', 'DELETE', 'UPDATE OF status, starred'] },
  { domain: 'dialogues', table: 'sim_session_tags', writes: ['INSERT', 'DELETE'] },
  { domain: 'runs', table: 'sim_runs', writes: ['INSERT', 'DELETE', 'UPDATE OF title, job_id, session_count, errors, resumed_at'] },
  { domain: 'jobs', table: 'jobs', writes: ['INSERT', 'UPDATE', 'DELETE'] },
  { domain: 'endpoints', table: 'endpoints', writes: ['INSERT', 'UPDATE', 'DELETE'] },
] as const;

// Change counters (src-main/app/change-watcher.ts): one row per domain, bumped by triggers on
// the domain's tables, whichever connection writes (the app, the CLI, a second window). The
// app polls this five-row table to learn *what* changed without scanning big tables, then
// tells its windows.
export const m007ChangeCounters: Migration = {
  version: 7,
  name: 'change_counters',
  up(db) {
    db.exec(`
      CREATE TABLE change_counters (
        domain  TEXT PRIMARY KEY,
        version INTEGER NOT NULL DEFAULT 0
      ) STRICT, WITHOUT ROWID;
    `);
    const seed = db.prepare('INSERT OR IGNORE INTO change_counters (domain) VALUES (?)');
    for (const { domain, table, writes } of countedWrites) {
      seed.run(domain);
      for (const write of writes) {
        const event = write.split(' ')[0]!.toLowerCase();
        db.exec(`
          CREATE TRIGGER ${table}_counts_${event} AFTER ${write} ON ${table} BEGIN
            UPDATE change_counters SET version = version + 1 WHERE domain = '${domain}';
          END;
        `);
      }
    }
  },
};
