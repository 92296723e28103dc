import type { ArenaPlan } from '../contract/arena';
import type { AgentSnapshot } from '../contract/simulation';
import type { ResolvedArena } from './config';
import { isHumanJudge } from './types';

// What an arena will do and cost at most, shown before it starts. The most calls: every
// session runs to the turn limit, each turn two counselor replies, the judge (twice with the
// swap check) and, but after the last turn, the client. Tokens are the limiter's estimate
// (¾ of a token a character) of each call's prompt, which grows with the history, assuming
// every utterance is as long as σ allows (refinement.maxLength) and the judge writes a
// paragraph of reasoning. Retries (a refused reply, an unreadable verdict) cost more and are
// counted when they happen.

/** Characters of the judge's answer: a few sentences of reasoning and the final-choice line. */
const JUDGE_ANSWER_CHARS = 300;
const tokens = (chars: number) => Math.ceil(chars * 0.75);

type Priced = Pick<AgentSnapshot, 'endpointId' | 'endpointName' | 'priceInputPerM' | 'priceOutputPerM'>;

interface Tally {
  agent: Priced;
  prompt: number;
  completion: number;
}

export function planArena(resolved: ResolvedArena): ArenaPlan {
  const { snapshot, sessions } = resolved;
  const T = snapshot.maxTurns;
  const R = snapshot.refinement.maxLength;
  const passes = snapshot.swapCheck ? 2 : 1;
  // Σ over turns i = 1..T of the history before the counselors' reply i: (2i − 1) utterances.
  const historyChars = T * T * R + T * snapshot.opener.length;
  const tallies = new Map<number, Tally>();
  const add = (agent: Priced, promptChars: number, completionChars: number) => {
    const t = tallies.get(agent.endpointId) ?? { agent, prompt: 0, completion: 0 };
    t.prompt += tokens(promptChars);
    t.completion += tokens(completionChars);
    tallies.set(agent.endpointId, t);
  };
  const counselor = new Map(snapshot.counselors.map((c) => [c.name, c]));
  const pairs = new Map<string, { a: string; b: string; sessions: number }>();
  for (const s of sessions) {
    for (const side of [s.a, s.b]) {
      const c = counselor.get(side)!;
      add(c, T * c.template.length + historyChars, T * R);
    }
    // A human judge (live mode) makes no calls.
    const judge = snapshot.judge;
    if (!isHumanJudge(judge)) add(judge, passes * (T * (judge.template.length + 2 * R) + historyChars), passes * T * JUDGE_ANSWER_CHARS);
    // The client answers after every turn but the last, over the history and the reply just chosen.
    const clientTemplate = snapshot.client.template.length + s.cardText.length;
    add(snapshot.client, (T - 1) * clientTemplate + historyChars, (T - 1) * R);
    const key = `${s.a}\u0000${s.b}`;
    const pair = pairs.get(key) ?? { a: s.a, b: s.b, sessions: 0 };
    pair.sessions++;
    pairs.set(key, pair);
  }
  const n = sessions.length;
  const maxCalls = { counselor: 2 * T * n, judge: isHumanJudge(snapshot.judge) ? 0 : passes * T * n, client: (T - 1) * n, total: 0 };
  maxCalls.total = maxCalls.counselor + maxCalls.judge + maxCalls.client;
  let promptTokens = 0;
  let completionTokens = 0;
  let cost: number | null = null;
  const unpriced = new Set<string>();
  for (const t of tallies.values()) {
    promptTokens += t.prompt;
    completionTokens += t.completion;
    if (t.agent.priceInputPerM === null && t.agent.priceOutputPerM === null) {
      unpriced.add(t.agent.endpointName);
      continue;
    }
    cost = (cost ?? 0) + (t.prompt * (t.agent.priceInputPerM ?? 0) + t.completion * (t.agent.priceOutputPerM ?? 0)) / 1_000_000;
  }
  return {
    title: resolved.title,
    cards: snapshot.cards.ids.length,
    sessions: n,
    pairs: [...pairs.values()],
    maxTurns: T,
    judgePasses: passes,
    maxCalls,
    promptTokens,
    completionTokens,
    maxCost: cost,
    unpriced: [...unpriced].sort(),
  };
}
