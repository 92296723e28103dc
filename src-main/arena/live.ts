import { randomInt } from 'node:crypto';
import type { ArenaLiveOverview, ArenaLivePickInput, ArenaLiveStartInput, ArenaLiveState, ArenaLiveSummary, LivePick, LivePickView, LiveStatus } from '../contract/arena-live';
import { DomainError } from '../common/errors';
import type { JobStore } from '../jobs/store';
import type { RoleCardRepository } from '../role-cards/repository';
import { prepared } from '../storage/statements';
import type { ArenaService } from './service';
import { aShownFirst, type BattleJudge, type PendingBattle, type Verdict } from './session';
import type { ArenaSessionRow } from './store';
import { isHumanJudge, type ArenaSnapshot, type Side, type Winner } from './types';

// The human live mode (paper §5.3, Figure 15): an arena of one session whose judge is a human
// counselor. It is an ordinary arena run (same snapshot, call path, σ, call records, job)
// whose snapshot names a human judge; its session runs until both replies of a turn are
// saved, then stops as `waiting` (session.ts) and its job pauses. The pair is then read back
// from the saved calls, so closing the app while waiting loses nothing and calls nothing
// again. A pick resumes the job with a judge holding that pick: the session saves the battle
// (source 'human', the annotator's name), the chosen reply enters the history, the client
// answers, both counselors write the next pair, and it waits again.

export interface ArenaLiveDeps {
  arena: ArenaService;
  jobs: JobStore;
  cards: RoleCardRepository;
  /** Told after every saved call and when an execution ends, so a window can follow. */
  onChange?: (arenaId: number) => void;
}

/** How a pick is written into the battle (`winner`); a tie or both-bad still needs a reply to continue with. */
const pickWinner: Record<LivePick, Winner | null> = { A: null, B: null, tie: 'tie', bothbad: 'tie (bothbad)' };

/**
 * The human's pick as a battle verdict. A or B names the reply as shown; after a tie or
 * both-bad, which reply continues is drawn from the run's seed (not the position, which would
 * favour whichever counselor the shuffle put first), and recorded in `chosen`.
 */
export function humanVerdict(snapshot: ArenaSnapshot, battle: PendingBattle, pick: { pick: LivePick; note?: string | undefined }, annotator: string, latencyMs: number): Verdict {
  const shownSide = (label: 'A' | 'B'): Side => ((label === 'A') === battle.aFirst ? 'a' : 'b');
  const chosen: Side = pick.pick === 'A' || pick.pick === 'B' ? shownSide(pick.pick) : aShownFirst(snapshot.seed ^ 0x2545f491, battle.seq, battle.turn) ? 'a' : 'b';
  return {
    winner: pickWinner[pick.pick] ?? (chosen === 'a' ? 'model_a' : 'model_b'),
    chosen,
    judge: annotator,
    promptVersion: 'human (live)',
    judgeOutput: pick.note?.trim() ? pick.note.trim() : null,
    judgeOutputSwapped: null,
    swapConsistent: null,
    failure: null,
    latencyMs,
    cost: 0,
    source: 'human',
    annotator,
  };
}

const pickOf = (winner: Winner, aPosition: 'A' | 'B'): LivePick =>
  winner === 'tie' ? 'tie' : winner === 'tie (bothbad)' ? 'bothbad' : (winner === 'model_a') === (aPosition === 'A') ? 'A' : 'B';

export class ArenaLive {
  constructor(private readonly deps: ArenaLiveDeps) {}

  /** Creates the live arena (one card, one pair) and starts the models on the first pair. */
  start(input: ArenaLiveStartInput): ArenaLiveState {
    const [a, b] = input.counselors;
    if (a === b) throw new DomainError('validation', 'Choose two different counselors.', [{ path: 'counselors', message: 'The same counselor twice' }]);
    const card = this.deps.cards.get(input.cardId);
    const summary = this.deps.arena.create({
      title: `${input.annotator}: ${a} vs ${b}, card ${card.id}`,
      language: card.language,
      counselors: [a, b],
      client: { endpointId: input.client.endpointId, ...(input.client.model ? { model: input.client.model } : {}) },
      judge: { annotator: input.annotator },
      cards: { ids: [card.id] },
      // A fresh seed each time: with a fixed one every live session would show turn 1 in the same order.
      seed: randomInt(0, 2 ** 31 - 1),
      concurrency: 2,
      ...(input.maxTurns ? { maxTurns: input.maxTurns } : {}),
    });
    this.run(summary.id, {});
    return this.state(summary.id);
  }

  /** The live arenas, newest first, and the counselors one can start with. */
  overview(): ArenaLiveOverview {
    this.deps.jobs.recover();
    const sessions: ArenaLiveSummary[] = [];
    for (const row of this.deps.arena.store.arenas().reverse()) {
      const snapshot = JSON.parse(row.config) as ArenaSnapshot;
      if (!isHumanJudge(snapshot.judge)) continue;
      const state = this.state(row.id);
      sessions.push({
        arenaId: row.id,
        title: row.title,
        annotator: state.annotator,
        counselors: state.counselors,
        cardId: state.cardId,
        status: state.status,
        turns: state.picks.length,
        createdAt: row.created_at,
      });
    }
    return { counselors: this.deps.arena.counselors.list().map((c) => ({ name: c.name, endpointId: c.endpointId, model: c.model })), sessions };
  }

