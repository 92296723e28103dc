import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_NAME = 'SimPsy Studio';
export const DB_FILE = 'simpsy.db';

/**
 * The app's user-data folder, computed the way Electron's app.getPath('userData') does for
 * this app name, so the CLI finds the same database as the app without importing Electron.
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), APP_NAME);
}

/** `SIMPSY_DB` overrides the default for both the app and the CLI (the CLI's --db wins over both). */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.SIMPSY_DB || join(userDataDir(env), DB_FILE);
}
