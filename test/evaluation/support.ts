import type { AppContext } from '../../src-main/app/context';
import type { CardLanguage } from '../../src-main/contract/role-card';
import type { EndReason } from '../../src-main/contract/simulation';
import { noUsage } from '../../src-main/llm/usage';

export interface SessionPlan {
  cardText: string | null;
  /** The dialogue from the client's opener on, alternating client, counselor, … */
  messages: string[];
  /** How it ended; null leaves it running (not part of any dataset). */
  end?: EndReason | null;
}

const call = { attempt: 1, retries: 0, model: 'test-model', finishReason: 'stop', usage: noUsage, cost: 0, latencyMs: 5 };

/**
 * A run written through the simulation's own store, as the engine writes one: the run and its
 * sessions with their cards, the opener, each accepted turn, the ending.
 */
export async function seedRun(ctx: AppContext, language: CardLanguage, sessions: SessionPlan[], title = 'seeded'): Promise<{ runId: number; sessionIds: number[] }> {
  const store = ctx.simulation.store;
  const runId = store.createRun(
    { kind: 'simulation', title, language, config: {}, appVersion: 'test', jobId: null },
    sessions.map((s) => ({ cardId: null, repetition: 1, cardText: s.cardText })),
  );
  const sessionIds = (ctx.db.prepare('SELECT id FROM sim_sessions WHERE run_id = ? ORDER BY seq').all(runId) as { id: number }[]).map((r) => r.id);
  for (const [i, plan] of sessions.entries()) {
    const id = sessionIds[i]!;
    await store.startSession(runId, id, plan.messages[0]!);
    for (let idx = 1; idx < plan.messages.length; idx++) {
      const last = idx === plan.messages.length - 1;
      const end = last && plan.end !== null ? { reason: plan.end ?? 'phrase', phrase: plan.end === undefined || plan.end === 'phrase' ? '再见' : null } : null;
      await store.saveTurn({ runId, sessionId: id, idx, role: idx % 2 === 0 ? 'client' : 'counselor', content: plan.messages[idx]!, call, end });
    }
  }
  return { runId, sessionIds };
}

export const cardA = '性别：女性\n年龄：25岁\n来访者的主诉问题：最近总是失眠，和家人关系紧张。';
export const cardB = '性别：男性\n职业：公司职员\n来访者的主诉问题：工作压力大，总是加班。';
export const cardC = '性别：女性\n职业：学生\n来访者的主诉问题：和室友关系不好。';

/**
 * overlap.test.ts's hand-computed dataset: mapping rates 7/15, 6/14 and 4/12; the third
 * session has no card (left out). Turns 3, 3, 2, 2.
 */
export const handComputedSessions = (): SessionPlan[] => [
  { cardText: cardA, messages: ['你好', '请说。', '我最近总是失眠，和家人吵架。', '多久了？', '我今年25岁。', '再见'] },
  { cardText: cardB, messages: ['你好', '请说。', '我是公司职员，工作压力很大。', '嗯。', '总是加班到很晚。', '再见'] },
  { cardText: null, messages: ['你好', '请说。', '我最近总是失眠。', '再见'] },
  { cardText: cardC, messages: ['你好', '请说。', '我是学生，和室友相处不好。', '再见'] },
];
