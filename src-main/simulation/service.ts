import type { JobView } from '../contract/job';
import type { CardLanguage } from '../contract/role-card';
import type {
  DialogueExportInput,
  DialogueExportResult,
  DialogueImportInput,
  DialogueImportResult,
  RunDashboard,
  RunDetail,
  RunStartInput,
  RunSummary,
  TemplateDefaults,
} from '../contract/simulation';
import { DomainError, keyedError } from '../common/errors';
import { resolveRun, templateDefaults } from './config';
import type { SimulationDeps } from './deps';
import { DialogueRepository } from './dialogues';
import { exportDialogues } from './export';
import { importDialogues } from './import';
import { executeRun, type ExecutionHandle } from './executor';
import { prepareRestart, type RestartOptions } from './restart';
import { runDashboard, runDetail, runSummary } from './figures';
import { SimulationStore } from './store';
import { TokenBatcher } from './token-batcher';

// The simulation domain as the app, the CLI and the tests use it. It owns what lives only
// in this process (runs executing here, the token batcher); everything else is in the
// database, so any process can list, watch, pause-by-flag or resume any run.

export const RUN_JOB_KIND = 'simulation';

export interface ExecuteOptions extends RestartOptions {
  /** Called once the workers are set up, with a handle for stopping at once. */
  onStart?: (handle: ExecutionHandle) => void;
}

export class SimulationService {
  readonly store: SimulationStore;
  readonly batcher: TokenBatcher;
  readonly dialogues: DialogueRepository;
  private readonly active = new Map<number, { handle: ExecutionHandle | null; done: Promise<JobView> }>();

  constructor(private readonly deps: SimulationDeps) {
    this.store = new SimulationStore(deps.db);
    this.batcher = new TokenBatcher(deps.events);
    this.dialogues = new DialogueRepository(deps.db);
    // A session joins the search index when it ends; until then searches scan it.
    deps.events.on('simulation:session', (e) => e.status === 'ended' && this.dialogues.search.schedule());
    deps.events.on('simulation:turn', (e) => e.ended !== null && this.dialogues.search.schedule());
  }

  defaults(language: CardLanguage): TemplateDefaults {
    return templateDefaults(this.deps, language);
  }

  /** Creates the run (its job, snapshot and sessions); it does not start executing. */
  async create(input: RunStartInput): Promise<RunSummary> {
    const resolved = await resolveRun(this.deps, input);
    const runId = this.store.createRun(
      { kind: 'simulation', title: resolved.title, language: resolved.snapshot.language, config: resolved.snapshot, appVersion: this.deps.version, jobId: null },
      resolved.sessions,
    );
    const job = this.deps.jobs.create(RUN_JOB_KIND, resolved.title, { runId }, resolved.sessions.length);
    this.store.attachJob(runId, job.id);
    return this.summary(runId);
  }

  /** Creates a run and starts it in the background (the app). */
  async start(input: RunStartInput): Promise<RunSummary> {
    const created = await this.create(input);
    // The outcome is in the job (done, paused, failed…); nothing to await here.
    void this.execute(created.id).catch(() => undefined);
    return this.summary(created.id);
  }

  /**
   * Executes (or resumes) a run in this process until it is done, paused, cancelled or
   * failed; resolves with the job as it ended. Throws at once, before any call, when the run
   * cannot start: finished, cancelled, or running in another live process (the claim is
   * atomic, so of several processes starting one run exactly one goes ahead).
   */
  execute(runId: number, options: ExecuteOptions = {}): Promise<JobView> {
    const existing = this.active.get(runId);
    if (existing) return existing.done;
    const jobId = this.checkStartable(runId, options.retryErrors === true);
    const entry: { handle: ExecutionHandle | null; done: Promise<JobView> } = { handle: null, done: Promise.resolve(this.deps.jobs.peek(jobId)) };
    const from = options.retryErrors ? (['queued', 'paused', 'failed', 'done'] as const) : (['queued', 'paused', 'failed'] as const);
    entry.done = this.deps.runner
      .run(
        jobId,
        async (control) => {
          prepareRestart(this.deps, this.store, runId, control.previous, options);
          return executeRun(this.deps, runId, control, {
            store: this.store,
            batcher: this.batcher,
            onStart: (handle) => {
              entry.handle = handle;
              options.onStart?.(handle);
            },
          });
        },
        { from, label: `Run ${runId}` },
      )
      .finally(() => {
        this.active.delete(runId);
        this.batcher.flush();
      });
    this.active.set(runId, entry);
    return entry.done;
  }

  /** Resumes a paused or failed run in the background (the app). */
  resume(runId: number, options: RestartOptions = {}): RunSummary {
    if (!this.active.has(runId)) void this.execute(runId, options).catch(() => undefined);
    return this.summary(runId);
  }

