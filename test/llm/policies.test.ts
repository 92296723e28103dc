import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallAborted, CallFailed } from '../../src-main/llm/attempts';
import { chat } from '../../src-main/llm/chat';
import type { LlmFailure } from '../../src-main/llm/failure';
import { RateLimiter } from '../../src-main/llm/rate-limiter';
import { startLlmServer } from '../llm-server/server';
import type { LlmServer } from '../llm-server/types';
import { endpointOn, rejectionOf, requestsTo } from './support';

// The policies a caller picks for a call (llm/attempts.ts), through chat against the LLM test
// server: retries with backoff, Retry-After, a rate limiter shared by calls, and a slot held
// only while a request is in flight.

let server: LlmServer;
beforeEach(async () => {
  server = await startLlmServer();
});
afterEach(async () => {
  await server.close();
});

const user = [{ role: 'user' as const, content: '你好' }];
const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);
const chatTimes = () => requestsTo(server, 'chat/completions').map((r) => r.time);

describe('retries', () => {
  it('tries again after failures that may pass, with exponential backoff, reporting each failure', async () => {
    server.enqueue({ fault: 'server_error', status: 502 }, { fault: 'drop' }, '好的');
    const failures: LlmFailure[] = [];
    const answer = await chat(endpointOn(server), user, { timeoutMs: 5000, retry: { maxRetries: 3, baseMs: 40, maxMs: 1000 }, onFailure: (f) => failures.push(f) });
    expect(answer).toMatchObject({ text: '好的', retries: 2 });
    expect(failures.map((f) => f.kind)).toEqual(['server_error', 'network']);
    // Equal jitter: retry n waits between base·2^n / 2 and base·2^n.
    const [first, second] = gaps(chatTimes());
    expect(first).toBeGreaterThanOrEqual(20 - 2);
    expect(second).toBeGreaterThanOrEqual(40 - 2);
  });

  it('gives up once the policy runs out, with the last failure', async () => {
    server.respond(() => ({ fault: 'server_error', status: 503 }));
    const error = await rejectionOf(chat(endpointOn(server), user, { timeoutMs: 5000, retry: { maxRetries: 2, baseMs: 1, maxMs: 5 } }));
    expect(error).toBeInstanceOf(CallFailed);
    expect(error).toMatchObject({ retries: 2, failure: { kind: 'server_error', status: 503 } });
    expect(chatTimes()).toHaveLength(3);
  });

  it('does not retry without a policy, nor a failure only a person can fix', async () => {
    server.enqueue({ fault: 'server_error' });
    expect(await rejectionOf(chat(endpointOn(server), user, { timeoutMs: 5000 }))).toMatchObject({ retries: 0, failure: { kind: 'server_error' } });
    server.enqueue({ fault: 'unauthorized' });
    const error = await rejectionOf(chat(endpointOn(server), user, { timeoutMs: 5000, retry: { maxRetries: 5, baseMs: 1, maxMs: 1 } }));
    expect(error).toMatchObject({ retries: 0, failure: { kind: 'unauthorized', retryable: false } });
    expect(chatTimes()).toHaveLength(2);
  });

  it('retries a hung request once its timeout passes', async () => {
    server.enqueue({ fault: 'hang' });
    const answer = await chat(endpointOn(server), user, { timeoutMs: 300, retry: { maxRetries: 1, baseMs: 1, maxMs: 1 } });
    expect(answer.retries).toBe(1);
    // The timer starts before the first request reaches the server, so the gap may be a little shorter.
    expect(gaps(chatTimes())[0]).toBeGreaterThanOrEqual(250);
  });

  it('stops backing off when the caller aborts', async () => {
    server.respond(() => ({ fault: 'server_error' }));
    const controller = new AbortController();
    const started = performance.now();
    const call = chat(endpointOn(server), user, {
      timeoutMs: 5000,
      signal: controller.signal,
      retry: { maxRetries: 3, baseMs: 10_000, maxMs: 10_000 },
      onFailure: () => setTimeout(() => controller.abort(), 20),
    });
    expect(await rejectionOf(call)).toBeInstanceOf(CallAborted);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(chatTimes()).toHaveLength(1);
  });
});

