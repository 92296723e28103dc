import type { ChatMessage } from '../../llm/params';
import { estimateTokens } from '../../llm/usage';
import type { JudgeQuestion, Reading } from './ask';
import { requestKey, type JudgeCache, type RequestParams } from './cache';

// What an evaluation will cost before it starts: the questions, how many the cache already
// answers, and for the rest an estimate of tokens and money from the endpoint's prices
// (per million tokens). Prompt tokens are the limiter's estimate (¾ of a token a UTF-16
// unit); the answer's tokens are the measure's typical reply. The estimate is of one attempt
// per question: an unreadable reply asked again costs more, and is counted when it happens.

export interface JudgePlan {
  /** Questions: sessions × rounds (× 12 items for WAI). */
  questions: number;
  /** Of them, answered already by stored replies (nothing to pay). */
  answered: number;
  /** Requests still to send (one attempt each). */
  calls: number;
  promptTokens: number;
  completionTokens: number;
  /** US dollars (the endpoint's unit); null when the endpoint has no prices. */
  cost: number | null;
  prices: { inputPerM: number | null; outputPerM: number | null };
}

/** True when the stored replies settle the question: one was readable, or every attempt was tried. */
export function settledByCache<T>(cache: JudgeCache, params: RequestParams, q: JudgeQuestion, attempts: number, read: (reply: string) => Reading<T>): boolean {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const stored = cache.get(requestKey(params, q.messages, q.round, attempt));
    if (!stored) return false;
    if (read(stored.reply).ok) return true;
  }
  return true;
}

export function planCalls<T>(
  questions: readonly JudgeQuestion[],
  o: { cache: JudgeCache; params: RequestParams & { priceInputPerM: number | null; priceOutputPerM: number | null }; attempts: number; read: (reply: string) => Reading<T>; replyTokens: number },
): JudgePlan {
  let calls = 0;
  let promptTokens = 0;
  for (const q of questions) {
    if (settledByCache(o.cache, o.params, q, o.attempts, o.read)) continue;
    calls++;
    promptTokens += estimateTokens(q.messages as ChatMessage[], 0);
  }
  const completionTokens = calls * o.replyTokens;
  const priced = o.params.priceInputPerM !== null || o.params.priceOutputPerM !== null;
  return {
    questions: questions.length,
    answered: questions.length - calls,
    calls,
    promptTokens,
    completionTokens,
    cost: priced ? (promptTokens * (o.params.priceInputPerM ?? 0) + completionTokens * (o.params.priceOutputPerM ?? 0)) / 1_000_000 : null,
    prices: { inputPerM: o.params.priceInputPerM, outputPerM: o.params.priceOutputPerM },
  };
}

