import type OpenAI from 'openai';
import { JobStopper } from '../jobs/checkpoint';
import type { JobControl } from '../jobs/runner';
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
    const client = createLlmClient({ id: agent.endpointId, baseUrl: agent.baseUrl, timeoutMs }, key, { timeoutMs, maxRetries: 0 });
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
 * Whether a run may start another call, and why it stopped: the job's stop state
 * (jobs/checkpoint.ts: cancelled here or by a flag from another process, the lease lost, a
 * pause), and a configuration failure only a person can fix. `signal` aborts the calls in
 * flight on a cancel, a lost lease or `abort()`.
 */
export class RunStop extends JobStopper {
  fatal: LlmFailure | null = null;

  constructor(control: JobControl) {
    super(control, CHECK_MS);
  }

  /** A failure only a person can fix stops the whole run. */
  noteFailure(failure: LlmFailure): void {
    if (isConfigurationFailure(failure)) this.fatal ??= failure;
  }

  /** Checked before every call (see JobStopper.stopping). */
  override stopping(): boolean {
    return this.fatal !== null || super.stopping();
  }

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
}
