import { afterEach, describe, expect, it } from 'vitest';
import { harness, messagesOf, play, sessionsOf, simulate, type Harness } from './support';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const rejectedCalls = (h: Harness, sessionId: number) =>
  h.ctx.db
    .prepare('SELECT idx, role, attempt, rejection, rejection_detail AS detail, content FROM sim_calls WHERE session_id = ? AND accepted = 0 ORDER BY idx, attempt')
    .all(sessionId) as { idx: number; role: string; attempt: number; rejection: string; detail: string; content: string }[];

describe('response refinement in a session', () => {
  it.each([
    ['too long', '好'.repeat(201), 'too_long'],
    ['a line break', '我明白。\n你愿意多说说吗？', 'newline'],
    ['enumerated items', '你可以：1. 早睡 2. 运动', 'enumeration'],
    ['circled numbers', '①早睡②运动', 'enumeration'],
    ['an empty reply', '   ', 'empty'],
  ])('asks the counselor again after a reply with %s, keeping the refused attempt and its reason', async (_label, bad, reason) => {
    h = await harness();
    let asked = 0;
    h.server.respond(play({ counselor: (_c, turn) => (turn === 1 && asked++ === 0 ? bad : turn === 2 ? '再见' : '能多说一点吗？') }));
    const { run } = await simulate(h);
    const [session] = sessionsOf(h, run.id);
    expect(session).toMatchObject({ endReason: 'phrase', turns: 2 });
    expect(messagesOf(h, session!.id)[1]).toEqual({ role: 'counselor', content: '能多说一点吗？' });
    expect(rejectedCalls(h, session!.id)).toEqual([{ idx: 1, role: 'counselor', attempt: 1, rejection: reason, detail: expect.any(String), content: bad }]);
    const accepted = h.ctx.db.prepare('SELECT attempt FROM sim_calls WHERE session_id = ? AND idx = 1 AND accepted = 1').get(session!.id);
    expect(accepted).toEqual({ attempt: 2 });
    // The browser shows the refused attempt beside the accepted turn.
    const detail = h.ctx.simulation.dialogues.get(session!.id);
    expect(detail.messages[1]).toMatchObject({ attempt: 2, rejected: [{ attempt: 1, reason, content: bad }] });
  });

  it('ends the session as refinement_failed after N refused attempts, keeping its turns', async () => {
    h = await harness();
    h.server.respond(play({ counselor: (_c, turn) => (turn === 2 ? `太长了${'啊'.repeat(300)}` : '嗯，然后呢？') }));
    const { run, job } = await simulate(h, { refinement: { maxAttempts: 3 } });
    expect(job.status).toBe('done');
    const [session] = sessionsOf(h, run.id);
    expect(session).toMatchObject({ status: 'ended', endReason: 'refinement_failed', turns: 1, messageCount: 3 });
    expect(session!.error).toMatch(/3 attempts refused/);
    expect(messagesOf(h, session!.id).map((m) => m.role)).toEqual(['client', 'counselor', 'client']);
    expect(rejectedCalls(h, session!.id).map((c) => [c.idx, c.attempt, c.rejection])).toEqual([
      [3, 1, 'too_long'],
      [3, 2, 'too_long'],
      [3, 3, 'too_long'],
    ]);
    expect(h.ctx.simulation.dialogues.get(session!.id).pendingRejected).toHaveLength(3);
    expect(run).toMatchObject({ failed: 1, completed: 0 });
  });

  it('honours a configured attempt count, length and rules', async () => {
    h = await harness();
    h.server.respond(play({ counselor: () => '一二三四五六七八九十，再见' }));
    const { run } = await simulate(h, { refinement: { maxAttempts: 1, maxLength: 10 } });
    expect(sessionsOf(h, run.id)[0]).toMatchObject({ endReason: 'refinement_failed', turns: 0 });
    h.server.reset();
    h.server.respond(play({ counselor: () => '1. 早睡\n2. 再见' }));
    const relaxed = await simulate(h, { refinement: { forbidNewlines: false, forbidEnumeration: false } });
    expect(sessionsOf(h, relaxed.run.id)[0]).toMatchObject({ endReason: 'phrase', turns: 1 });
  });

  it('leaves the client unrefined unless asked (as the paper), and refines it when asked', async () => {
    h = await harness();
    const longClient = `我想说${'很多'.repeat(150)}`;
    h.server.respond(play({ client: () => longClient, counselor: (_c, turn) => (turn === 2 ? '再见' : '嗯？') }));
    const { run } = await simulate(h);
    const [plain] = sessionsOf(h, run.id);
    expect(plain).toMatchObject({ endReason: 'phrase', turns: 2 });
    expect(messagesOf(h, plain!.id)[2]!.content).toBe(longClient);
    const refined = await simulate(h, { refinement: { applyToClient: true } });
    expect(sessionsOf(h, refined.run.id)[0]).toMatchObject({ endReason: 'refinement_failed', turns: 1 });
  });
});
