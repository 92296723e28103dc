import type { CardImportInput, ImportReport } from '../contract/role-card';
import { withOwnConnection, type DatabaseLocation } from '../storage/database';
import { writeTransaction } from '../storage/transaction';
import type { Task } from '../workers/task';
import { readInput, writeImport } from './import';
import { RoleCardRepository } from './repository';

// A large import, whole, in a worker thread: read, check, look up duplicates and write, the
// write through the thread's own connection to the database file. Nothing of the input
// crosses back to the thread that answers the window but the report, and the write lock is
// taken here: that thread never holds it for the seconds 10,000 cards take to insert (WAL
// lets it read all along; a write it makes meanwhile waits for the commit, and its job
// heartbeats skip a beat rather than wait, see storage/transaction.ts unlessBusy).

export interface ImportTaskInput {
  database: DatabaseLocation;
  input: CardImportInput;
}

export const importTask: Task<ImportTaskInput, Promise<ImportReport>> = async ({ database, input }, control) => {
  const read = readInput(input, control);
  control.checkpoint();
  return withOwnConnection(database, { readonly: input.dryRun }, (db) => {
    const cards = new RoleCardRepository(db);
    if (input.dryRun) return writeImport(cards, input, read);
    // A cancel that came while writing undoes the write: the last look is inside the
    // transaction. (Were the thread stopped mid-write instead, closing its connection rolls
    // the transaction back the same way.)
    return writeTransaction(db, () => {
      const report = writeImport(cards, input, read);
      control.checkpoint();
      return report;
    });
  });
};
