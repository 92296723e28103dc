import { ipcMain, webContents } from 'electron';
import { eventChannels, requestChannels } from '../contract';
import type { AppEvents } from '../app/events';
import type { Dispatch } from '../ipc/dispatch';

let registered = false;

/** Registers one ipcMain handler per request channel, once, and forwards every event channel to all windows. */
export function registerIpc(dispatch: Dispatch, events: AppEvents, isTrustedSender: (url: string) => boolean): void {
  if (registered) throw new Error('IPC handlers are already registered');
  registered = true;
  for (const channel of requestChannels) {
    ipcMain.handle(channel, (event, payload: unknown) => {
      // Only our own page may call main; a frame that navigated elsewhere may not.
      if (!event.senderFrame || !isTrustedSender(event.senderFrame.url)) {
        return { ok: false, error: { code: 'validation', message: 'Request from an untrusted page refused.' } };
      }
      return dispatch(channel, payload);
    });
  }
  for (const channel of eventChannels) {
    events.on(channel, (payload) => {
      for (const contents of webContents.getAllWebContents()) if (!contents.isDestroyed()) contents.send(channel, payload);
    });
  }
}