  state(arenaId: number): ArenaLiveState {
    const { store } = this.deps.arena;
    const run = store.arena(arenaId);
    const snapshot = JSON.parse(run.config) as ArenaSnapshot;
    if (!isHumanJudge(snapshot.judge)) throw new DomainError('validation', `Arena ${arenaId} is judged by ${snapshot.judge.label}, not live by a human; open it in the arena list.`);
    const session = store.sessions(arenaId)[0]!;
    const history = store.messages(session.id).map((m) => ({ role: m.role, content: m.content }));
    const job = run.job_id === null ? null : this.deps.jobs.get(run.job_id);
    const ended = session.status === 'ended';
    const pair = ended ? null : this.pendingPair(snapshot, session, history.length);
    let status: LiveStatus;
    if (ended) status = 'ended';
    else if (job?.status === 'running') status = 'writing';
    else if (job?.status === 'failed') status = 'failed';
    else status = pair ? 'waiting' : 'paused';
    return {
      arenaId,
      jobId: run.job_id,
      title: run.title,
      annotator: snapshot.judge.annotator,
      language: snapshot.language,
      counselors: [session.counselor_a, session.counselor_b],
      cardId: session.card_id,
      maxTurns: snapshot.maxTurns,
      status,
      error: status === 'failed' ? (job?.error ?? null) : session.error,
      endReason: session.end_reason,
      history,
      candidates: status === 'waiting' ? pair : null,
      picks: this.picks(session, ended),
    };
  }

  /** The human's pick for the pair now shown; the models then write on. */
  pick(input: ArenaLivePickInput): ArenaLiveState {
    const state = this.state(input.arenaId);
    if (state.status !== 'waiting' || state.candidates?.turn !== input.turn) {
      const now = state.status === 'waiting' ? `the pair shown now is turn ${state.candidates!.turn}` : `the session is ${state.status}`;
      throw new DomainError('conflict', `There is no pair of turn ${input.turn} to pick from (${now}); nothing was recorded.`);
    }
    const { store } = this.deps.arena;
    const snapshot = store.snapshot(input.arenaId);
    const sessionId = store.sessions(input.arenaId)[0]!.id;
    // How long the pair waited for the human: from the later of its two replies to the pick.
    const ready = prepared(store.db, `SELECT max(created_at) AS at FROM arena_calls WHERE session_id = ? AND turn = ? AND role = 'counselor' AND accepted = 1`).get(sessionId, input.turn) as {
      at: string;
    };
    const latencyMs = Math.max(0, Date.now() - Date.parse(ready.at));
    let held: ArenaLivePickInput | null = input;
    // The pick decides its own turn once; the next pair finds no pick and waits.
    const judge: BattleJudge = (battle) => {
      if (!held || battle.turn !== held.turn) return null;
      const verdict = humanVerdict(snapshot, battle, held, state.annotator, latencyMs);
      held = null;
      return verdict;
    };
    this.run(input.arenaId, { judge });
    return this.state(input.arenaId);
  }

  /** Continues after a pause, a closed app or a fixed endpoint: the models finish the pair; nothing saved is called again. */
  resume(arenaId: number): ArenaLiveState {
    const state = this.state(arenaId);
    if (state.status === 'paused' || state.status === 'failed') this.run(arenaId, {});
    return this.state(arenaId);
  }

  /** Pauses the models between calls (calls in flight finish and are saved). */
  pause(arenaId: number): ArenaLiveState {
    this.state(arenaId);
    this.deps.arena.pause(arenaId);
    return this.state(arenaId);
  }

  /** Ends the session now (cancelled); its battles so far stay and count. */
  end(arenaId: number): ArenaLiveState {
    this.state(arenaId);
    this.deps.arena.cancel(arenaId);
    return this.state(arenaId);
  }

  private run(arenaId: number, live: { judge?: BattleJudge }): void {
    const notify = () => this.deps.onChange?.(arenaId);
    // Starts (claims the job) now, so a second pick in the meantime is refused; the work goes on in the background.
    // The job records how the work ended (paused to wait, failed, cancelled); the window reads it from there.
    this.deps.arena.execute(arenaId, undefined, { ...live, onCall: notify }).then(notify, notify);
  }

  /** The pair of the unfinished turn, when both replies are saved: the client spoke last and no verdict took one yet. */
  private pendingPair(snapshot: ArenaSnapshot, session: ArenaSessionRow, messages: number): ArenaLiveState['candidates'] {
    if (messages % 2 === 0) return null;
    const turn = (messages + 1) / 2;
    const replies = this.deps.arena.store.callsOf(session.id, turn).filter((c) => c.role === 'counselor' && c.accepted === 1);
    const a = replies.find((c) => c.side === 'a');
    const b = replies.find((c) => c.side === 'b');
    if (!a || !b) return null;
    const aFirst = aShownFirst(snapshot.seed, session.seq, turn);
    return { turn, A: aFirst ? a.content : b.content, B: aFirst ? b.content : a.content };
  }

  private picks(session: ArenaSessionRow, reveal: boolean): LivePickView[] {
    const rows = prepared(
      this.deps.arena.store.db,
      `SELECT turn, winner, chosen, a_position, judge_output, model_a, model_b FROM battles WHERE session_id = ? AND source = 'human' ORDER BY turn`,
    ).all(session.id) as { turn: number; winner: Winner; chosen: 'model_a' | 'model_b'; a_position: 'A' | 'B'; judge_output: string | null; model_a: string; model_b: string }[];
    const name = (r: (typeof rows)[number], side: 'model_a' | 'model_b') => (side === 'model_a' ? r.model_a : r.model_b);
    return rows.map((r) => ({
      turn: r.turn,
      pick: pickOf(r.winner, r.a_position),
      note: r.judge_output,
      winner: !reveal ? null : r.winner === 'model_a' || r.winner === 'model_b' ? name(r, r.winner) : r.winner,
      continued: reveal ? name(r, r.chosen) : null,
    }));
  }
}
