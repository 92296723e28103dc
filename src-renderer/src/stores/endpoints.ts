import type { ConnectionTest, EndpointCreateInput, EndpointUpdateInput, EndpointView, Result } from '@contract';
import { create } from 'zustand';
import { currentMessages } from '../i18n';
import { call, compact } from '../lib/call';
import { notifyError, notifySuccess } from '../lib/feedback';

// Model endpoints as main reports them (keys never included: views carry only hasApiKey),
// plus the latest connection test per endpoint, which lives only in this session.

// ── State ──────────────────────────────────────────────────────────────────────
export type TestState = { running: true } | { running: false; result: ConnectionTest };

export interface EndpointsState {
  status: 'idle' | 'loading' | 'ready' | 'failed';
  items: EndpointView[];
  tests: Record<number, TestState>;
}

export const useEndpointsStore = create<EndpointsState>()(() => ({ status: 'idle', items: [], tests: {} }));

const setTest = (id: number, test: TestState | null) =>
  useEndpointsStore.setState((s) => {
    const tests = { ...s.tests };
    if (test) tests[id] = test;
    else delete tests[id];
    return { tests };
  });

// ── Actions ────────────────────────────────────────────────────────────────────
export const endpointsActions = {
  async refresh(): Promise<void> {
    if (useEndpointsStore.getState().status !== 'ready') useEndpointsStore.setState({ status: 'loading' });
    const result = await call(() => window.api.endpoints.list());
    if (result.ok) {
      useEndpointsStore.setState({ status: 'ready', items: result.value });
    } else {
      useEndpointsStore.setState({ status: 'failed' });
      notifyError(currentMessages().errors.loadEndpoints, result.error);
    }
  },

  /**
   * Field problems (`issues`) are returned for the form to show beside its fields;
   * the form reports anything it cannot place.
   */
  async create(input: EndpointCreateInput): Promise<Result<EndpointView>> {
    const result = await call(() => window.api.endpoints.create(compact(input)));
    if (result.ok) {
      notifySuccess(currentMessages().endpoints.added(result.value.name));
      await endpointsActions.refresh();
    }
    return result;
  },

  async update(input: EndpointUpdateInput): Promise<Result<EndpointView>> {
    const result = await call(() => window.api.endpoints.update(compact(input)));
    if (result.ok) {
      // A changed URL, model or key makes the last test result stale.
      setTest(input.id, null);
      notifySuccess(currentMessages().endpoints.saved(result.value.name));
      await endpointsActions.refresh();
    }
    return result;
  },

  async remove(endpoint: EndpointView): Promise<void> {
    const result = await call(() => window.api.endpoints.remove({ id: endpoint.id }));
    if (result.ok) {
      setTest(endpoint.id, null);
      notifySuccess(currentMessages().endpoints.removed(endpoint.name));
    } else {
      notifyError(currentMessages().errors.removeEndpoint, result.error);
    }
    await endpointsActions.refresh();
  },

  /** A failed connection is a normal result shown in the table; only a failed request is an error. */
  async test(id: number): Promise<void> {
    setTest(id, { running: true });
    const result = await call(() => window.api.endpoints.test({ id }));
    if (result.ok) {
      setTest(id, { running: false, result: result.value });
    } else {
      setTest(id, null);
      notifyError(currentMessages().errors.testEndpoint, result.error);
    }
  },

  dismissTest(id: number): void {
    setTest(id, null);
  },
};

// ── Selectors ──────────────────────────────────────────────────────────────────
export const selectEndpoints = (s: EndpointsState) => s.items;
export const selectEndpointCount = (s: EndpointsState) => s.items.length;
export const selectEndpointsLoading = (s: EndpointsState) => s.status === 'idle' || s.status === 'loading';
export const selectTests = (s: EndpointsState) => s.tests;
