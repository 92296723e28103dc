import type {
  AgentRole,
  DialogueDetail,
  EndReason,
  RejectionReason,
  SessionStatus,
  SimulationSessionEvent,
  SimulationTokensEvent,
  SimulationTurnEvent,
} from '@contract';
import { useCallback, useSyncExternalStore } from 'react';

// Live text of running sessions, keyed by session. With 32 sessions streaming at once the
// events come many times a second, so they are queued and applied once per animation frame,
// and only the listeners of the sessions that changed are told: a view showing one session
// re-renders for that session alone. Each change replaces the session's object, so React
// sees a new snapshot through useSyncExternalStore.

export interface LiveMessage {
  index: number;
  role: AgentRole;
  content: string;
  attempt: number | null;
  /** Tokens are still arriving. */
  streaming: boolean;
}

export interface LiveRejection {
  index: number;
  attempt: number;
  reason: RejectionReason;
  content: string;
}

export interface LiveSession {
  sessionId: number;
  runId: number;
  status: SessionStatus;
  endReason: EndReason | null;
  endPhrase: string | null;
  error: string | null;
  messages: LiveMessage[];
  rejected: LiveRejection[];
  /** dialogues:get has filled in what was said before the view started listening. */
  hydrated: boolean;
}

type LiveEvent =
  | { kind: 'tokens'; event: SimulationTokensEvent }
  | { kind: 'turn'; event: SimulationTurnEvent }
  | { kind: 'session'; event: SimulationSessionEvent }
  | { kind: 'drop'; runId: number };

const sessions = new Map<number, LiveSession>();
const listeners = new Map<number, Set<() => void>>();
const queue: LiveEvent[] = [];
let frame: number | null = null;
const MAX_SESSIONS = 400;

function blank(sessionId: number, runId: number): LiveSession {
  return { sessionId, runId, status: 'running', endReason: null, endPhrase: null, error: null, messages: [], rejected: [], hydrated: false };
}

/** A copy of the session that may be changed (copied once per flush). */
function draft(touched: Map<number, LiveSession>, sessionId: number, runId: number): LiveSession {
  let s = touched.get(sessionId);
  if (!s) {
    const current = sessions.get(sessionId) ?? blank(sessionId, runId);
    s = { ...current, messages: [...current.messages], rejected: [...current.rejected] };
    touched.set(sessionId, s);
  }
  return s;
}

function messageAt(s: LiveSession, index: number, role: AgentRole): LiveMessage {
  let i = s.messages.findIndex((m) => m.index === index);
  if (i < 0) {
    s.messages.push({ index, role, content: '', attempt: null, streaming: true });
    s.messages.sort((a, b) => a.index - b.index);
    i = s.messages.findIndex((m) => m.index === index);
  }
  const copy = { ...s.messages[i]! };
  s.messages[i] = copy;
  return copy;
}

function apply(touched: Map<number, LiveSession>, item: LiveEvent): void {
  if (item.kind === 'drop') {
    for (const [id, s] of sessions) {
      if (s.runId !== item.runId || !s.messages.some((m) => m.streaming)) continue;
      const d = draft(touched, id, s.runId);
      d.messages = d.messages.filter((m) => !m.streaming);
    }
    return;
  }
  if (item.kind === 'tokens') {
    for (const c of item.event.chunks) {
      const s = draft(touched, c.sessionId, item.event.runId);
      const m = messageAt(s, c.index, c.role);
      if (c.reset || (m.attempt !== null && m.attempt !== c.attempt && m.streaming)) m.content = '';
      if (!m.streaming) continue; // already saved: late chunks change nothing
      m.attempt = c.attempt;
      m.content += c.text;
    }
  } else if (item.kind === 'turn') {
    const e = item.event;
    const s = draft(touched, e.sessionId, e.runId);
    const m = messageAt(s, e.index, e.role);
    m.content = e.content;
    m.attempt = e.attempt;
    m.streaming = false;
    if (e.ended) {
      s.status = 'ended';
      s.endReason = e.ended.reason;
      s.endPhrase = e.ended.phrase;
    }
  } else {
    const e = item.event;
    const s = draft(touched, e.sessionId, e.runId);
    if (e.rejected) {
      const m = s.messages.find((x) => x.index === e.rejected!.index);
      s.rejected.push({ ...e.rejected, content: m?.content ?? '' });
      if (m) {
        const i = s.messages.indexOf(m);
        s.messages[i] = { ...m, content: '', streaming: true };
      }
      return;
    }
    s.status = e.status;
    if (e.status === 'ended') {
      s.endReason = e.endReason;
      s.endPhrase = e.endPhrase;
      s.error = e.error;
      // Every saved message came with its turn event: what still streams was never saved
      // (a call cut off by a cancel or an error), so it is not part of the dialogue.
      s.messages = s.messages.filter((m) => !m.streaming);
    }
  }
}

