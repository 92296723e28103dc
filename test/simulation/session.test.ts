import { afterEach, describe, expect, it } from 'vitest';
import { defaultTerminationPhrases } from '../../src-main/simulation/resources';
import type { SimulationSessionEvent, SimulationTurnEvent } from '../../src-main/contract/simulation';
import { harness, messagesOf, play, sessionsOf, simulate, type Harness } from './support';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a simulated session', () => {
  it('opens with 你好, alternates, and each agent sees the dialogue from its own side', async () => {
    h = await harness();
    h.server.respond(play({ counselor: (_c, turn) => (turn === 3 ? '今天就到这里，再见。' : `咨询师第${turn}次回应？`) }));
    const { run, job } = await simulate(h, { concurrency: 1 });
    expect(job.status).toBe('done');
    const [session] = sessionsOf(h, run.id);
    expect(session).toMatchObject({ status: 'ended', endReason: 'phrase', endPhrase: '再见', turns: 3, messageCount: 6 });
    expect(messagesOf(h, session!.id)).toEqual([
      { role: 'client', content: '你好' },
      { role: 'counselor', content: '咨询师第1次回应？' },
      { role: 'client', content: '来访者第1次回应' },
      { role: 'counselor', content: '咨询师第2次回应？' },
      { role: 'client', content: '来访者第2次回应' },
      { role: 'counselor', content: '今天就到这里，再见。' },
    ]);

    // What each call carried: 5 calls, counselor first (the opener is not a call).
    const bodies = h.server.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body as { messages: { role: string; content: string }[]; stream: boolean; stream_options?: unknown });
    expect(bodies).toHaveLength(5);
    const roles = (i: number) => bodies[i]!.messages.map((m) => m.role);
    // Counselor, reply 1: system (Figure 9), the client's opener as user.
    expect(roles(0)).toEqual(['system', 'user']);
    expect(bodies[0]!.messages[0]!.content).toMatch(/^现在你是虚拟心理咨询师小天/);
    expect(bodies[0]!.messages[1]!.content).toBe('你好');
    // Client, utterance 2: system (Figure 7 with the card), its own opener as assistant, the counselor as user.
    expect(roles(1)).toEqual(['system', 'assistant', 'user']);
    expect(bodies[1]!.messages[0]!.content).toMatch(/^现在你是一位来心理咨询的来访者。\n以下是你的个人信息：\n性别：女\n年龄：20岁/);
    expect(bodies[1]!.messages[0]!.content).toContain('来访者的主诉问题：第1号来访者的主诉');
    expect(bodies[1]!.messages[0]!.content).not.toContain('{role_card}');
    expect(bodies[1]!.messages.slice(1).map((m) => m.content)).toEqual(['你好', '咨询师第1次回应？']);
    // Counselor, reply 3: the whole dialogue, its own turns as assistant.
    expect(roles(4)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    // Streaming with usage in the last chunk.
    expect(bodies.every((b) => b.stream === true)).toBe(true);
    expect(bodies[0]!.stream_options).toEqual({ include_usage: true });
  });

  it('stops at the turn limit T when no reply holds a phrase', async () => {
    h = await harness();
    h.server.respond(play());
    const { run } = await simulate(h, { maxTurns: 3 });
    const [session] = sessionsOf(h, run.id);
    expect(session).toMatchObject({ endReason: 'turn_limit', endPhrase: null, turns: 3, messageCount: 6 });
    expect(messagesOf(h, session!.id).at(-1)!.role).toBe('counselor');
  });

  it('with T = 1, the session is the opener and one counselor reply', async () => {
    h = await harness();
    h.server.respond(play());
    const { run } = await simulate(h, { maxTurns: 1 });
    expect(sessionsOf(h, run.id)[0]).toMatchObject({ endReason: 'turn_limit', turns: 1, messageCount: 2 });
  });

  it('ends on the first reply holding a phrase, even on turn 1, and does not check client turns', async () => {
    h = await harness();
    h.server.respond(play({ client: () => '好的，再见！', counselor: (_c, turn) => (turn === 2 ? '祝你好运' : '嗯，请继续说。') }));
    const { run } = await simulate(h);
    expect(sessionsOf(h, run.id)[0]).toMatchObject({ endReason: 'phrase', endPhrase: '祝你好运', turns: 2, messageCount: 4 });
  });

  for (const language of ['zh', 'en'] as const) {
    it(`ends on every default ${language} termination phrase, recording which`, async () => {
      h = await harness();
      const phrases = defaultTerminationPhrases(h.ctx.resourcesDir, language);
      // The k-th counselor reply that is a session's second says phrase k.
      let k = 0;
      h.server.respond(
        play({
          client: () => (language === 'zh' ? '我最近睡不好。' : 'I cannot sleep.'),
          counselor: (_ctx, turn) =>
            turn === 1 ? (language === 'zh' ? '能多说一点吗？' : 'Can you tell me more?') : `${language === 'zh' ? '好的，' : 'Okay, '}${phrases[k++]}${language === 'zh' ? '。' : '.'}`,
        }),
      );
      const { run } = await simulate(h, { language, cards: { ids: h.cardIds }, repeat: phrases.length, concurrency: 1, maxTurns: 4 });
      const sessions = sessionsOf(h, run.id);
      expect(sessions.every((s) => s.endReason === 'phrase' && s.turns === 2)).toBe(true);
      // Each phrase ended one session, and the session records the phrase its last reply held.
      expect(sessions.map((s) => s.endPhrase).sort()).toEqual([...phrases].sort());
      for (const s of sessions) {
        const messages = messagesOf(h, s.id);
        expect(messages[0]!.content).toBe(language === 'zh' ? '你好' : 'Hello');
        expect(messages.at(-1)!.content).toBe(`${language === 'zh' ? '好的，' : 'Okay, '}${s.endPhrase}${language === 'zh' ? '。' : '.'}`);
      }
    });
  }

  it('uses an edited termination list and opener', async () => {
    h = await harness();
    h.server.respond(play({ counselor: (_c, turn) => (turn === 2 ? '我们改天继续聊。' : '再见这个词不在列表里了。') }));
    const { run } = await simulate(h, { terminationPhrases: ['改天'], opener: '老师好' });
    const [session] = sessionsOf(h, run.id);
    expect(session).toMatchObject({ endReason: 'phrase', endPhrase: '改天', turns: 2 });
    expect(messagesOf(h, session!.id)[0]).toEqual({ role: 'client', content: '老师好' });
  });

  it('announces each saved turn and each session start and end', async () => {
    h = await harness();
    h.server.respond(play({ counselor: (_c, turn) => (turn === 2 ? '下次见。' : '嗯？') }));
    const turns: SimulationTurnEvent[] = [];
    const sessions: SimulationSessionEvent[] = [];
    h.ctx.events.on('simulation:turn', (e) => turns.push(e));
    h.ctx.events.on('simulation:session', (e) => sessions.push(e));
    const { run } = await simulate(h);
    expect(turns.map((t) => [t.index, t.role])).toEqual([[0, 'client'], [1, 'counselor'], [2, 'client'], [3, 'counselor']]);
    expect(turns.at(-1)).toMatchObject({ runId: run.id, content: '下次见。', ended: { reason: 'phrase', phrase: '下次见' } });
    expect(sessions.map((s) => s.status)).toEqual(['running', 'ended']);
  });
});
