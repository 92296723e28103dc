import type { AgentSnapshot } from '../contract/simulation';
import { randomFrom } from '../common/random';
import { CallAborted, CallFailed } from '../llm/attempts';
import type { ChatAnswer } from '../llm/chat';
import { isConfigurationFailure, type LlmFailure } from '../llm/failure';
import { refine } from '../simulation/refinement';
import type { TerminationMatcher } from '../simulation/termination';
import { agentView, clientSystemPrompt, type ChatMessage, type Turn } from '../simulation/views';
import type { ArenaStore, CallRow, NewBattle, NewCall, SessionEnd } from './store';
import { judgePrompt, readChoice, type Label } from './supervisor';
import { isHumanJudge, type ArenaSnapshot, type CounselorSnapshot, type JudgeSnapshot, type Side, type Winner } from './types';

// One arena session, as Algorithm 2: the client opens with u1; at each turn both counselors
// of the pair reply to the same history (each under σ, as in the simulation); the supervisor
// sees the history and the two replies in a seeded random order and picks one; the chosen
// reply r_i enters the history; the client answers; until g(r_i) or i = T. Every completed
// call is saved before anything that depends on it, so a resumed session rebuilds its state
// from the database (messages, then the calls of the unfinished turn) and repeats nothing.

/** Whoever is called: a counselor, the client or the judge, with its endpoint's settings. */
export type Speaker = Omit<AgentSnapshot, 'templateName'>;

/** How a session stopped: ended, stopped (pause, cancel), a configuration failure, or waiting for a human's verdict on `turn`. */
export type ArenaOutcome = { kind: 'ended'; end: SessionEnd } | { kind: 'stopped' } | { kind: 'fatal'; failure: LlmFailure } | { kind: 'waiting'; turn: number };

/** One battle whose two replies are ready: what a judge decides on. */
export interface PendingBattle {
  sessionId: number;
  seq: number;
  turn: number;
  /** Whether model_a's reply is shown as A (`aShownFirst`). */
  aFirst: boolean;
  replies: Record<Side, string>;
}

/** A judge's verdict: the battle's verdict fields; `chosen` is whose reply enters the history (null: the judgment failed). */
export type Verdict = Pick<NewBattle, 'winner' | 'judge' | 'promptVersion' | 'judgeOutput' | 'judgeOutputSwapped' | 'swapConsistent' | 'failure' | 'latencyMs' | 'cost' | 'source' | 'annotator'> & {
  chosen: Side | null;
};

/**
 * Who judges a battle, when not the run's LLM supervisor: a human (live.ts). Null means no
 * verdict yet: the session stops as `waiting`, its replies saved, and a later execution with
 * the verdict continues from them.
 */
export type BattleJudge = (battle: PendingBattle) => Verdict | null;

export interface ArenaHooks {
  arenaId: number;
  snapshot: ArenaSnapshot;
  store: ArenaStore;
  termination: TerminationMatcher;
  /** One model call (retries included); `priority` orders the call slots. Throws CallAborted or CallFailed. */
  call(agent: Speaker, messages: ChatMessage[], priority: number): Promise<ChatAnswer>;
  /** True when no new call may start. */
  stopping(): boolean;
  onBattle(failed: boolean): void;
  /** Decides each battle instead of the snapshot's supervisor (a human's pick). */
  judge?: BattleJudge;
  /** After each completed call is saved (a live view follows the session call by call). */
  onCall?(): void;
}

/** A step that could not finish: stopped, a configuration failure, or an end of the session. */
class Halt extends Error {
  constructor(readonly outcome: ArenaOutcome) {
    super('halt');
  }
}

/** Whether model_a's reply is shown as A in a battle: seeded by the run, the session and the turn, so a resume shows the same order. */
export function aShownFirst(seed: number, seq: number, turn: number): boolean {
  return randomFrom((seed ^ Math.imul(seq, 0x9e3779b1) ^ Math.imul(turn, 0x85ebca6b)) >>> 0)() < 0.5;
}

