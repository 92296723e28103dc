import type { LocalModel, LocalServer, Result, EndpointView } from '@contract';
import { create } from 'zustand';
import { currentMessages } from '../i18n';
import { call } from '../lib/call';
import { notifyError } from '../lib/feedback';
import { endpointsActions } from './endpoints';

// The OpenAI-compatible servers running on this computer (Ollama, LM Studio, vLLM,
// llama.cpp), found by main when Settings opens, never at start-up. Each model is marked with
// the endpoint already set up for it; adding one is a single click.

// ── State ──────────────────────────────────────────────────────────────────────
export interface LocalServersState {
  status: 'idle' | 'scanning' | 'ready' | 'failed';
  ports: number[];
  servers: LocalServer[];
  /** Models being added, by `${baseUrl} ${model}`. */
  adding: Record<string, boolean>;
}

export const useLocalServersStore = create<LocalServersState>()(() => ({ status: 'idle', ports: [], servers: [], adding: {} }));

const addKey = (server: LocalServer, model: LocalModel) => `${server.baseUrl} ${model.id}`;

// ── Actions ────────────────────────────────────────────────────────────────────
export const localServersActions = {
  /** Looks again; the last answer stays on screen meanwhile. */
  async scan(): Promise<void> {
    useLocalServersStore.setState({ status: 'scanning' });
    const result = await call(() => window.api.endpoints.detect());
    if (result.ok) useLocalServersStore.setState({ status: 'ready', ports: result.value.ports, servers: result.value.servers });
    else {
      useLocalServersStore.setState({ status: 'failed' });
      notifyError(currentMessages().local.failed, result.error);
    }
  },

  /** The endpoints changed (here or elsewhere): the marks are worked out again, if the panel was ever shown. */
  endpointsChanged(): void {
    if (useLocalServersStore.getState().status === 'ready') void localServersActions.scan();
  },

  /** One click: an endpoint with the suggested name, the server's base URL and this model, no key. */
  async add(server: LocalServer, model: LocalModel): Promise<Result<EndpointView>> {
    const key = addKey(server, model);
    useLocalServersStore.setState((s) => ({ adding: { ...s.adding, [key]: true } }));
    const result = await endpointsActions.create({ name: model.suggestedName, baseUrl: server.baseUrl, model: model.id });
    useLocalServersStore.setState((s) => ({ adding: { ...s.adding, [key]: false } }));
    if (!result.ok) notifyError(currentMessages().local.addFailed, result.error);
    await localServersActions.scan();
    return result;
  },
};

// ── Selectors ──────────────────────────────────────────────────────────────────
export const selectLocalServers = (s: LocalServersState) => s.servers;
export const selectLocalStatus = (s: LocalServersState) => s.status;
export const selectLocalPorts = (s: LocalServersState) => s.ports;
export const isAdding = (s: LocalServersState, server: LocalServer, model: LocalModel) => s.adding[addKey(server, model)] === true;
