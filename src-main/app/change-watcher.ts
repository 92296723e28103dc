import type { Statement } from 'better-sqlite3';
import type { DataChangedEvent } from '../contract';
import type { Db } from '../storage/database';
import type { AppEvents } from './events';

/** How often the app looks; a change shows in the windows within this time. */
export const CHANGE_POLL_MS = 500;

/** Each domain counter (migration 007) and the event that announces it to the windows. */
const announce: Record<string, (events: AppEvents, change: DataChangedEvent) => void> = {
  cards: (events, change) => events.emit('cards:changed', change),
  dialogues: (events, change) => events.emit('dialogues:changed', change),
  runs: (events, change) => events.emit('runs:changed', change),
  jobs: (events) => events.emit('jobs:changed', {}),
  endpoints: (events, change) => events.emit('endpoints:changed', change),
  arena: (events, change) => events.emit('arena:changed', change),
};

interface Mark {
  version: number;
  /** The newest message (dialogues), call (runs) or battle (arena) id; 0 for the other domains. */
  progress: number;
}

/**
 * Notices every committed change to the cards, dialogues, runs, jobs, endpoints and arena, whoever
 * made it (the CLI on the same file, a run in this process, another window's request), and
 * announces it as a domain event, at most once per domain per look.
 *
 * Triggers keep one counter per domain in `change_counters`. The engine's per-turn writes
 * bump no counter (a trigger there would slow it, see migration 007); every turn appends a
 * message and every call a call row, so the newest id of those append-only tables stands for
 * the dialogues', the runs' and the arena's progress. A look reads six rows and three `max(id)`s, each one
 * step down a B-tree: about 50 µs (test/bench/change-counters.bench.ts), three times the
 * cost of SQLite's `data_version`, which could only say *that* another connection committed.
 * It also sees this connection's own commits, so changes made in the app take the same path.
 */
export class ChangeWatcher {
  private readonly read: Statement<[], { domain: string } & Mark>;
  private seen: Map<string, Mark>;
  private timer: NodeJS.Timeout | undefined;
  private failed = false;

  constructor(
    private readonly db: Db,
    private readonly events: AppEvents,
    private readonly intervalMs = CHANGE_POLL_MS,
  ) {
    this.read = db.prepare(`
      SELECT domain, version, CASE domain
        WHEN 'dialogues' THEN (SELECT coalesce(max(id), 0) FROM sim_messages)
        WHEN 'runs' THEN (SELECT coalesce(max(id), 0) FROM sim_calls)
        WHEN 'arena' THEN (SELECT coalesce(max(id), 0) FROM battles)
        ELSE 0 END AS progress
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
    let now: Map<string, Mark>;
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
      const before = this.seen.get(domain);
      const counted = before?.version !== mark.version;
      if (!counted && before?.progress === mark.progress) continue;
      changed.push(domain);
      announce[domain]?.(this.events, { onlyProgress: !counted });
    }
    this.seen = now;
    return changed;
  }

  private marks(): Map<string, Mark> {
    return new Map(this.read.all().map(({ domain, version, progress }) => [domain, { version, progress }]));
  }
}
