import type { Db } from '../storage/database';
import { openDatabase } from '../storage/database';
import { EndpointRepository } from '../endpoints/repository';
import { noSecretBox, type SecretBox } from '../endpoints/secret-box';
import { JobRunner } from '../jobs/runner';
import { JobStore } from '../jobs/store';
import { AppEvents } from './events';
import { SettingsStore } from './settings';

export interface AppContextOptions {
  dbPath: string;
  secrets?: SecretBox;
  version?: string;
  systemLocale?: string;
  env?: NodeJS.ProcessEnv;
  nativeBinding?: string;
}

/**
 * Everything the domain needs, wired once. The Electron app, the CLI, the browser test
 * bridge and the tests all build the same context; only the secret box differs.
 */
export interface AppContext {
  readonly db: Db;
  readonly dbPath: string;
  readonly version: string;
  readonly systemLocale: string;
  readonly env: NodeJS.ProcessEnv;
  readonly secrets: SecretBox;
  readonly events: AppEvents;
  readonly settings: SettingsStore;
  readonly endpoints: EndpointRepository;
  readonly jobs: JobStore;
  readonly runner: JobRunner;
  close(): void;
}

export function createAppContext(options: AppContextOptions): AppContext {
  const db = openDatabase(options.dbPath, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  const secrets = options.secrets ?? noSecretBox;
  const events = new AppEvents();
  const jobs = new JobStore(db, events);
  jobs.recover();
  return {
    db,
    dbPath: options.dbPath,
    version: options.version ?? '0.0.0',
    systemLocale: options.systemLocale ?? Intl.DateTimeFormat().resolvedOptions().locale,
    env: options.env ?? process.env,
    secrets,
    events,
    settings: new SettingsStore(db),
    endpoints: new EndpointRepository(db, secrets),
    jobs,
    runner: new JobRunner(jobs),
    close: () => db.close(),
  };
}
