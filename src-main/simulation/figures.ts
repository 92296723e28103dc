import type { JobStatus, JobView } from '../contract/job';
import type { EndReasonCounts, RunDashboard, RunDetail, RunSnapshot, RunSummary } from '../contract/simulation';
import type { JobStore } from '../jobs/store';
import type { RunRow, SimulationStore } from './store';

// Run summaries and the live dashboard, computed from the database (so the app can watch a
// run that the CLI is executing, and the reverse): grouped counts over the run's sessions
// through their index, and the run's running totals, kept by the same transactions that
// save each call.

const emptyReasons = (): EndReasonCounts => ({ phrase: 0, turn_limit: 0, refinement_failed: 0, error: 0, cancelled: 0, imported: 0 });

function jobOf(jobs: JobStore, row: RunRow): JobView | null {
  if (row.job_id === null) return null;
  try {
    return jobs.get(row.job_id);
  } catch {
    return null;
  }
}

export function runSummary(store: SimulationStore, jobs: JobStore, row: RunRow): RunSummary {
  const job = jobOf(jobs, row);
  const reasons = emptyReasons();
  let unfinished = 0;
  for (const c of store.sessionCounts(row.id)) {
    if (c.end_reason) reasons[c.end_reason] += c.n;
    else unfinished += c.n;
  }
  // A job cancelled around this service (jobs:cancel on a paused run) leaves sessions that will never run.
  const cancelledJob = job?.status === 'cancelled';
  const config = parseConfig(row);
  return {
    id: row.id,
    jobId: row.job_id,
    kind: row.kind,
    title: row.title,
    status: job?.status ?? 'done',
    language: row.language,
    clientModel: config?.client?.model ?? null,
    counselorModel: config?.counselor?.model ?? null,
    sessions: row.session_count,
    completed: reasons.phrase + reasons.turn_limit + reasons.imported,
    failed: reasons.refinement_failed + reasons.error,
    cancelled: reasons.cancelled + (cancelledJob ? unfinished : 0),
    unfinished: cancelledJob ? 0 : unfinished,
    calls: row.calls,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    cachedTokens: row.cached_tokens,
    cost: row.cost,
    error: job?.error ?? null,
    createdAt: row.created_at,
    finishedAt: job ? job.finishedAt : row.created_at,
  };
}

function parseConfig(row: RunRow): Partial<RunSnapshot> | null {
  try {
    return JSON.parse(row.config) as Partial<RunSnapshot>;
  } catch {
    return null;
  }
}

export function runDashboard(store: SimulationStore, jobs: JobStore, row: RunRow, at: number = Date.now()): RunDashboard {
  const job = jobOf(jobs, row);
  const status: JobStatus = job?.status ?? 'done';
  const reasons = emptyReasons();
  let pending = 0;
  let running = 0;
  let turnSum = 0;
  let endedCount = 0;
  for (const c of store.sessionCounts(row.id)) {
    if (c.end_reason) {
      reasons[c.end_reason] += c.n;
      if (c.end_reason !== 'cancelled') {
        turnSum += c.turns ?? 0;
        endedCount += c.n;
      }
    } else if (status === 'cancelled') reasons.cancelled += c.n;
    else if (c.status === 'running' && status === 'running') running += c.n;
    else pending += c.n;
  }
  const remaining = pending + running;
  let elapsedMs: number | null = null;
  let etaMs: number | null = null;
  if (row.resumed_at && status === 'running') {
    elapsedMs = Math.max(0, at - Date.parse(row.resumed_at));
    const since = store.endedSince(row.id, row.resumed_at);
    if (since > 0 && elapsedMs > 0) etaMs = Math.round((elapsedMs / since) * remaining);
  }
  return {
    runId: row.id,
    status,
    sessions: {
      total: row.session_count,
      pending,
      running,
      completed: reasons.phrase + reasons.turn_limit + reasons.imported,
      failed: reasons.refinement_failed + reasons.error,
      cancelled: reasons.cancelled,
    },
    endReasons: reasons,
    calls: row.calls,
    callsPerMinute: store.callsSince(row.id, new Date(at - 60_000).toISOString()),
    rejectedAttempts: row.rejected,
    tokens: { prompt: row.prompt_tokens, completion: row.completion_tokens, cached: row.cached_tokens },
    cost: row.cost,
    errorsByKind: store.errorsByKind(row.id),
    averageTurns: endedCount > 0 ? Math.round((turnSum / endedCount) * 10) / 10 : null,
    elapsedMs,
    etaMs,
    updatedAt: row.updated_at,
  };
}

export function runDetail(store: SimulationStore, jobs: JobStore, row: RunRow): RunDetail {
  return {
    ...runSummary(store, jobs, row),
    config: parseConfig(row) as RunSnapshot | null,
    dashboard: runDashboard(store, jobs, row),
    history: store.events(row.id),
    owner: row.job_id === null ? null : jobs.describeOwner(row.job_id),
  };
}
