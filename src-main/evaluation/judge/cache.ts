import { createHash } from 'node:crypto';
import { now } from '../../common/time';
import type { ChatMessage, EndpointParams } from '../../llm/params';
import type { Usage } from '../../llm/usage';
import type { Db } from '../../storage/database';
import { prepared } from '../../storage/statements';
import { writeTransaction } from '../../storage/transaction';

// The judges' answers by request (migration 010). The key is the hash of everything that
// makes the request what it is: the endpoint's base URL, the model, the sampling parameters,
// the full prompt, and the round and attempt (asking the same prompt again on purpose, for
// another round or after an unreadable reply, is another request). The same key is the same
// question: its stored answer is used and nothing is paid twice.

export type RequestParams = Pick<EndpointParams, 'baseUrl' | 'model' | 'temperature' | 'topP' | 'maxTokens'>;

export function requestKey(p: RequestParams, messages: readonly ChatMessage[], round: number, attempt: number): string {
  const canonical = JSON.stringify([p.baseUrl.replace(/\/+$/u, ''), p.model, p.temperature, p.topP, p.maxTokens, messages.map((m) => [m.role, m.content]), round, attempt]);
  return createHash('sha256').update(canonical).digest('hex');
}

export interface CachedAnswer {
  reply: string;
  usage: Pick<Usage, 'promptTokens' | 'completionTokens'>;
  cost: number;
}

export class JudgeCache {
  constructor(private readonly db: Db) {}

  get(key: string): CachedAnswer | null {
    const row = prepared(this.db, 'SELECT reply, prompt_tokens, completion_tokens, cost FROM eval_judge_calls WHERE key = ?').get(key) as
      | { reply: string; prompt_tokens: number | null; completion_tokens: number | null; cost: number }
      | undefined;
    return row ? { reply: row.reply, usage: { promptTokens: row.prompt_tokens, completionTokens: row.completion_tokens }, cost: row.cost } : null;
  }

  /** Keeps the first answer to a key: two processes asking at once store one of them. */
  put(key: string, p: RequestParams, round: number, attempt: number, answer: CachedAnswer, parsed: unknown): void {
    writeTransaction(this.db, () =>
      prepared(
        this.db,
        `INSERT OR IGNORE INTO eval_judge_calls (key, base_url, model, round, attempt, reply, parsed, prompt_tokens, completion_tokens, cost, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(key, p.baseUrl, p.model, round, attempt, answer.reply, JSON.stringify(parsed), answer.usage.promptTokens, answer.usage.completionTokens, answer.cost, now()),
    );
  }
}