describe('Retry-After and the rate limiter', () => {
  it('waits at least as long as the server asks, and holds every call sharing the limiter', async () => {
    server.enqueue({ fault: 'rate_limit', retryAfter: 0.3 });
    const limiter = new RateLimiter({});
    const endpoint = endpointOn(server);
    let other: Promise<unknown> | null = null;
    const first = chat(endpoint, user, {
      timeoutMs: 5000,
      limiter,
      retry: { maxRetries: 1, baseMs: 1, maxMs: 1 },
      // Another call starts once the 429 is in: it must wait out the same Retry-After.
      onFailure: () => void setTimeout(() => (other = chat(endpoint, user, { timeoutMs: 5000, limiter })), 0),
    });
    await first;
    await other;
    const [throttled, ...later] = chatTimes();
    expect(later).toHaveLength(2);
    for (const t of later) expect(t - throttled!).toBeGreaterThanOrEqual(290);
  });

  it('keeps requests per minute: a sixth of a minute at once, then the steady rate', async () => {
    // 120 a minute: 20 at once, then one every 500 ms.
    const started = Date.now();
    const limiter = new RateLimiter({ rpm: 120 });
    const endpoint = endpointOn(server);
    await Promise.all(Array.from({ length: 22 }, () => chat(endpoint, user, { timeoutMs: 5000, limiter })));
    const times = chatTimes().sort((a, b) => a - b);
    expect(times).toHaveLength(22);
    expect(times[20]! - started).toBeGreaterThanOrEqual(495);
    expect(times[21]! - started).toBeGreaterThanOrEqual(995);
  });

  it('takes an estimate of the tokens before a call and corrects it with the real usage after', async () => {
    // 60 000 tokens a minute: 10 000 at once, then 1 000 a second. Each call is estimated at
    // about 6 000 (its max_tokens), so a second call at once must wait ~2 s, unless the
    // first one's real usage (a few tokens) has been put back by then.
    const limiter = new RateLimiter({ tpm: 60_000 });
    const endpoint = endpointOn(server, { maxTokens: 6000 });
    await chat(endpoint, user, { timeoutMs: 5000, limiter });
    const started = performance.now();
    await chat(endpoint, user, { timeoutMs: 5000, limiter });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('the slot', () => {
  /** A pool of one, recording who holds it. */
  function poolOfOne() {
    const pool = { held: false, taken: 0, waiting: [] as (() => void)[] };
    const release = () => {
      const next = pool.waiting.shift();
      if (next) next();
      else pool.held = false;
    };
    const acquire = async () => {
      pool.taken++;
      if (pool.held) await new Promise<void>((resolve) => pool.waiting.push(resolve));
      pool.held = true;
      return release;
    };
    return { pool, acquire };
  }

  it('is held while a request is in flight, let go while backing off, and handed to the caller with the answer', async () => {
    const { pool, acquire } = poolOfOne();
    server.enqueue({ fault: 'server_error', delayMs: 50 });
    const heldDuringBackoff: boolean[] = [];
    const answer = await chat(endpointOn(server), user, {
      timeoutMs: 5000,
      slot: acquire,
      retry: { maxRetries: 1, baseMs: 60, maxMs: 60 },
      onFailure: () => setTimeout(() => heldDuringBackoff.push(pool.held), 10),
    });
    expect(pool.taken).toBe(2);
    expect(heldDuringBackoff).toEqual([false]);
    expect(pool.held).toBe(true);
    answer.release();
    expect(pool.held).toBe(false);
  });

  it('is given back when the call may not start after all (a pause)', async () => {
    const { pool, acquire } = poolOfOne();
    const error = await rejectionOf(chat(endpointOn(server), user, { timeoutMs: 5000, slot: acquire, mayStart: () => false }));
    expect(error).toBeInstanceOf(CallAborted);
    expect(pool).toMatchObject({ taken: 1, held: false });
    expect(chatTimes()).toHaveLength(0);
  });
});
