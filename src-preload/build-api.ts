import { apiPath, eventChannels, requestChannels, type EventChannel, type RequestChannel } from '../src-main/contract/channels';

// Builds `window.api` from the channel list: one named function per channel, each bound to
// its own channel, so the renderer can never choose a channel name. The Electron preload
// passes ipcRenderer-backed transports; the browser test bridge passes HTTP-backed ones,
// so both expose exactly the same object.

export type Invoke = (channel: RequestChannel, payload: unknown) => Promise<unknown>;
export type Subscribe = (channel: EventChannel, listener: (payload: unknown) => void) => () => void;

type ApiFunction = (...args: never[]) => unknown;

export function buildApi(invoke: Invoke, subscribe: Subscribe): Record<string, Record<string, ApiFunction>> {
  const api: Record<string, Record<string, ApiFunction>> = {};
  for (const channel of requestChannels) {
    const [ns, name] = apiPath(channel);
    (api[ns] ??= {})[name] = (input?: unknown) => invoke(channel, input === undefined ? {} : input);
  }
  for (const channel of eventChannels) {
    const [ns, name] = apiPath(channel);
    (api[ns] ??= {})[name] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== 'function') throw new TypeError(`${name} needs a listener function`);
      return subscribe(channel, listener);
    };
  }
  for (const ns of Object.values(api)) Object.freeze(ns);
  return Object.freeze(api);
}
