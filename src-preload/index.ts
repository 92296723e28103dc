import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildApi } from './build-api';

// Runs sandboxed: it may require only 'electron'. It exposes named functions, never
// ipcRenderer itself, and strips the IPC event object so the renderer sees payloads only.
const api = buildApi(
  (channel, payload) => ipcRenderer.invoke(channel, payload),
  (channel, listener) => {
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
);

contextBridge.exposeInMainWorld('api', api);
