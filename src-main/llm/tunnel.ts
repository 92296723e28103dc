import { DomainError } from '../common/errors';

// Endpoints reached through an SSH tunnel: a model served back from a GPU server
// (ssh/serve.ts; docs/ssh.md, "Serving a trained model back"). Such an endpoint is stored
// as the server sees it (http://127.0.0.1:PORT/v1 on the server), and the tunnel to it is
// opened on demand by whichever process calls it (the app, a CLI command days later), so no
// command has to stay up for the endpoint to work. The LLM layer does not know SSH: the
// process installs `Tunnels` once (app/context.ts), and a tunnelled endpoint's client is
// pointed at a placeholder host that only this module resolves, so a call that somehow
// skipped the tunnel fails on DNS instead of reaching whatever listens on the local PORT.

export interface Tunnels {
  /** Whether calls to this endpoint go through a tunnel (a synchronous look-up). */
  has(endpointId: number): boolean;
  /** Opens (or reuses) the tunnel; answers the local origin, e.g. http://127.0.0.1:41234. */
  open(endpointId: number): Promise<string>;
}

let tunnels: Tunnels | null = null;

/** Installs the process's tunnels; answers the uninstall (which leaves a later installation alone). */
export function installTunnels(installed: Tunnels): () => void {
  tunnels = installed;
  return () => {
    if (tunnels === installed) tunnels = null;
  };
}

const PLACEHOLDER = /^endpoint-([1-9][0-9]*)\.ssh-tunnel\.invalid$/;

/** The base URL a client of a tunnelled endpoint is built with (its path kept), or null for a direct endpoint. */
export function tunnelledBaseUrl(endpointId: number | undefined, baseUrl: string): string | null {
  if (endpointId === undefined || !tunnels?.has(endpointId)) return null;
  const url = new URL(baseUrl);
  return `http://endpoint-${endpointId}.ssh-tunnel.invalid${url.pathname.replace(/\/+$/, '')}`;
}

/** The URL a request really goes to: a placeholder URL through its tunnel, any other as it is. */
export async function throughTunnel(url: URL): Promise<URL> {
  const id = PLACEHOLDER.exec(url.hostname)?.[1];
  if (id === undefined) return url;
  // A tunnel that cannot be opened (the model is no longer served, its connection was
  // removed) throws a DomainError saying what to do; failure.ts reports it as it is.
  if (!tunnels) throw new DomainError('unavailable', 'This process cannot open SSH tunnels to served models.');
  return new URL(`${url.pathname}${url.search}`, await tunnels.open(Number(id)));
}

export const isTunnelPlaceholder = (url: URL): boolean => PLACEHOLDER.test(url.hostname);

/** The SDK's fetch for a tunnelled endpoint (whole answers, model lists, embeddings). */
export const tunnelFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const url = input instanceof Request ? new URL(input.url) : new URL(String(input));
  return fetch(await throughTunnel(url), input instanceof Request ? { ...init, method: input.method, headers: input.headers } : init);
};
