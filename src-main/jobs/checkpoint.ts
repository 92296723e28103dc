import { setMaxListeners } from 'node:events';
import { JobCancelled, JobLost, type JobControl } from './runner';

/**
 * When to stop, for a job's workers that ask "may I start the next call?" many times a
 * second (the simulation's sessions, the judges' questions):
 *  - `signal` aborts the calls in flight: on a cancel (here, or seen in the job's row), when
 *    the lease is lost, or on `abort()` (stop at once);
 *  - `stopping()` says no new call may start: any of those, or a pause. A pause or cancel
 *    asked in this process is seen at once; the job's row (asked by another process, the
 *    lease) is read at most every `everyMs`; a checkpoint that fails otherwise (the
 *    database busy) stops like a pause.
 * `cancelled` and `lost` say how the job must end once its workers are done.
 */
export class JobStopper {
  cancelled = false;
  lost = false;
  private readonly stop = new AbortController();
  private checkedAt = 0;
  private readonly onJobAbort = () => {
    if (this.control.signal.reason instanceof JobLost) this.lost = true;
    else this.cancelled = true;
    this.stop.abort();
  };

  constructor(
    private readonly control: JobControl,
    private readonly everyMs: number,
  ) {
    setMaxListeners(0, this.stop.signal);
    control.signal.addEventListener('abort', this.onJobAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.stop.signal;
  }

  /** Abandons the calls in flight now. */
  abort(): void {
    this.stop.abort();
  }

  /** The lease is gone: stop at once, write nothing more. */
  lose(): void {
    this.lost = true;
    this.stop.abort();
  }

  stopping(): boolean {
    if (this.stop.signal.aborted || this.control.isPauseRequested()) return true;
    const at = performance.now();
    if (at - this.checkedAt < this.everyMs) return false;
    this.checkedAt = at;
    try {
      this.control.checkpoint();
    } catch (error) {
      if (error instanceof JobLost) this.lose();
      else if (error instanceof JobCancelled) {
        this.cancelled = true;
        this.stop.abort();
      }
      return true;
    }
    return false;
  }

  /** Stops listening to the job's signal (the work is over). */
  dispose(): void {
    this.control.signal.removeEventListener('abort', this.onJobAbort);
  }
}
