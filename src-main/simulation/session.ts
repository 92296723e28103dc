import type { AgentRole, EndReason, RejectionReason, RunSnapshot } from '../contract/simulation';
import { CallAborted, CallFailed } from '../llm/attempts';
import type { ChatAnswer } from '../llm/chat';
import { isConfigurationFailure, type LlmFailure } from '../llm/failure';
import { acceptAnything, refine, type Verdict } from './refinement';
import type { CallRecord, SessionEnd, SimulationStore } from './store';
import type { TerminationMatcher } from './termination';
import { agentView, clientSystemPrompt, nextSpeaker, type ChatMessage, type Turn } from './views';

// One session, as Algorithm 1 means it: the client opens with a fixed utterance u1, the
// counselor replies r1, and they alternate until the counselor's reply r_i meets the
// termination function g or i reaches T. (The paper's `while i ≠ T or not g(r_i)` would
// only stop when both held; the intent is to stop as soon as i = T or g(r_i).)
// Each accepted reply is saved before the next call starts, so the session can be rebuilt
// from the database and continued after a crash without repeating a completed call.

export type SessionOutcome =
  | { kind: 'ended'; reason: EndReason }
  | { kind: 'stopped' }
  | { kind: 'fatal'; failure: LlmFailure };

export interface SessionHooks {
  runId: number;
  snapshot: RunSnapshot;
  store: SimulationStore;
  termination: TerminationMatcher;
  /** One model call (retries included). Throws CallAborted or CallFailed. */
  call(role: AgentRole, messages: ChatMessage[], at: { sessionId: number; index: number; attempt: number }): Promise<ChatAnswer>;
  /** True when no new call may start (pause, cancel, a configuration failure elsewhere). */
  stopping(): boolean;
  onTurn(e: { sessionId: number; index: number; role: AgentRole; content: string; attempt: number | null; end: SessionEnd | null }): void;
  onRejected(e: { sessionId: number; index: number; attempt: number; reason: RejectionReason; end: SessionEnd | null }): void;
  onStarted(sessionId: number): void;
  onEnded(sessionId: number, end: SessionEnd): void;
}

export async function runSession(h: SessionHooks, sessionId: number): Promise<SessionOutcome> {
  const state = h.store.loadSession(sessionId);
  if (state.status === 'ended') return { kind: 'stopped' };
  if (h.stopping()) return { kind: 'stopped' };
  const { snapshot } = h;
  const turns: Turn[] = state.turns;
  if (await h.store.startSession(h.runId, sessionId, snapshot.opener)) {
    turns.push({ role: 'client', content: snapshot.opener });
    h.onTurn({ sessionId, index: 0, role: 'client', content: snapshot.opener, attempt: null, end: null });
  }
  h.onStarted(sessionId);

  const clientPrompt = clientSystemPrompt(snapshot.client.template, state.cardText ?? '');
  const counselorPrompt = snapshot.counselor.template;
  const rules = snapshot.refinement;
  let rejected = state.rejectedForNext;
  let counselorTurns = turns.filter((t) => t.role === 'counselor').length;

  for (;;) {
    const index = turns.length;
    const role = nextSpeaker(turns);
    if (role === 'client' && counselorTurns >= snapshot.maxTurns) {
      // Only reachable if a stored session outlived its own limit; end it as the limit says.
      const end: SessionEnd = { reason: 'turn_limit' };
      await h.store.endSession(h.runId, sessionId, end);
      h.onEnded(sessionId, end);
      return { kind: 'ended', reason: 'turn_limit' };
    }
    if (h.stopping()) return { kind: 'stopped' };
    const attempt = rejected + 1;
    const messages = agentView(role, role === 'client' ? clientPrompt : counselorPrompt, turns);

    let result: ChatAnswer;
    try {
      result = await h.call(role, messages, { sessionId, index, attempt });
    } catch (error) {
      if (error instanceof CallAborted) return { kind: 'stopped' };
      if (error instanceof CallFailed) {
        if (isConfigurationFailure(error.failure)) return { kind: 'fatal', failure: error.failure };
        const end: SessionEnd = { reason: 'error', error: error.failure.message, errorKind: error.failure.kind };
        await h.store.endSession(h.runId, sessionId, end);
        h.onEnded(sessionId, end);
        return { kind: 'ended', reason: 'error' };
      }
      throw error;
    }

    // The call's slot is held until its answer is saved (see ChatAnswer.release).
    try {
      const record: CallRecord = {
        attempt,
        retries: result.retries,
        model: result.model,
        finishReason: result.finishReason,
        usage: result.usage,
        cost: result.cost,
        latencyMs: result.latencyMs,
      };
      const verdict: Verdict = role === 'counselor' || rules.applyToClient ? refine(result.text, rules) : acceptAnything(result.text);
      if (!verdict.ok) {
        const last = attempt >= rules.maxAttempts;
        const end: SessionEnd | null = last ? { reason: 'refinement_failed', error: `${rules.maxAttempts} attempts refused; the last: ${verdict.detail}` } : null;
        await h.store.saveRejected({ runId: h.runId, sessionId, idx: index, role, content: result.text, reason: verdict.reason, detail: verdict.detail, call: record, end });
        h.onRejected({ sessionId, index, attempt, reason: verdict.reason, end });
        if (end) {
          h.onEnded(sessionId, end);
          return { kind: 'ended', reason: 'refinement_failed' };
        }
        rejected++;
        continue;
      }

      let end: SessionEnd | null = null;
      if (role === 'counselor') {
        counselorTurns++;
        const phrase = h.termination.match(verdict.text);
        if (phrase !== null) end = { reason: 'phrase', phrase };
        else if (counselorTurns >= snapshot.maxTurns) end = { reason: 'turn_limit' };
      }
      await h.store.saveTurn({ runId: h.runId, sessionId, idx: index, role, content: verdict.text, call: record, end });
      turns.push({ role, content: verdict.text });
      rejected = 0;
      h.onTurn({ sessionId, index, role, content: verdict.text, attempt, end });
      if (end) {
        h.onEnded(sessionId, end);
        return { kind: 'ended', reason: end.reason };
      }
    } finally {
      result.release();
    }
  }
}