  /** Sends the sessions that ended in error back to work from their last saved turn, in the background (the app). */
  retry(runId: number): RunSummary {
    if (this.active.has(runId)) throw new DomainError('conflict', `Run ${runId} is running here; retry its failed sessions once it has stopped.`);
    void this.execute(runId, { retryErrors: true }).catch(() => undefined);
    return this.summary(runId);
  }

  /** Pauses a run wherever it runs: here at once, in another process at its next checkpoint (a flag in the database). */
  pause(runId: number): RunSummary {
    this.deps.runner.pause(this.jobIdOf(runId));
    return this.summary(runId);
  }

  /** Abandons calls in flight at once (not saved) and pauses: for shutdown or a second Ctrl-C. */
  stopNow(runId: number): void {
    const entry = this.active.get(runId);
    if (!entry) return;
    this.deps.runner.pause(this.jobIdOf(runId));
    entry.handle?.stopNow();
  }

  /** Pauses every run executing here and waits for them to stop (the app quitting). */
  async stopAll(): Promise<void> {
    const waits = [...this.active.keys()].map((runId) => {
      this.stopNow(runId);
      return this.active.get(runId)?.done.catch(() => undefined);
    });
    await Promise.all(waits);
  }

  cancel(runId: number): RunSummary {
    const job = this.deps.runner.cancel(this.jobIdOf(runId));
    // Not executing anywhere (paused, queued, failed): its unfinished sessions end now.
    // Executing here or in another process: the executor ends them when it sees the flag.
    if (job.status === 'cancelled') this.store.cancelUnfinished(runId);
    return this.summary(runId);
  }

  remove(runId: number): void {
    const row = this.store.run(runId);
    const owner = row.job_id === null ? null : this.deps.jobs.describeOwner(row.job_id);
    if (owner) throw keyedError('conflict', 'runRunning', { id: runId }, `Run ${runId} is running in ${owner}; pause or cancel it before deleting it.`);
    this.store.removeRun(runId);
  }

  isExecuting(runId: number): boolean {
    return this.active.has(runId);
  }

  summary(runId: number): RunSummary {
    return runSummary(this.store, this.deps.jobs, this.store.run(runId));
  }

  /** Every run and imported dataset, oldest first (runs whose process stopped are found paused). */
  runs(): RunSummary[] {
    this.deps.jobs.recover();
    return this.store.runs().map((row) => runSummary(this.store, this.deps.jobs, row));
  }

  detail(runId: number): RunDetail {
    return runDetail(this.store, this.deps.jobs, this.store.run(runId));
  }

  dashboard(runId: number): RunDashboard {
    return runDashboard(this.store, this.deps.jobs, this.store.run(runId));
  }

  exportDialogues(input: DialogueExportInput): Promise<DialogueExportResult> {
    return exportDialogues(this.deps.db, this.dialogues, this.deps.resourcesDir, input, [this.deps.dbPath]);
  }

  async importDialogues(input: DialogueImportInput): Promise<DialogueImportResult> {
    const result = this.deps.importInWorker
      ? await this.deps.importInWorker(input)
      : await importDialogues(this.deps.db, this.store, this.deps.resourcesDir, this.deps.version, input, this.deps.cards);
    this.dialogues.search.schedule();
    return result;
  }

  /**
   * Throws, with what to do instead, when the run has nothing to start: finished (unless
   * retrying its errored sessions), cancelled, or nothing to retry. Whether another process
   * runs it is the claim's to decide, atomically.
   */
  private checkStartable(runId: number, retryErrors: boolean): number {
    const jobId = this.jobIdOf(runId);
    const job = this.deps.jobs.peek(jobId);
    if (job.status === 'cancelled') {
      throw keyedError('conflict', 'runEnded', { id: runId, status: 'cancelled' }, `Run ${runId} is cancelled; there is nothing to resume.`);
    }
    const errored = this.store.sessionErrors(runId).sessions;
    if (retryErrors && errored === 0) throw new DomainError('conflict', `Run ${runId} has no session that ended in error; there is nothing to retry.`);
    if (!retryErrors && job.status === 'done') {
      const hint = errored > 0 ? ` ${errored} of its sessions ended in error; retry them instead.` : '';
      throw keyedError('conflict', 'runEnded', { id: runId, status: 'done' }, `Run ${runId} is finished; there is nothing to resume.${hint}`);
    }
    return jobId;
  }

  private jobIdOf(runId: number): number {
    const row = this.store.run(runId);
    if (row.job_id === null) throw keyedError('conflict', 'runIsImported', { id: runId }, `Run ${runId} is an imported dataset; it does not run.`);
    return row.job_id;
  }
}
