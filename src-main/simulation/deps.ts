import type { AppEvents } from '../app/events';
import type { CardLanguage } from '../contract/role-card';
import type { AgentRole, DialogueImportInput, DialogueImportResult } from '../contract/simulation';
import type { EndpointRepository } from '../endpoints/repository';
import type { SecretBox } from '../endpoints/secret-box';
import type { JobRunner } from '../jobs/runner';
import type { JobStore } from '../jobs/store';
import type { RoleCardRepository } from '../role-cards/repository';
import type { Db } from '../storage/database';

/**
 * What the simulation uses of the rest of the app, given once to `SimulationService`
 * (app/context.ts wires it). Each part of the service takes only the slice it reads.
 */
export interface SimulationDeps {
  readonly db: Db;
  /** The database file: an export never replaces it. */
  readonly dbPath: string;
  /** Recorded in every run's snapshot. */
  readonly version: string;
  /** The shipped resources/ folder: termination lists, the released counselor prompt. */
  readonly resourcesDir: string;
  readonly events: AppEvents;
  readonly jobs: JobStore;
  readonly runner: JobRunner;
  readonly endpoints: Pick<EndpointRepository, 'get'>;
  /** Whole: importing dialogues with their cards imports the cards too. */
  readonly cards: RoleCardRepository;
  /** Where API keys come from: the app's encrypted copies, else the environment. */
  readonly secrets: SecretBox;
  readonly env: NodeJS.ProcessEnv;
  /**
   * The template in effect for an agent: the user's override (Settings → prompts), else the
   * shipped file. The app wires card-assist's prompt store here, so the simulation does not
   * depend on card-assist.
   */
  effectiveTemplate(role: AgentRole, language: CardLanguage): string;
  /**
   * Runs a dialogue import in a worker thread through its own connection (import-task.ts);
   * the app wires the worker pool here. Absent (an in-memory database), it runs in this thread.
   */
  importInWorker?(input: DialogueImportInput): Promise<DialogueImportResult>;
}