function flush(): void {
  frame = null;
  const touched = new Map<number, LiveSession>();
  for (const item of queue.splice(0)) apply(touched, item);
  for (const [id, s] of touched) {
    sessions.delete(id); // re-insert: the map stays in least-recently-changed order
    sessions.set(id, s);
  }
  while (sessions.size > MAX_SESSIONS) {
    const oldest = sessions.keys().next().value as number;
    if (listeners.has(oldest)) break;
    sessions.delete(oldest);
  }
  for (const id of touched.keys()) for (const l of listeners.get(id) ?? []) l();
}

function enqueue(item: LiveEvent): void {
  queue.push(item);
  if (frame !== null) return;
  // requestAnimationFrame stops in hidden windows; a timer then keeps the queue short.
  frame = typeof document !== 'undefined' && document.hidden ? (setTimeout(flush, 250) as unknown as number) : requestAnimationFrame(flush);
}

function subscribeTo(sessionId: number, listener: () => void): () => void {
  let set = listeners.get(sessionId);
  if (!set) listeners.set(sessionId, (set = new Set()));
  set.add(listener);
  return () => {
    set.delete(listener);
    if (set.size === 0) listeners.delete(sessionId);
  };
}

// ── Actions ────────────────────────────────────────────────────────────────────
export const liveSessionsActions = {
  /** Listens to the simulation events; returns the unsubscribe function. */
  subscribe(): () => void {
    const offs = [
      window.api.simulation.onTokens((event) => enqueue({ kind: 'tokens', event })),
      window.api.simulation.onTurn((event) => enqueue({ kind: 'turn', event })),
      window.api.simulation.onSession((event) => enqueue({ kind: 'session', event })),
    ];
    return () => {
      for (const off of offs) off();
    };
  },

  /** Fills in a session from the database: what was said before the view listened. Live text wins for what it has. */
  hydrate(detail: DialogueDetail): void {
    const current = sessions.get(detail.id) ?? blank(detail.id, detail.runId);
    const saved: LiveMessage[] = detail.messages.map((m) => ({ index: m.index, role: m.role, content: m.content, attempt: m.attempt, streaming: false }));
    const savedIdx = new Set(saved.map((m) => m.index));
    const messages = [...saved, ...current.messages.filter((m) => !savedIdx.has(m.index))].sort((a, b) => a.index - b.index);
    const rejected: LiveRejection[] = [
      ...detail.messages.flatMap((m) => m.rejected.map((r) => ({ index: m.index, attempt: r.attempt, reason: r.reason, content: r.content }))),
      ...detail.pendingRejected.map((r) => ({ index: detail.messages.length, attempt: r.attempt, reason: r.reason, content: r.content })),
    ];
    const seen = new Set(rejected.map((r) => `${r.index}:${r.attempt}`));
    for (const r of current.rejected) if (!seen.has(`${r.index}:${r.attempt}`)) rejected.push(r);
    const ended = detail.status === 'ended';
    sessions.set(detail.id, {
      ...current,
      status: ended ? 'ended' : current.status,
      endReason: detail.endReason ?? current.endReason,
      endPhrase: detail.endPhrase ?? current.endPhrase,
      error: detail.error ?? current.error,
      messages,
      rejected,
      hydrated: true,
    });
    for (const l of listeners.get(detail.id) ?? []) l();
  },

  /** A run stopped (paused, failed, cancelled): half-written replies of its sessions will not be finished as they are. */
  dropPartials(runId: number): void {
    enqueue({ kind: 'drop', runId });
  },

  get(sessionId: number): LiveSession | undefined {
    return sessions.get(sessionId);
  },
};

/** One session's live state; the component re-renders only when that session changes. */
export function useLiveSession(sessionId: number | null): LiveSession | undefined {
  const subscribe = useCallback((l: () => void) => (sessionId === null ? () => {} : subscribeTo(sessionId, l)), [sessionId]);
  return useSyncExternalStore(subscribe, () => (sessionId === null ? undefined : sessions.get(sessionId)));
}

/**
 * A session's accepted counselor turns and whether it is still running, as one string, so a
 * list row re-renders only when its turn count or status changes, not on every token.
 */
export function useLiveTurns(sessionId: number): { turns: number | null; running: boolean | null } {
  const subscribe = useCallback((l: () => void) => subscribeTo(sessionId, l), [sessionId]);
  const key = useSyncExternalStore(subscribe, () => {
    const s = sessions.get(sessionId);
    if (!s) return '';
    return `${s.messages.filter((m) => m.role === 'counselor' && !m.streaming).length}|${s.status === 'ended' ? 0 : 1}`;
  });
  if (!key) return { turns: null, running: null };
  const [turns, running] = key.split('|');
  return { turns: Number(turns), running: running === '1' };
}
