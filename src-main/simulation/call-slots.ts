// The run's concurrency: at most `size` model calls in flight at once. Sessions waiting for
// a slot are served fewest-turns-first (ties in arrival order), so sessions started late
// catch up and the run's sessions finish together instead of leaving a long tail of the
// last few sessions running alone while the other slots sit idle.

interface Waiter {
  priority: number;
  seq: number;
  grant: () => void;
}

export class CallSlots {
  private free: number;
  private readonly waiting: Waiter[] = [];
  private seq = 0;

  constructor(readonly size: number) {
    this.free = size;
  }

  get inFlight(): number {
    return this.size - this.free;
  }

  /** Resolves with a release function once a slot is free; rejects if the signal aborts first. */
  acquire(priority: number, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.free > 0 && this.waiting.length === 0) {
      this.free--;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        priority,
        seq: this.seq++,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.releaser());
        },
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      // Sorted insert: the list is at most the number of open sessions.
      let i = this.waiting.length;
      while (i > 0 && (this.waiting[i - 1]!.priority > priority || (this.waiting[i - 1]!.priority === priority && this.waiting[i - 1]!.seq > waiter.seq))) i--;
      this.waiting.splice(i, 0, waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next.grant();
      else this.free++;
    };
  }
}
