import { setMaxListeners } from 'node:events';
import type OpenAI from 'openai';
import { JobCancelled, JobLost, type JobControl } from '../jobs/runner';
import { createLlmClient, resolveApiKey } from '../llm/client';
import { isConfigurationFailure, type LlmFailure } from '../llm/failure';
import { RateLimiter } from '../llm/rate-limiter';
import type { SimulationDeps } from './deps';

// What every run of model calls as a job sets up the same way, the simulation's and the
// arena's: one SDK client per endpoint (keys resolved before any call), the endpoints' rate
// limiters, and the stop state that every call and every worker looks at.

/** How often a cancel or pause flag set by another process (and the lease) is looked up. */
const CHECK_MS = 100;

/** One client per endpoint the agents call. A missing key throws here, before anything starts. */
export function endpointClients(
  deps: Pick<SimulationDeps, 'endpoints' | 'secrets' | 'env'>,
  agents: readonly { endpointId: number; baseUrl: string }[],
  timeoutMs: number,
): Map<number, OpenAI> {
  const clients = new Map<number, OpenAI>();
  for (const agent of agents) {
    if (clients.has(agent.endpointId)) continue;
    const key = resolveApiKey(deps.endpoints.get(agent.endpointId), deps.secrets, deps.env);
    // The SDK's own logging is off: every failure is classified and recorded by the caller instead.
    const client = createLlmClient({ baseUrl: agent.baseUrl, timeoutMs }, key, { timeoutMs, maxRetries: 0 });
    clients.set(agent.endpointId, client.withOptions({ logLevel: 'off' }));
  }
  return clients;
}

export function rateLimiters(limits: readonly { endpointId: number; rpm: number | null; tpm: number | null }[]): Map<number, RateLimiter> {
  const limiters = new Map<number, RateLimiter>();
  for (const l of limits) if (l.rpm || l.tpm) limiters.set(l.endpointId, new RateLimiter(l));
  return limiters;
}

/**
 * Whether a run may start another call, and why it stopped: cancelled (here or by a flag
 * from another process), the lease lost, a configuration failure, a pause. `signal` aborts
 * the calls in flight on a cancel, a lost lease or `abort()`.
 */
export class RunStop {
  cancelled = false;
  lost = false;
  fatal: LlmFailure | null = null;
  private readonly controller = new AbortController();
  private checkedAt = 0;
  private readonly onJobAbort = () => {
    if (this.control.signal.reason instanceof JobLost) this.lost = true;
    else this.cancelled = true;
    this.controller.abort();
  };

  constructor(private readonly control: JobControl) {
    setMaxListeners(0, this.controller.signal);
    control.signal.addEventListener('abort', this.onJobAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Abandons the calls in flight (a second Ctrl-C, a bug in one worker). */
  abort(): void {
    this.controller.abort();
  }

  /** A failure only a person can fix stops the whole run. */
  noteFailure(failure: LlmFailure): void {
    if (isConfigurationFailure(failure)) this.fatal ??= failure;
  }

  /**
   * Checked before every call. A cancel asked in this process aborts at once; one asked from
   * another process (a flag in the database) is looked up at most every CHECK_MS.
   */
  readonly stopping = (): boolean => {
    if (this.controller.signal.aborted || this.fatal) return true;
    if (this.control.isPauseRequested()) return true;
    const at = performance.now();
    if (at - this.checkedAt < CHECK_MS) return false;
    this.checkedAt = at;
    try {
      this.control.checkpoint();
    } catch (error) {
      if (error instanceof JobCancelled || error instanceof JobLost) {
        if (error instanceof JobLost) this.lost = true;
        else this.cancelled = true;
        this.controller.abort();
      }
      return true;
    }
    return false;
  };

  /**
   * Takes sessions off the queue, `workers` at a time, until it is empty or the run stops.
   * A bug or a database failure in one session stops the whole run (the others' calls in
   * flight are abandoned) rather than leaving workers running behind a failed job: it is
   * returned, the first one, for the caller to throw once it has tidied up.
   */
  async drain(queue: number[], workers: number, session: (id: number) => Promise<void>): Promise<unknown> {
    let unexpected: unknown = null;
    const worker = async (): Promise<void> => {
      while (queue.length > 0 && !this.stopping()) {
        try {
          await session(queue.shift()!);
        } catch (error) {
          unexpected ??= error;
          this.abort();
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, queue.length)) }, worker));
    return unexpected;
  }

  dispose(): void {
    this.control.signal.removeEventListener('abort', this.onJobAbort);
  }
}
