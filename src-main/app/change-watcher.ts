import type { Statement } from 'better-sqlite3';
import type { Db } from '../storage/database';
import type { AppEvents } from './events';

/** How often the app looks; a change shows in the windows within this time. */
export const CHANGE_POLL_MS = 500;

/** Each domain counter (migration 008) and the event that announces it to the windows. */
const announce: Record<string, (events: AppEvents, version: number) => void> = {
  cards: (events, version) => events.emit('cards:changed', { version }),
  dialogues: (events, version) => events.emit('dialogues:changed', { version }),
  runs: (events, version) => events.emit('runs:changed', { version }),
  jobs: (events) => events.emit('jobs:changed', {}),
  endpoints: (events, version) => events.emit('endpoints:changed', { version }),
};

/**
 * Notices every committed change to the cards, dialogues, runs, jobs and endpoints, whoever
 * made it (the CLI on the same file, a run in this process, another window's request), and
 * announces it as a domain event, at most once per domain per look.
 *
 * Triggers keep one counter per domain in `change_counters`; a look reads those five rows.
 * That is as cheap as asking SQLite's `data_version` first, and unlike `data_version` it also
 * sees this connection's own commits, so in-process changes take the same path.
 */
export class ChangeWatcher {
  private readonly read: Statement<[], { domain: string; version: number }>;
  private seen: Map<string, number>;
  private timer: NodeJS.Timeout | undefined;
  private failed = false;

  constructor(
    private readonly db: Db,
    private readonly events: AppEvents,
    private readonly intervalMs = CHANGE_POLL_MS,
  ) {
    this.read = db.prepare('SELECT domain, version FROM change_counters');
    this.seen = this.counters();
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

  /** One look: announces each domain whose counter moved since the last look, and returns them. */
  check(): string[] {
    if (!this.db.open) {
      this.stop();
      return [];
    }
    let now: Map<string, number>;
    try {
      now = this.counters();
    } catch (error) {
      // A read can fail only transiently (the file is being recovered); the next look retries.
      if (!this.failed) console.warn(`Could not look for database changes: ${error instanceof Error ? error.message : String(error)}`);
      this.failed = true;
      return [];
    }
    this.failed = false;
    const changed: string[] = [];
    for (const [domain, version] of now) {
      if (this.seen.get(domain) === version) continue;
      changed.push(domain);
      announce[domain]?.(this.events, version);
    }
    this.seen = now;
    return changed;
  }

  private counters(): Map<string, number> {
    return new Map(this.read.all().map((row) => [row.domain, row.version]));
  }
}
