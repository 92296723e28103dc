import { ArenaLive } from '../arena/live';
import { AnnotationStore } from '../annotation/store';
import { ArenaService } from '../arena/service';
import type { Db } from '../storage/database';
import { openDatabase, type DatabaseLocation } from '../storage/database';
import type { DialogueImportInput } from '../contract/simulation';
import { effectiveTemplate } from '../card-assist/prompt-store';
import { TrialChats } from '../card-assist/trial-chat';
import { EndpointRepository } from '../endpoints/repository';
import { noSecretBox, type SecretBox } from '../endpoints/secret-box';
import type { LeaseTiming } from '../jobs/lease';
import { JobRunner } from '../jobs/runner';
import { JobStore } from '../jobs/store';
import { unresumableEvaluationJobs } from '../evaluation/measures';
import { EvaluationService } from '../evaluation/service';
import { unresumableCardJobs } from '../role-cards/card-jobs';
import { RoleCardRepository } from '../role-cards/repository';
import { findResourcesDir } from '../simulation/resources';
import { SimulationService } from '../simulation/service';
import { JudgeService } from '../evaluation/judge/service';
import { installTunnels } from '../llm/tunnel';
import { SshProfileRepository } from '../ssh/profiles';
import { ServedModelStore, servedTunnels } from '../ssh/served-models';
import { TunnelManager } from '../ssh/tunnels';
import { WorkerPool } from '../workers/pool';
import { appTasks, type AppTasks } from '../workers/tasks';
import { AppEvents } from './events';
import { noFileChooser, type FileChooser } from './file-chooser';
import { SettingsStore } from './settings';

export interface AppContextOptions {
  dbPath: string;
  secrets?: SecretBox;
  chooseFile?: FileChooser;
  version?: string;
  systemLocale?: string;
  env?: NodeJS.ProcessEnv;
  nativeBinding?: string;
  /** The shipped resources/ folder (prompt templates, termination lists); found from the code's location when omitted. */
  resourcesDir?: string;
  /** How often running jobs renew their lease, and when one is stale (tests shorten them). */
  jobLease?: LeaseTiming;
}

/**
 * Everything the domain needs, wired once. The Electron app, the CLI, the browser test
 * bridge and the tests all build the same context; only the secret box differs.
 */
export interface AppContext {
  readonly db: Db;
  readonly dbPath: string;
  /** The database file and the native binding that opens it, for a worker thread's own connection. */
  readonly database: DatabaseLocation;
  readonly version: string;
  readonly systemLocale: string;
  readonly env: NodeJS.ProcessEnv;
  readonly secrets: SecretBox;
  readonly chooseFile: FileChooser;
  readonly events: AppEvents;
  readonly settings: SettingsStore;
  readonly endpoints: EndpointRepository;
  readonly jobs: JobStore;
  readonly runner: JobRunner;
  readonly cards: RoleCardRepository;
  readonly resourcesDir: string;
  readonly simulation: SimulationService;
  /** Trial chats answering now (cards:chat), so cards:chatCancel can stop them. */
  readonly trialChats: TrialChats;
  /** Worker threads for CPU-heavy work (duplicate search, reading large imports); see src-main/workers. */
  readonly workers: WorkerPool<AppTasks>;
  /** The evaluation measures a model judges (topics, WAI-O-S), as jobs. */
  readonly judges: JudgeService;
  /** The paper's §4 measures and stored evaluations (src-main/evaluation). */
  readonly evaluation: EvaluationService;
  /** Counselors and arena runs (Algorithm 2); see src-main/arena. */
  readonly arena: ArenaService;
  /** The arena's human live mode: a counselor picks at each turn (src-main/arena/live.ts). */
  readonly arenaLive: ArenaLive;
  /** SSH connection profiles to GPU servers (src-main/ssh). */
  readonly sshProfiles: SshProfileRepository;
  /** Offline annotation: packages built from arena runs, annotators' work imported (src-main/annotation). */
  readonly annotation: AnnotationStore;
  /** Trained models served back from GPU servers, and this process's SSH tunnels to them (ssh/serve.ts). */
  readonly servedModels: ServedModelStore;
  readonly tunnels: TunnelManager;
  /** Stops the worker threads (their tasks reject), then closes the database. */
  close(): void;
}

export function createAppContext(options: AppContextOptions): AppContext {
  const db = openDatabase(options.dbPath, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  const secrets = options.secrets ?? noSecretBox;
  const env = options.env ?? process.env;
  const version = options.version ?? '0.0.0';
  const resourcesDir = options.resourcesDir ?? findResourcesDir(env);
  const events = new AppEvents();
  const jobs = new JobStore(db, events, { unresumable: new Set([...unresumableCardJobs, ...unresumableEvaluationJobs]), ...(options.jobLease ? { lease: options.jobLease } : {}) });
  jobs.recover();
  const runner = new JobRunner(jobs);
  const endpoints = new EndpointRepository(db, secrets);
  const sshProfiles = new SshProfileRepository(db, secrets);
  const servedModels = new ServedModelStore(db);
  const tunnels = new TunnelManager({ profiles: sshProfiles, secrets, env });
  const uninstallTunnels = installTunnels(servedTunnels(servedModels, sshProfiles, tunnels));
  const cards = new RoleCardRepository(db);
  const templates = { db, resourcesDir };
  const workers = new WorkerPool({ registry: appTasks });
  const database: DatabaseLocation = { path: options.dbPath, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) };
  const effective = (role: 'client' | 'counselor', language: 'zh' | 'en') => effectiveTemplate(templates, role, language);
  const arena = new ArenaService({ db, version, resourcesDir, jobs, runner, endpoints, cards, secrets, env, effectiveTemplate: effective });
  const judges = new JudgeService({ db, jobs, runner, endpoints, secrets, env, resourcesDir });
  return {
    db,
    dbPath: options.dbPath,
    database,
    version,
    systemLocale: options.systemLocale ?? Intl.DateTimeFormat().resolvedOptions().locale,
    env,
    secrets,
    events,
    settings: new SettingsStore(db),
    endpoints,
    jobs,
    runner,
    cards,
    chooseFile: options.chooseFile ?? noFileChooser,
    resourcesDir,
    simulation: new SimulationService({
      db,
      dbPath: options.dbPath,
      version,
      resourcesDir,
      events,
      jobs,
      runner,
      endpoints,
      cards,
      secrets,
      env,
      effectiveTemplate: effective,
      ...(options.dbPath === ':memory:'
        ? {}
        : { importInWorker: (input: DialogueImportInput) => workers.run('dialogues.import', { database, resourcesDir, appVersion: version, input }) }),
    }),
    trialChats: new TrialChats({ db, resourcesDir, events, cards, endpoints, secrets, env }),
    workers,
    judges,
    evaluation: new EvaluationService({ db, jobs, runner, workers, version, judges, endpoints, secrets, env }),
    arena,
    arenaLive: new ArenaLive({ arena, jobs, cards, onChange: (arenaId) => events.emit('arenaLive:changed', { arenaId }) }),
    sshProfiles,
    annotation: new AnnotationStore(db, resourcesDir),
    servedModels,
    tunnels,
    close: () => {
      uninstallTunnels();
      void tunnels.closeAll();
      void workers.close();
      db.close();
    },
  };
}
