import { DomainError } from '../common/errors';
import { now } from '../common/time';
import type { Tunnels } from '../llm/tunnel';
import type { Db } from '../storage/database';
import { prepared } from '../storage/statements';
import type { SshProfileRepository } from './profiles';
import type { TunnelManager } from './tunnels';

// The models served back from a GPU server (migration 016), and the tunnels the LLM layer
// opens to them: an endpoint with a row here is "through SSH connection X to the server's
// 127.0.0.1:PORT" (docs/ssh.md, "Serving a trained model back").

export interface ServedModel {
  jobId: number;
  profileId: number | null;
  /** The serving job's folder on the server, and its process group. */
  remoteDir: string;
  pgid: number;
  remotePort: number;
  /** The model name the API server answers to (its /v1/models). */
  model: string;
  endpointId: number;
  counselorId: number | null;
  startedAt: string;
  stoppedAt: string | null;
}

interface Row {
  job_id: number;
  profile_id: number | null;
  remote_dir: string;
  pgid: number;
  remote_port: number;
  model: string;
  endpoint_id: number;
  counselor_id: number | null;
  started_at: string;
  stopped_at: string | null;
}

const toServed = (r: Row): ServedModel => ({
  jobId: r.job_id,
  profileId: r.profile_id,
  remoteDir: r.remote_dir,
  pgid: r.pgid,
  remotePort: r.remote_port,
  model: r.model,
  endpointId: r.endpoint_id,
  counselorId: r.counselor_id,
  startedAt: r.started_at,
  stoppedAt: r.stopped_at,
});

export class ServedModelStore {
  constructor(private readonly db: Db) {}

  find(jobId: number): ServedModel | undefined {
    const r = prepared(this.db, 'SELECT * FROM served_models WHERE job_id = ?').get(jobId) as Row | undefined;
    return r && toServed(r);
  }

  byEndpoint(endpointId: number): ServedModel | undefined {
    const r = prepared(this.db, 'SELECT * FROM served_models WHERE endpoint_id = ?').get(endpointId) as Row | undefined;
    return r && toServed(r);
  }

  /** Records a (re)started serving job; a model served before keeps its endpoint and counselor. */
  save(s: Omit<ServedModel, 'startedAt' | 'stoppedAt'>): ServedModel {
    prepared(
      this.db,
      `INSERT INTO served_models (job_id, profile_id, remote_dir, pgid, remote_port, model, endpoint_id, counselor_id, started_at, stopped_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
       ON CONFLICT (job_id) DO UPDATE SET profile_id = excluded.profile_id, remote_dir = excluded.remote_dir, pgid = excluded.pgid,
         remote_port = excluded.remote_port, model = excluded.model, endpoint_id = excluded.endpoint_id,
         counselor_id = excluded.counselor_id, started_at = excluded.started_at, stopped_at = NULL`,
    ).run(s.jobId, s.profileId, s.remoteDir, s.pgid, s.remotePort, s.model, s.endpointId, s.counselorId, now());
    return this.find(s.jobId)!;
  }

  markStopped(jobId: number): void {
    prepared(this.db, 'UPDATE served_models SET stopped_at = ? WHERE job_id = ?').run(now(), jobId);
  }
}

/** What the LLM layer uses to reach a served endpoint (installed once per process by app/context.ts). */
export function servedTunnels(store: ServedModelStore, profiles: SshProfileRepository, manager: TunnelManager): Tunnels {
  return {
    has: (endpointId) => store.byEndpoint(endpointId) !== undefined,
    open: async (endpointId) => {
      const served = store.byEndpoint(endpointId);
      if (!served) throw new DomainError('not_found', `Endpoint ${endpointId} is not a model served from a GPU server.`);
      if (served.stoppedAt) {
        throw new DomainError('unavailable', `The trained model of job ${served.jobId} is no longer served (stopped ${served.stoppedAt}). Serve it again: simpsy finetune serve ${served.jobId}`);
      }
      if (served.profileId === null) throw new DomainError('not_found', `The SSH connection the model of job ${served.jobId} is served on was removed.`);
      return manager.origin({ profile: profiles.get(served.profileId), remotePort: served.remotePort });
    },
  };
}
