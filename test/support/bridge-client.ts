import { buildApi } from '../../src-preload/build-api';

// The browser-test stand-in for the Electron preload: the same buildApi, with HTTP to the
// bridge as transport. Bundled to an init script that runs before the renderer's code.

let source: EventSource | undefined;
const listeners = new Map<string, Set<(payload: unknown) => void>>();

function ensureSource(): EventSource {
  if (!source) {
    source = new EventSource('/__bridge/events');
    source.onmessage = (message) => {
      const { channel, payload } = JSON.parse(message.data) as { channel: string; payload: unknown };
      for (const listener of listeners.get(channel) ?? []) listener(payload);
    };
  }
  return source;
}

const api = buildApi(
  async (channel, payload) => {
    const response = await fetch(`/__bridge/ipc/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    return response.json();
  },
  (channel, listener) => {
    ensureSource();
    const set = listeners.get(channel) ?? new Set();
    set.add(listener);
    listeners.set(channel, set);
    return () => {
      set.delete(listener);
    };
  },
);

Object.defineProperty(globalThis, 'api', { value: api, writable: false, configurable: false });
