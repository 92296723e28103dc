import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { apiPath, eventChannels, requestChannels } from '../../src-main/contract';

// Loads the built preload the way a sandboxed renderer does: a bare context whose
// `require` knows only 'electron'. The Electron pieces it touches are recorded, so the test
// sees exactly what the page would get as window.api and which IPC each call makes.

const preloadFile = join(__dirname, '../../out/preload/index.cjs');

function loadPreload() {
  if (!existsSync(preloadFile)) throw new Error(`No built preload at ${preloadFile}: run \`npm run build\` first.`);
  const exposed: Record<string, unknown> = {};
  const invoked: [string, unknown][] = [];
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const required: string[] = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
    ipcRenderer: {
      invoke: async (channel: string, payload: unknown) => {
        invoked.push([channel, payload]);
        return { ok: true, value: null };
      },
      on: (channel: string, fn: (...args: unknown[]) => void) => {
        listeners.set(channel, (listeners.get(channel) ?? new Set()).add(fn));
      },
      removeListener: (channel: string, fn: (...args: unknown[]) => void) => listeners.get(channel)?.delete(fn),
    },
  };
  const sandboxRequire = (name: string) => {
    required.push(name);
    if (name !== 'electron') throw new Error(`Sandboxed preload cannot require '${name}'`);
    return electron;
  };
  const module = { exports: {} };
  vm.runInNewContext(readFileSync(preloadFile, 'utf8'), { require: sandboxRequire, module, exports: module.exports }, { filename: preloadFile });
  return { exposed, invoked, listeners, required };
}

describe('built preload under sandbox rules', () => {
  it('requires nothing but electron', () => {
    const { required } = loadPreload();
    expect(new Set(required)).toEqual(new Set(['electron']));
  });

  it('exposes exactly the contract as named functions, and nothing else', () => {
    const { exposed } = loadPreload();
    expect(Object.keys(exposed)).toEqual(['api']);
    const api = exposed.api as Record<string, Record<string, unknown>>;
    const expected = [...requestChannels, ...eventChannels].map((c) => apiPath(c).join('.')).sort();
    const actual = Object.entries(api).flatMap(([ns, fns]) => Object.keys(fns).map((f) => `${ns}.${f}`)).sort();
    expect(actual).toEqual(expected);
    for (const fns of Object.values(api)) for (const fn of Object.values(fns)) expect(typeof fn).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
    expect(JSON.stringify(api)).not.toMatch(/ipcRenderer|invoke|send/);
  });

  it('sends each call on its own channel, with {} when called without input', async () => {
    const { exposed, invoked } = loadPreload();
    const api = exposed.api as { endpoints: { list(): Promise<unknown>; remove(i: unknown): Promise<unknown> } };
    await api.endpoints.list();
    await api.endpoints.remove({ id: 3 });
    expect(invoked).toEqual([
      ['endpoints:list', {}],
      ['endpoints:remove', { id: 3 }],
    ]);
  });

  it('delivers event payloads without the IPC event object and unsubscribes', () => {
    const { exposed, listeners } = loadPreload();
    const api = exposed.api as { jobs: { onProgress(l: (p: unknown) => void): () => void } };
    const got: unknown[] = [];
    const off = api.jobs.onProgress((p) => got.push(p));
    const [fn] = [...listeners.get('jobs:progress')!];
    fn!({ sender: 'secret ipc event' }, { jobId: 1 });
    expect(got).toEqual([{ jobId: 1 }]);
    off();
    expect(listeners.get('jobs:progress')!.size).toBe(0);
  });
});
