import type { AppEvents } from '../app/events';
import type { AgentRole, TokenChunk } from '../contract/simulation';

// Streamed tokens go to the live view in batches: every ~50 ms, one `simulation:tokens`
// event per run carrying each streaming session's new text since the last batch. With 32
// sessions streaming that is 20 events a second instead of thousands, and the timer only
// runs while there is something to send.

export const TOKEN_BATCH_MS = 50;

interface Pending extends TokenChunk {
  runId: number;
}

export class TokenBatcher {
  /** Keyed by session: a session streams one call at a time. */
  private readonly pending = new Map<number, Pending>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly events: AppEvents,
    private readonly intervalMs = TOKEN_BATCH_MS,
  ) {}

  push(runId: number, sessionId: number, index: number, role: AgentRole, attempt: number, text: string, reset = false): void {
    const current = this.pending.get(sessionId);
    if (current && current.index === index && current.attempt === attempt && current.role === role && !reset) {
      current.text += text;
    } else {
      // A different call (or a restart of this one): send what we have first, in order.
      if (current) this.flushSession(sessionId);
      this.pending.set(sessionId, { runId, sessionId, index, role, attempt, text, reset });
    }
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
    this.timer.unref?.();
  }

  /** Drops a session's unsent text (its call failed and will start over with reset). */
  discard(sessionId: number): void {
    this.pending.delete(sessionId);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const byRun = new Map<number, TokenChunk[]>();
    for (const { runId, ...chunk } of this.pending.values()) {
      if (chunk.text === '' && !chunk.reset) continue;
      (byRun.get(runId) ?? byRun.set(runId, []).get(runId)!).push(chunk);
    }
    this.pending.clear();
    for (const [runId, chunks] of byRun) this.events.emit('simulation:tokens', { runId, chunks });
  }

  /** Sends a session's pending text now: its call ended, and the turn event must come after its tokens. */
  flushSession(sessionId: number): void {
    const p = this.pending.get(sessionId);
    this.pending.delete(sessionId);
    if (!p || (p.text === '' && !p.reset)) return;
    const { runId, ...chunk } = p;
    this.events.emit('simulation:tokens', { runId, chunks: [chunk] });
  }

  stop(): void {
    this.flush();
  }
}
