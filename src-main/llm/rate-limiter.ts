import { sleep } from './retry';

// Requests- and tokens-per-minute limits per endpoint, as token buckets shared by every
// session (and both agents, when they use the same endpoint). A bucket holds at most a
// sixth of a minute's allowance, so a run starts with a short burst and then keeps to the
// limit in any 60-second window (within a sixth). A call takes one request and an estimate
// of its tokens before it starts; when it ends, the estimate is corrected with the real
// usage (the bucket may go below zero, delaying the next calls). A 429's Retry-After holds
// the whole endpoint, not just the session that got it.

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = { now: () => performance.now(), sleep };

class Bucket {
  private level: number;
  private last: number;
  readonly capacity: number;
  private readonly perMs: number;

  constructor(perMinute: number, now: number) {
    this.capacity = Math.max(1, Math.ceil(perMinute / 6));
    this.perMs = perMinute / 60_000;
    this.level = this.capacity;
    this.last = now;
  }

  private refill(now: number): void {
    this.level = Math.min(this.capacity, this.level + (now - this.last) * this.perMs);
    this.last = now;
  }

  /** ms until `amount` can be taken (a full bucket lets any amount through). */
  wait(amount: number, now: number): number {
    this.refill(now);
    const need = Math.min(amount, this.capacity);
    return this.level >= need ? 0 : (need - this.level) / this.perMs;
  }

  take(amount: number, now: number): void {
    this.refill(now);
    this.level -= amount;
  }

  adjust(delta: number, now: number): void {
    this.refill(now);
    this.level = Math.min(this.capacity, this.level - delta);
  }
}

export interface Limits {
  rpm?: number | null;
  tpm?: number | null;
}

export class RateLimiter {
  private readonly requests: Bucket | null;
  private readonly tokens: Bucket | null;
  private holdUntil = 0;
  /** Callers wait in line, so a big request is not starved by small ones. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    limits: Limits,
    private readonly clock: Clock = realClock,
  ) {
    const now = clock.now();
    this.requests = limits.rpm ? new Bucket(limits.rpm, now) : null;
    this.tokens = limits.tpm ? new Bucket(limits.tpm, now) : null;
  }

  get limited(): boolean {
    return this.requests !== null || this.tokens !== null || this.holdUntil > this.clock.now();
  }

  /** Waits for a request slot and `estimatedTokens`; returns what was taken, for settle(). */
  async acquire(estimatedTokens: number, signal?: AbortSignal): Promise<number> {
    if (!this.limited) return estimatedTokens;
    const turn = this.queue.then(() => this.waitForRoom(estimatedTokens, signal));
    // The line moves on whether this caller got through or gave up (aborted).
    this.queue = turn.catch(() => undefined);
    await turn;
    return estimatedTokens;
  }

  private async waitForRoom(tokens: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const wait = Math.max(this.holdUntil - now, this.requests?.wait(1, now) ?? 0, this.tokens?.wait(tokens, now) ?? 0);
      if (wait <= 0) {
        this.requests?.take(1, now);
        this.tokens?.take(tokens, now);
        return;
      }
      await this.clock.sleep(Math.ceil(wait), signal);
    }
  }

  /** Corrects the token estimate once the real usage is known. */
  settle(estimatedTokens: number, actualTokens: number | null): void {
    if (!this.tokens || actualTokens === null) return;
    this.tokens.adjust(actualTokens - estimatedTokens, this.clock.now());
  }

  /** The server said to wait (429 Retry-After): nobody calls this endpoint until then. */
  hold(ms: number): void {
    this.holdUntil = Math.max(this.holdUntil, this.clock.now() + ms);
  }
}
