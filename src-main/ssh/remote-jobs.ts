import { DomainError } from '../common/errors';
import { now } from '../common/time';
import type { Db } from '../storage/database';
import { prepared } from '../storage/statements';
import { writeTransaction } from '../storage/transaction';
import type { TrainerPoint } from './trainer-log';

// The local record of a job running detached on a server (migration 013): where it runs,
// and how far its trainer_log.jsonl was read. The jobs row holds its status and remote id.

export interface RemoteJobRecord {
  jobId: number;
  profileId: number | null;
  /** The job folder on the server (absolute). */
  remoteDir: string;
  /** trainer_log.jsonl's path, relative to remoteDir. */
  trainerLog: string;
  logOffset: number;
  exitCode: number | null;
  /** How it was started: detached (remote id = process group) or by Slurm (remote id = Slurm job id). */
  scheduler: 'setsid' | 'slurm';
}

interface Row {
  job_id: number;
  profile_id: number | null;
  remote_dir: string;
  trainer_log: string;
  log_offset: number;
  exit_code: number | null;
  scheduler: 'setsid' | 'slurm';
}

interface PointRow {
  step: number;
  total_steps: number;
  epoch: number | null;
  loss: number | null;
  lr: number | null;
  eta_seconds: number | null;
}

const toPoint = (r: PointRow): TrainerPoint => ({ step: r.step, totalSteps: r.total_steps, epoch: r.epoch, loss: r.loss, lr: r.lr, etaSeconds: r.eta_seconds });

export class RemoteJobStore {
  constructor(private readonly db: Db) {}

  create(record: { jobId: number; profileId: number; remoteDir: string; trainerLog: string; scheduler?: 'setsid' | 'slurm' }): void {
    prepared(this.db, 'INSERT INTO remote_jobs (job_id, profile_id, remote_dir, trainer_log, scheduler, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      record.jobId,
      record.profileId,
      record.remoteDir,
      record.trainerLog,
      record.scheduler ?? 'setsid',
      now(),
    );
  }

  get(jobId: number): RemoteJobRecord {
    const r = prepared(this.db, 'SELECT * FROM remote_jobs WHERE job_id = ?').get(jobId) as Row | undefined;
    if (!r) throw new DomainError('not_found', `Job ${jobId} is not a job on a server.`);
    return { jobId: r.job_id, profileId: r.profile_id, remoteDir: r.remote_dir, trainerLog: r.trainer_log, logOffset: r.log_offset, exitCode: r.exit_code, scheduler: r.scheduler };
  }

  /**
   * Records the steps read and the offset after them, together: a crash between the two
   * can neither lose steps nor read them twice (a step already stored is kept as it was).
   */
  append(jobId: number, points: readonly TrainerPoint[], nextOffset: number): void {
    writeTransaction(this.db, () => {
      const insert = prepared(
        this.db,
        'INSERT OR IGNORE INTO remote_job_points (job_id, step, total_steps, epoch, loss, lr, eta_seconds) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      for (const p of points) insert.run(jobId, p.step, p.totalSteps, p.epoch, p.loss, p.lr, p.etaSeconds);
      prepared(this.db, 'UPDATE remote_jobs SET log_offset = ? WHERE job_id = ?').run(nextOffset, jobId);
    });
  }

  setExitCode(jobId: number, code: number): void {
    prepared(this.db, 'UPDATE remote_jobs SET exit_code = ? WHERE job_id = ?').run(code, jobId);
  }

  /** Every logged step, in order: the loss chart. */
  points(jobId: number): TrainerPoint[] {
    return (prepared(this.db, 'SELECT * FROM remote_job_points WHERE job_id = ? ORDER BY step').all(jobId) as PointRow[]).map(toPoint);
  }

  latest(jobId: number): TrainerPoint | null {
    const r = prepared(this.db, 'SELECT * FROM remote_job_points WHERE job_id = ? ORDER BY step DESC LIMIT 1').get(jobId) as PointRow | undefined;
    return r ? toPoint(r) : null;
  }
}
