import type { Statement } from 'better-sqlite3';
import type { Db } from '../storage/database';
import type { AppEvents } from './events';

/** How often the app looks; a change shows in the windows within this time. */
export const CHANGE_POLL_MS = 500;

/** Each domain counter (migration 008) and the event that announces it to the windows. */
const announce: Record<string, (events: AppEvents) => void> = {
  cards: (events) => events.emit('cards:changed', {}),
  dialogues: (events) => events.emit('dialogues:changed', {}),
  runs: (events) => events.emit('runs:changed', {}),
  jobs: (events) => events.emit('jobs:changed', {}),
  endpoints: (events) => events.emit('endpoints:changed', {}),
};

/**
 * Notices every committed change to the cards, dialogues, runs, jobs and endpoints, whoever
 * made it (the CLI on the same file, a run in this process, another window's request), and
 * announces it as a domain event, at most once per domain per look.
 *
 * Triggers keep one counter per domain in `change_counters`. The engine's per-turn writes
 * bump no counter (a trigger there would slow it, see migration 008); every turn appends a
 * message and every call a call row, so the newest id of those append-only tables stands for
 * the dialogues' and the runs' progress. A look reads five rows and two `max(id)`s, each one
 * step down a B-tree: about 50 µs (test/bench/change-counters.bench.ts), three times the
 * cost of SQLite's `data_version`, which could only say *that* another connection committed.
 * It also sees this connection's own commits, so changes made in the app take the same path.
 */
export class ChangeWatcher {
  private readonly read: Statement<[], { domain: string; mark: string }>;
  private seen: Map<string, string>;
  private timer: NodeJS.Timeout | undefined;
  private failed = false;

  constructor(
    private readonly db: Db,
    private readonly events: AppEvents,
    private readonly intervalMs = CHANGE_POLL_MS,
  ) {
    this.read = db.prepare(`
      SELECT domain, version || CASE domain
        WHEN 'dialogues' THEN ':' || (SELECT coalesce(max(id), 0) FROM sim_messages)
        WHEN 'runs' THEN ':' || (SELECT coalesce(max(id), 0) FROM sim_calls)
        ELSE '' END AS mark
      FROM change_counters`);
    this.seen = this.marks();
  }

  start(): this {
    this.timer ??= setInterval(() => this.check(), this.intervalMs);
    // Looking for changes must never keep a process (the CLI, a test) alive.
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One look: announces each domain that changed since the last look, and returns them. */
  check(): string[] {
    if (!this.db.open) {
      this.stop();
      return [];
    }
    let now: Map<string, string>;
    try {
      now = this.marks();
    } catch (error) {
      // A read can fail only transiently (the file is being recovered); the next look retries.
      if (!this.failed) console.warn(`Could not look for database changes: ${error instanceof Error ? error.message : String(error)}`);
      this.failed = true;
      return [];
    }
    this.failed = false;
    const changed: string[] = [];
    for (const [domain, mark] of now) {
      if (this.seen.get(domain) === mark) continue;
      changed.push(domain);
      announce[domain]?.(this.events);
    }
    this.seen = now;
    return changed;
  }

  private marks(): Map<string, string> {
    return new Map(this.read.all().map((row) => [row.domain, row.mark]));
  }
}
