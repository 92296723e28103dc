import { JobStopper } from '../../jobs/checkpoint';
import { JobCancelled, JobLost, JobPaused, type JobControl } from '../../jobs/runner';
import { CallAborted, CallFailed } from '../../llm/attempts';
import { chat } from '../../llm/chat';
import type { ChatMessage, LlmEndpoint } from '../../llm/params';
import type { RateLimiter } from '../../llm/rate-limiter';
import type { RetryPolicy } from '../../llm/retry';
import { requestKey, type CachedAnswer, type JudgeCache } from './cache';

// Asks a judge every question of an evaluation, as a step of a durable job. Each question is
// tried up to `attempts` times: a reply the measure cannot read (no score, no topic) is asked
// again as a new request (attempt n + 1), then, if still unreadable, recorded as missing.
// Every answer is stored in the cache before it is used, so a question answered once is
// never paid again: resuming after a pause, a cancel, a crash or a failure walks the same
// questions and takes the stored answers. Stopping:
//  - pause: no new call starts; calls in flight finish and are stored; JobPaused.
//  - cancel: calls in flight are aborted (nothing stored for them); JobCancelled.
//  - a call failing for good (after the endpoint's retries): no new call starts, calls in
//    flight finish and are stored, and the job fails naming the session and the question.

export interface JudgeQuestion {
  /** Names the question in errors and progress: "session 12, item 4, round 2". */
  label: string;
  round: number;
  messages: ChatMessage[];
}

export type Reading<T> = { ok: true; value: T } | { ok: false; detail: string };

export interface Answer<T> {
  /** The last reading: the value, or why the last attempt could not be read (missing). */
  reading: Reading<T>;
  attempts: number;
  replies: string[];
}

export interface AskOptions<T> {
  endpoint: LlmEndpoint;
  cache: JudgeCache;
  read: (reply: string) => Reading<T>;
  /** Tries per question, the first included. */
  attempts: number;
  concurrency: number;
  limiter: RateLimiter | null;
  retry: RetryPolicy;
  timeoutMs: number;
  /** Null when only stored answers may be used (reopening a finished evaluation). */
  control: JobControl | null;
  onProgress?: (done: number, total: number) => void;
}

export interface AskTally {
  /** Requests sent to the endpoint by this pass. */
  calls: number;
  /** Answers taken from the cache. */
  cached: number;
  /** Of the calls sent by this pass, from the endpoint's prices. */
  cost: number;
}

/** How often a pause or cancel asked from another process is looked up. */
const CHECK_MS = 100;

export async function askAll<T>(questions: readonly JudgeQuestion[], o: AskOptions<T>): Promise<{ answers: Answer<T>[]; tally: AskTally }> {
  const answers: Answer<T>[] = new Array(questions.length);
  const tally: AskTally = { calls: 0, cached: 0, cost: 0 };
  let failure: Error | null = null;
  const control = o.control;
  const stop = control ? new JobStopper(control, CHECK_MS) : null;
  const stopping = (): boolean => failure !== null || (stop?.stopping() ?? false);

  const params = { ...o.endpoint.params };
  // A question asked twice at once (two compared datasets sharing sessions) is sent once.
  const inFlight = new Map<string, Promise<CachedAnswer | null>>();
  let done = 0;
  let next = 0;

  /** One request, its answer stored before it is used; null when stopped, or failed for good (`failure`). */
  const send = async (q: JudgeQuestion, key: string, attempt: number): Promise<CachedAnswer | null> => {
    try {
      const answer = await chat(o.endpoint, q.messages, { timeoutMs: o.timeoutMs, retry: o.retry, limiter: o.limiter, signal: stop!.signal, mayStart: () => !stopping() });
      answer.release();
      tally.calls++;
      tally.cost += answer.cost;
      const stored = { reply: answer.text, usage: answer.usage, cost: answer.cost };
      control!.assertOwned();
      o.cache.put(key, params, q.round, attempt, stored, o.read(stored.reply));
      return stored;
    } catch (error) {
      if (error instanceof CallAborted) return null;
      if (error instanceof JobLost) {
        stop!.lose();
        return null;
      }
      if (error instanceof CallFailed) {
        failure ??= new Error(`The judge failed on ${q.label} (attempt ${attempt}): ${error.message} Fix the endpoint, then resume the evaluation; the ${tally.calls + tally.cached} answers so far are kept.`);
        return null;
      }
      throw error;
    }
  };

  /** One question, attempt after attempt; null when stopped before it was answered. */
  const ask = async (q: JudgeQuestion): Promise<Answer<T> | null> => {
    const replies: string[] = [];
    let reading: Reading<T> = { ok: false, detail: 'not asked' };
    for (let attempt = 1; attempt <= o.attempts; attempt++) {
      const key = requestKey(params, q.messages, q.round, attempt);
      let stored = o.cache.get(key);
      if (stored) tally.cached++;
      else {
        if (!control) throw new Error(`${q.label} has no stored answer; the evaluation did not finish: resume its job.`);
        if (stopping()) return null;
        const pending = inFlight.get(key);
        if (pending) {
          stored = await pending;
          if (!stored) return null;
          tally.cached++;
        } else {
          const asking = send(q, key, attempt);
          inFlight.set(key, asking);
          stored = await asking.finally(() => inFlight.delete(key));
          if (!stored) return null;
        }
      }
      replies.push(stored.reply);
      reading = o.read(stored.reply);
      if (reading.ok) return { reading, attempts: attempt, replies };
    }
    return { reading, attempts: o.attempts, replies };
  };

  let unexpected: unknown = null;
  const worker = async (): Promise<void> => {
    while (next < questions.length && !unexpected) {
      if (stopping()) return;
      const i = next++;
      try {
        const answer = await ask(questions[i]!);
        if (!answer) return;
        answers[i] = answer;
        done++;
        o.onProgress?.(done, questions.length);
      } catch (error) {
        unexpected ??= error;
        stop?.abort();
        return;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, questions.length)) }, worker));
  } finally {
    stop?.dispose();
  }
  if (stop?.lost) throw new JobLost();
  if (unexpected) throw unexpected;
  if (stop?.cancelled) throw new JobCancelled();
  if (failure) throw failure;
  if (done < questions.length) throw new JobPaused();
  return { answers, tally };
}