export async function runArenaSession(h: ArenaHooks, sessionId: number): Promise<ArenaOutcome> {
  const row = h.store.session(sessionId);
  if (row.status === 'ended' || h.stopping()) return { kind: 'stopped' };
  const { snapshot } = h;
  const counselor = (name: string) => snapshot.counselors.find((c) => c.name === name)!;
  const pair: Record<Side, CounselorSnapshot> = { a: counselor(row.counselor_a), b: counselor(row.counselor_b) };
  h.store.startSession(h.arenaId, sessionId, snapshot.opener);
  const turns: Turn[] = h.store.messages(sessionId);
  const clientPrompt = clientSystemPrompt(snapshot.client.template, row.card_text);

  /** A call whose failure ends the step: aborted → stopped, configuration → fatal, other → the session ends in error. */
  const call = async (agent: Speaker, messages: ChatMessage[], priority: number, save: (answer: ChatAnswer) => void): Promise<string> => {
    if (h.stopping()) throw new Halt({ kind: 'stopped' });
    let answer: ChatAnswer;
    try {
      answer = await h.call(agent, messages, priority);
    } catch (error) {
      if (error instanceof CallAborted) throw new Halt({ kind: 'stopped' });
      if (error instanceof CallFailed) {
        if (isConfigurationFailure(error.failure)) throw new Halt({ kind: 'fatal', failure: error.failure });
        throw new Halt({ kind: 'ended', end: { reason: 'error', error: `${agent.endpointName}/${agent.model}: ${error.failure.message}` } });
      }
      throw error;
    }
    try {
      save(answer);
      h.onCall?.();
      return answer.text;
    } finally {
      answer.release();
    }
  };
  const record = (turn: number, role: NewCall['role'], side: NewCall['side'], pass: 1 | 2, attempt: number, a: ChatAnswer, rejection: string | null, choice: Label | null): NewCall => ({
    arenaId: h.arenaId,
    sessionId,
    turn,
    role,
    side,
    pass,
    attempt,
    content: a.text,
    rejection,
    choice,
    model: a.model,
    usage: a.usage,
    cost: a.cost,
    latencyMs: a.latencyMs,
  });

  /** A counselor's reply to the history under σ, continuing after the attempts already saved. */
  const reply = async (side: Side, turn: number, done: CallRow[]): Promise<{ text: string; cost: number }> => {
    const mine = done.filter((c) => c.role === 'counselor' && c.side === side);
    const cost = () => mine.reduce((n, c) => n + c.cost, 0);
    const accepted = mine.find((c) => c.accepted === 1);
    if (accepted) return { text: accepted.content, cost: cost() };
    const agent = pair[side];
    const messages = agentView('counselor', agent.template, turns);
    for (let attempt = mine.length + 1; attempt <= snapshot.refinement.maxAttempts; attempt++) {
      let verdict!: ReturnType<typeof refine>;
      await call(agent, messages, turn, (a) => {
        verdict = refine(a.text, snapshot.refinement);
        const saved = record(turn, 'counselor', side, 1, attempt, a, verdict.ok ? null : verdict.reason, null);
        if (verdict.ok) saved.content = verdict.text;
        h.store.saveCall(saved);
        mine.push({ ...saved, pass: 1, accepted: verdict.ok ? 1 : 0, latency_ms: saved.latencyMs } as CallRow);
      });
      if (verdict.ok) return { text: verdict.text, cost: cost() };
    }
    const last = mine.at(-1)!;
    throw new Halt({
      kind: 'ended',
      end: { reason: 'refinement_failed', error: `${agent.name}: ${snapshot.refinement.maxAttempts} replies refused by the refinement rules, the last for ${last.rejection}` },
    });
  };

  /** One pass of the supervisor over the two replies as shown; the label it chose, or why it could not be read. */
  const judge = async (turn: number, pass: 1 | 2, shown: [string, string], done: CallRow[], judgeAgent: JudgeSnapshot) => {
    const mine = done.filter((c) => c.role === 'judge' && c.pass === pass);
    const spent = () => mine.reduce((n, c) => ({ latency: n.latency + c.latency_ms, cost: n.cost + c.cost }), { latency: 0, cost: 0 });
    const accepted = mine.find((c) => c.accepted === 1);
    if (accepted) return { choice: accepted.choice!, raw: accepted.content, failure: null, ...spent() };
    const prompt = judgePrompt(judgeAgent.template, snapshot.language, turns, shown);
    for (let attempt = mine.length + 1; attempt <= snapshot.judgeAttempts; attempt++) {
      const raw = await call(judgeAgent, [{ role: 'user', content: prompt }], turn, (a) => {
        const reading = readChoice(a.text);
        const saved = record(turn, 'judge', '', pass, attempt, a, reading.ok ? null : reading.reason, reading.ok ? reading.choice : null);
        h.store.saveCall(saved);
        mine.push({ ...saved, accepted: reading.ok ? 1 : 0, latency_ms: saved.latencyMs } as CallRow);
      });
      const last = mine.at(-1)!;
      if (last.accepted === 1) return { choice: last.choice!, raw, failure: null, ...spent() };
    }
    const last = mine.at(-1)!;
    return { choice: null, raw: last.content, failure: `${snapshot.judgeAttempts} judge answers could not be read; the last: ${last.rejection}`, ...spent() };
  };

  /** The supervisor's verdict on one battle: one pass, or two with the order swapped (`--swap-check`). */
  const supervise = async ({ turn, aFirst, replies }: PendingBattle, done: CallRow[], judgeAgent: JudgeSnapshot): Promise<Verdict> => {
    const { a, b } = replies;
    const sideOf = (label: Label, first: boolean): Side => ((label === 'A') === first ? 'a' : 'b');
    const one = await judge(turn, 1, aFirst ? [a, b] : [b, a], done, judgeAgent);
    const two = snapshot.swapCheck && one.choice ? await judge(turn, 2, aFirst ? [b, a] : [a, b], done, judgeAgent) : null;

    let winner: Winner | null = null;
    let chosen: Side | null = null;
    const failure = one.failure ?? two?.failure ?? null;
    let consistent: boolean | null = null;
    if (!failure) {
      chosen = sideOf(one.choice!, aFirst);
      winner = chosen === 'a' ? 'model_a' : 'model_b';
      if (two) {
        consistent = sideOf(two.choice!, !aFirst) === chosen;
        // The same reply under both orders wins; a verdict that followed the position is a tie.
        if (!consistent) winner = 'tie';
      }
    }
    return {
      winner,
      chosen,
      judge: judgeAgent.label,
      promptVersion: `prompt ${judgeAgent.promptVersion} (${snapshot.language})`,
      judgeOutput: one.raw,
      judgeOutputSwapped: two?.raw ?? null,
      swapConsistent: consistent,
      failure,
      latencyMs: one.latency + (two?.latency ?? 0),
      cost: one.cost + (two?.cost ?? 0),
      source: 'llm',
      annotator: '',
    };
  };

  const battle = async (turn: number): Promise<SessionEnd | null> => {
    const done = h.store.callsOf(sessionId, turn);
    const settled = await Promise.allSettled([reply('a', turn, done), reply('b', turn, done)]);
    const halted = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (halted) throw halted.reason;
    const [a, b] = settled.map((s) => (s as PromiseFulfilledResult<{ text: string; cost: number }>).value) as [{ text: string; cost: number }, { text: string; cost: number }];
    const pending: PendingBattle = { sessionId, seq: row.seq, turn, aFirst: aShownFirst(snapshot.seed, row.seq, turn), replies: { a: a.text, b: b.text } };
    const verdict = h.judge ? h.judge(pending) : isHumanJudge(snapshot.judge) ? null : await supervise(pending, done, snapshot.judge);
    // No verdict yet: a human has the pair in front of them; the replies are saved, the session waits.
    if (!verdict) throw new Halt({ kind: 'waiting', turn });

    const { chosen } = verdict;
    const chosenText = chosen === null ? null : chosen === 'a' ? a.text : b.text;
    let end: SessionEnd | null = null;
    if (chosenText === null) end = { reason: 'judge_failed', error: `Turn ${turn}: ${verdict.failure}` };
    else {
      const phrase = h.termination.match(chosenText);
      if (phrase !== null) end = { reason: 'phrase', phrase };
      else if (turn >= snapshot.maxTurns) end = { reason: 'turn_limit' };
    }
    h.store.saveBattle(
      {
        arenaId: h.arenaId,
        sessionId,
        turn,
        modelA: pair.a.name,
        modelB: pair.b.name,
        replyA: a.text,
        replyB: b.text,
        aPosition: pending.aFirst ? 'A' : 'B',
        ...verdict,
        chosen: chosen === null ? null : chosen === 'a' ? 'model_a' : 'model_b',
        cost: a.cost + b.cost + verdict.cost,
      },
      chosenText === null ? null : { idx: turns.length, counselor: pair[chosen!].name, content: chosenText },
      end,
    );
    if (chosenText !== null) turns.push({ role: 'counselor', content: chosenText });
    h.onBattle(verdict.failure !== null);
    return end;
  };

  try {
    for (;;) {
      const turn = turns.filter((t) => t.role === 'counselor').length + (turns.length % 2 === 1 ? 1 : 0);
      if (turns.length % 2 === 1) {
        const end = await battle(turn);
        if (end) return { kind: 'ended', end };
      } else {
        // The client answers the chosen reply of `turn`.
        const messages = agentView('client', clientPrompt, turns);
        const text = await call(snapshot.client, messages, turn, (a) => {
          const content = a.text.trim();
          if (content === '') throw new Halt({ kind: 'ended', end: { reason: 'error', error: `The client answered nothing at turn ${turn}` } });
          h.store.saveCall(record(turn, 'client', '', 1, 1, { ...a, text: content }, null, null), { idx: turns.length, role: 'client', counselor: null, content });
        });
        turns.push({ role: 'client', content: text.trim() });
      }
    }
  } catch (error) {
    if (!(error instanceof Halt)) throw error;
    if (error.outcome.kind === 'ended') h.store.endSession(h.arenaId, sessionId, error.outcome.end);
    return error.outcome;
  }
}
