import type { JobView } from '../contract/job';
import { DomainError } from '../common/errors';
import type { JobControl } from '../jobs/runner';
import type { SimulationDeps } from '../simulation/deps';
import { prepared } from '../storage/statements';
import { resolveArena } from './config';
import { CounselorRepository } from './counselors';
import { executeArena, type LiveHooks } from './executor';
import { ArenaStore, type ArenaRow } from './store';
import type { ArenaEndReason, ArenaSnapshot, ArenaStartInput, ArenaSummary } from './types';

// The arena as the CLI (and later the app) uses it: counselors, arena runs as durable jobs,
// summaries. Everything lives in the database, so any process can list, pause-by-flag,
// cancel or resume any arena.

export const ARENA_JOB_KIND = 'arena';

export type ArenaDeps = Pick<SimulationDeps, 'db' | 'version' | 'resourcesDir' | 'jobs' | 'runner' | 'endpoints' | 'cards' | 'secrets' | 'env' | 'effectiveTemplate'>;

export class ArenaService {
  readonly store: ArenaStore;
  readonly counselors: CounselorRepository;
  private readonly active = new Map<number, Promise<JobView>>();

  constructor(private readonly deps: ArenaDeps) {
    this.store = new ArenaStore(deps.db);
    this.counselors = new CounselorRepository(deps.db);
  }

  /** Creates the arena (its job, snapshot and sessions); it does not start executing. */
  create(input: ArenaStartInput): ArenaSummary {
    const resolved = resolveArena(this.deps, this.counselors.byNames(input.counselors), input);
    const arenaId = this.store.createArena({ title: resolved.title, snapshot: resolved.snapshot, appVersion: this.deps.version }, resolved.sessions);
    const job = this.deps.jobs.create(ARENA_JOB_KIND, resolved.title, { arenaId }, resolved.sessions.length);
    this.store.attachJob(arenaId, job.id);
    return this.summary(arenaId);
  }

  /**
   * Executes (or resumes) an arena here until it is done, paused, cancelled or failed;
   * resolves with the job as it ended. Throws before any call when it cannot start
   * (finished, cancelled, running in another live process: the claim is atomic).
   */
  execute(arenaId: number, onStart?: (control: JobControl) => void, live?: LiveHooks): Promise<JobView> {
    const existing = this.active.get(arenaId);
    // A live execution carries a human's pick: joining one already running would drop it silently.
    if (existing && live) throw new DomainError('conflict', `Arena ${arenaId} is still writing; choose again once the pair is shown.`);
    if (existing) return existing;
    const jobId = this.jobIdOf(arenaId);
    const job = this.deps.jobs.peek(jobId);
    if (job.status === 'cancelled' || job.status === 'done') throw new DomainError('conflict', `Arena ${arenaId} is ${job.status === 'done' ? 'finished' : 'cancelled'}; there is nothing to resume.`);
    const done = this.deps.runner
      .run(
        jobId,
        (control) => {
          onStart?.(control);
          return executeArena(this.deps, this.store, arenaId, control, live);
        },
        { label: `Arena ${arenaId}` },
      )
      .finally(() => this.active.delete(arenaId));
    this.active.set(arenaId, done);
    return done;
  }

  pause(arenaId: number): ArenaSummary {
    this.deps.runner.pause(this.jobIdOf(arenaId));
    return this.summary(arenaId);
  }

  cancel(arenaId: number): ArenaSummary {
    const job = this.deps.runner.cancel(this.jobIdOf(arenaId));
    // Not executing anywhere: its unfinished sessions end now; else the executor ends them.
    if (job.status === 'cancelled') this.store.cancelUnfinished(arenaId);
    return this.summary(arenaId);
  }

  list(): ArenaSummary[] {
    this.deps.jobs.recover();
    return this.store.arenas().map((row) => this.summaryOf(row));
  }

  summary(arenaId: number): ArenaSummary {
    return this.summaryOf(this.store.arena(arenaId));
  }

  private summaryOf(row: ArenaRow): ArenaSummary {
    const db = this.deps.db;
    const snapshot = JSON.parse(row.config) as ArenaSnapshot;
    const job = row.job_id === null ? null : this.deps.jobs.get(row.job_id);
    const endReasons: Partial<Record<ArenaEndReason, number>> = {};
    let ended = 0;
    for (const r of prepared(db, `SELECT end_reason, count(*) AS n FROM arena_sessions WHERE arena_id = ? AND end_reason IS NOT NULL GROUP BY end_reason`).all(row.id) as {
      end_reason: ArenaEndReason;
      n: number;
    }[]) {
      endReasons[r.end_reason] = r.n;
      ended += r.n;
    }
    const b = prepared(
      db,
      `SELECT count(*) AS battles,
         coalesce(sum(winner IS NULL), 0) AS failed,
         coalesce(sum(winner IN ('tie', 'tie (bothbad)')), 0) AS ties,
         coalesce(sum(swap_consistent IS NOT NULL), 0) AS checked,
         coalesce(sum(swap_consistent = 0), 0) AS inconsistent,
         coalesce(sum(winner IN ('model_a', 'model_b')), 0) AS decided,
         coalesce(sum((winner = 'model_a') = (a_position = 'A') AND winner IN ('model_a', 'model_b')), 0) AS first
       FROM battles WHERE arena_id = ? AND source = 'llm'`,
    ).get(row.id) as { battles: number; failed: number; ties: number; checked: number; inconsistent: number; decided: number; first: number };
    return {
      id: row.id,
      jobId: row.job_id,
      title: row.title,
      status: job?.status ?? 'done',
      error: job?.error ?? null,
      language: row.language,
      counselors: snapshot.counselors.map((c) => c.name),
      judge: snapshot.judge.label,
      promptVersion: snapshot.judge.promptVersion,
      swapCheck: snapshot.swapCheck,
      sessions: row.session_count,
      ended,
      endReasons,
      battles: b.battles,
      failedJudgments: b.failed,
      ties: b.ties,
      positionBias: { checked: b.checked, inconsistent: b.inconsistent, rate: b.checked ? b.inconsistent / b.checked : null },
      firstPositionRate: b.decided ? b.first / b.decided : null,
      calls: row.calls,
      promptTokens: row.prompt_tokens,
      completionTokens: row.completion_tokens,
      cost: row.cost,
      createdAt: row.created_at,
    };
  }

  private jobIdOf(arenaId: number): number {
    const row = this.store.arena(arenaId);
    if (row.job_id === null) throw new DomainError('conflict', `Arena ${arenaId} has no job; it cannot run.`);
    return row.job_id;
  }
}
