import type { Migration } from '../migration';

/**
 * The arena's writes that bump its counter (as migration 007 does for sim_*), so the window
 * follows arena runs made by the CLI or another window. The executor updates arena_runs'
 * totals on every call and arena_sessions' turns on every turn: those columns are left out
 * (an `UPDATE OF` trigger costs nothing on statements that set none of its columns). Battles
 * and messages, written every turn, have no trigger: the watcher reads the newest battle id
 * as the arena's progress (app/change-watcher.ts), as it reads sim_messages for dialogues.
 */
export const arenaCountedWrites = [
  { table: 'counselors', writes: ['INSERT', 'UPDATE', 'DELETE'] },
  { table: 'arena_runs', writes: ['INSERT', 'DELETE', 'UPDATE OF title, job_id, session_count'] },
  { table: 'arena_sessions', writes: ['INSERT', 'DELETE', 'UPDATE OF status'] },
] as const;

export const m014ArenaChangeCounters: Migration = {
  version: 14,
  name: 'arena_change_counters',
  up(db) {
    db.exec(`INSERT OR IGNORE INTO change_counters (domain) VALUES ('arena')`);
    for (const { table, writes } of arenaCountedWrites) {
      for (const write of writes) {
        const event = write.split(' ')[0]!.toLowerCase();
        db.exec(`
          CREATE TRIGGER ${table}_counts_${event} AFTER ${write} ON ${table} BEGIN
            UPDATE change_counters SET version = version + 1 WHERE domain = 'arena';
          END;
        `);
      }
    }
  },
};
