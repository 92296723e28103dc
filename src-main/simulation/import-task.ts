import type { DialogueImportInput, DialogueImportResult } from '../contract/simulation';
import { RoleCardRepository } from '../role-cards/repository';
import { withOwnConnection, type DatabaseLocation } from '../storage/database';
import type { Task } from '../workers/task';
import { importDialogues } from './import';
import { SimulationStore } from './store';

// A dialogue import, whole, in a worker thread, through the thread's own connection to the
// database file (as large card imports do, role-cards/import-task.ts): reading, checking and
// the one write transaction of 10,000 sessions held the thread that answers the window for
// one to two seconds. Only the result crosses back.

export interface DialogueImportTaskInput {
  database: DatabaseLocation;
  resourcesDir: string;
  appVersion: string;
  input: DialogueImportInput;
}

export const dialogueImportTask: Task<DialogueImportTaskInput, Promise<DialogueImportResult>> = ({ database, resourcesDir, appVersion, input }) =>
  withOwnConnection(database, {}, (db) => importDialogues(db, new SimulationStore(db), resourcesDir, appVersion, input, new RoleCardRepository(db)));
