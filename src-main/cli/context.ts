import { createAppContext, type AppContext } from '../app/context';

/** Runs one command's work with the app context open on the chosen database, closing it after. */
export type WithContext = (work: (ctx: AppContext) => void | Promise<void>) => Promise<void>;

/** `dbPath` is read when a command runs: `--db` is parsed after the commands are declared. */
export function contextOpener(dbPath: () => string, version: string): WithContext {
  return async (work) => {
    const ctx = createAppContext({ dbPath: dbPath(), version });
    try {
      await work(ctx);
    } finally {
      ctx.close();
    }
  };
}
