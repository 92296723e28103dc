import type { ResponderContext, ResponderResult } from '../llm-server/types';
import { agentOf } from '../simulation/support';

// The arena's three parts played by one test server: the client (Figure 7 prompt), the
// counselors (Figure 9 prompt; which one is told by the model asked for) and the supervisor
// (a single user message holding Prompt 1 or 2). Judges answer as real models do: reasoning
// first, then the final-choice line.

export const isJudge = (ctx: ResponderContext) => ctx.systemPrompt === undefined && /心理咨询督导师|supervisor in psychological counseling/.test(ctx.lastUserMessage ?? '');

/** The two candidates of a judge request, as shown: [A, B]. */
export function candidates(ctx: ResponderContext): [string, string] {
  const text = ctx.lastUserMessage ?? '';
  const a = /(?:回复A：|Response A: )(.*)/.exec(text)?.[1] ?? '';
  const b = /(?:回复B：|Response B: )(.*)/.exec(text)?.[1] ?? '';
  return [a, b];
}

export interface ArenaPlay {
  /** The judge's answer; by default it prefers the counselor ranked first in `rank`. */
  judge?: (ctx: ResponderContext, shown: [string, string]) => ResponderResult;
  /** A counselor's reply; by default "[model] 第N轮：能多说一点吗？". */
  counselor?: (ctx: ResponderContext, turn: number) => ResponderResult;
  client?: (ctx: ResponderContext, turn: number) => ResponderResult;
  /** Counselor models from best to worst, for the default judge. */
  rank?: string[];
}

export const verdict = (label: 'A' | 'B') => `- 选择的依据：回复${label}更能体现共情，并用开放性问题鼓励来访者继续表达。\n- **最后的选择**：${label}`;

export function arenaPlay(p: ArenaPlay = {}) {
  const rank = p.rank ?? ['alpha', 'beta', 'gamma'];
  const score = (reply: string) => {
    const i = rank.findIndex((m) => reply.startsWith(`[${m}]`));
    return i < 0 ? rank.length : i;
  };
  return (ctx: ResponderContext): ResponderResult => {
    if (isJudge(ctx)) {
      const shown = candidates(ctx);
      if (p.judge) return p.judge(ctx, shown);
      return verdict(score(shown[0]) <= score(shown[1]) ? 'A' : 'B');
    }
    const agent = agentOf(ctx);
    const turn = ctx.messages.filter((m) => m.role === 'assistant').length + (agent === 'counselor' ? 1 : 0);
    if (agent === 'client') return p.client?.(ctx, turn) ?? `来访者第${turn}次回应：最近还是睡不好。`;
    return p.counselor?.(ctx, turn) ?? `[${ctx.model}] 第${turn}轮：能多说一点吗？`;
  };
}
