import { app, BrowserWindow, dialog } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ChangeWatcher } from '../app/change-watcher';
import { createAppContext, type AppContext } from '../app/context';
import { DB_FILE } from '../app/paths';
import { createDispatch } from '../ipc/dispatch';
import { createHandlerTable } from '../ipc/handlers';
import { reattachTrainingJobs } from '../ipc/handlers/finetune';
import { registerIpc } from './ipc-adapter';
import { electronFileChooser } from './file-dialog';
import { safeStorageBox } from './safe-storage-box';
import { applySecurityPolicy } from './security';
import { isAppUrl, windowOptions } from './window-options';

// The Electron shell: it only wires the platform-neutral domain (src-main/app, storage,
// endpoints, jobs…) to a window. Everything it calls also runs under vitest and the CLI.

const rendererFile = join(__dirname, '../renderer/index.html');
const devServerUrl = process.env.ELECTRON_RENDERER_URL;

function dbPathFromArgs(): string {
  const flag = process.argv.find((a) => a.startsWith('--db='));
  if (flag) return flag.slice('--db='.length);
  return process.env.SIMPSY_DB || join(app.getPath('userData'), DB_FILE);
}

/** better-sqlite3 built for Electron's ABI lives apart from node_modules (see scripts/electron-native.mjs). */
function electronNativeBinding(): string | undefined {
  const file = join(app.getAppPath(), '.electron-native', 'better_sqlite3.node');
  return existsSync(file) ? file : undefined;
}

let ctx: AppContext | undefined;
let changes: ChangeWatcher | undefined;

function createWindow(): void {
  const appWindow = new BrowserWindow(windowOptions(join(__dirname, '../preload/index.cjs')));
  appWindow.once('ready-to-show', () => appWindow.show());
  if (devServerUrl) void appWindow.loadURL(devServerUrl);
  else void appWindow.loadFile(rendererFile);
}

app.enableSandbox();

void app.whenReady().then(() => {
  const nativeBinding = electronNativeBinding();
  try {
    ctx = createAppContext({
      dbPath: dbPathFromArgs(),
      secrets: safeStorageBox(),
      chooseFile: electronFileChooser,
      version: app.getVersion(),
      systemLocale: app.getLocale(),
      ...(nativeBinding ? { nativeBinding } : {}),
    });
  } catch (error) {
    // No window can work without the database: say why (the file and what to do) and quit,
    // rather than leave a process with no window at all.
    dialog.showErrorBox('SimPsy Studio cannot open its database', error instanceof Error ? error.message : String(error));
    app.exit(1);
    return;
  }
  applySecurityPolicy(rendererFile, devServerUrl);
  registerIpc(createDispatch(createHandlerTable(), ctx), ctx.events, (url) => isAppUrl(url, rendererFile, devServerUrl));
  // What the CLI (or a run here) writes shows in the window without a manual refresh.
  changes = new ChangeWatcher(ctx.db, ctx.events).start();
  // Training jobs went on on their servers while the app was closed: follow them again.
  void reattachTrainingJobs(ctx);
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// Let running simulations save the calls in flight and stop as paused before the database closes.
let quitting = false;
app.on('will-quit', (event) => {
  if (!ctx || quitting) return;
  quitting = true;
  event.preventDefault();
  const context = ctx;
  void context.simulation.stopAll().finally(() => {
    changes?.stop();
    context.close();
    app.quit();
  });
});
