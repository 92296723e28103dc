import type { JobView } from '../contract/job';
import { agentRoles, type AgentRole } from '../contract/simulation';
import { writeTransaction } from '../storage/transaction';
import type { SimulationDeps } from './deps';
import type { SimulationStore } from './store';

// What changes when a run starts again (resume, retry, a takeover), once its job is claimed
// and before any call, in one transaction:
//  - the history records who starts it, and from what (paused, failed, done, a stale owner);
//  - models given on resume replace the snapshot's, so a run that failed on a wrong model
//    name can finish; the change is in the history, so the record stays honest;
//  - base URLs follow the endpoint as it is now: the URL says where the server is, not what
//    the experiment is, so fixing it with `endpoints update` fixes the run (also recorded);
//  - sessions that ended in error go back to work (pending, from their last saved turn) when
//    asked (retry), or when the run had failed: a failed run's errors are what resuming fixes.

export interface RestartOptions {
  /** Models to use from now on, per agent. */
  models?: Partial<Record<AgentRole, string>>;
  /** Reopen the sessions that ended in error, whatever the run's status. */
  retryErrors?: boolean;
}

export function prepareRestart(ctx: Pick<SimulationDeps, 'db' | 'jobs' | 'endpoints'>, store: SimulationStore, runId: number, previous: JobView, options: RestartOptions): void {
  const { pid, host } = ctx.jobs.owner;
  writeTransaction(ctx.db, () => {
    if (previous.status === 'running') {
      const from = previous.owner;
      store.addEvent(runId, { kind: 'taken_over', pid, host, fromPid: from?.pid ?? null, fromHost: from?.host ?? null, heartbeatAt: from?.heartbeatAt ?? null });
    } else if (previous.status !== 'queued') {
      store.addEvent(runId, { kind: 'resumed', from: previous.status, pid, host });
    }

    const snapshot = store.snapshot(runId);
    let changed = false;
    for (const role of agentRoles) {
      const agent = snapshot[role];
      const model = options.models?.[role];
      if (model !== undefined && model !== agent.model) {
        store.addEvent(runId, { kind: 'model_changed', role, from: agent.model, to: model });
        agent.model = model;
        changed = true;
      }
      const baseUrl = ctx.endpoints.get(agent.endpointId).baseUrl;
      if (baseUrl !== agent.baseUrl) {
        store.addEvent(runId, { kind: 'base_url_changed', role, from: agent.baseUrl, to: baseUrl });
        agent.baseUrl = baseUrl;
        changed = true;
      }
    }
    if (changed) store.updateSnapshot(runId, snapshot);

    if (options.retryErrors || previous.status === 'failed') {
      const sessions = store.reopenErrored(runId);
      if (sessions > 0) store.addEvent(runId, { kind: 'sessions_retried', sessions });
    }
  });
}
