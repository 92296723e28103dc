import type { EndpointView, LocalModel, LocalServer, LocalServerKind } from '../contract/endpoint';

// Finds the OpenAI-compatible servers already running on this computer, so a first run can
// offer them as endpoints: one GET /v1/models per port and host, all at once, each with a
// short timeout. Nothing here is needed to start the app; callers probe when asked.

/** The usual ports of the usual local servers; the port names the server when the answer does not. */
export const usualLocalServers: readonly { port: number; kind: LocalServerKind }[] = [
  { port: 11434, kind: 'ollama' },
  { port: 1234, kind: 'lm-studio' },
  { port: 8000, kind: 'vllm' },
  { port: 8080, kind: 'llama.cpp' },
];

/** 127.0.0.1 first: `localhost` may resolve to ::1 only, where some servers do not listen. */
const HOSTS = ['127.0.0.1', 'localhost'];

/** A local server answers /v1/models in milliseconds; a port that accepts but never answers is not one. */
export const PROBE_TIMEOUT_MS = 1500;

/** More than any model list; a larger answer is not one. */
const MAX_BODY_BYTES = 2_000_000;

/**
 * What each server writes in `owned_by` (seen in their answers): vLLM 'vllm', llama.cpp's
 * server 'llamacpp', LM Studio 'organization_owner', Ollama 'library' for its library models.
 */
const ownedByKind: Record<string, LocalServerKind> = {
  vllm: 'vllm',
  llamacpp: 'llama.cpp',
  organization_owner: 'lm-studio',
  library: 'ollama',
  ollama: 'ollama',
};

export interface DetectOptions {
  /** Ports to try; the usual four when omitted. */
  ports?: readonly number[];
  timeoutMs?: number;
}

/** What one port answered, before it is compared with the configured endpoints. */
export interface FoundServer {
  kind: LocalServerKind;
  baseUrl: string;
  port: number;
  needsKey: boolean;
  models: string[];
}

type Probe = FoundServer | null;

/** Probes every port on 127.0.0.1 and localhost at once; servers come back in port order. */
export async function findLocalServers(options: DetectOptions = {}): Promise<FoundServer[]> {
  const ports = [...new Set(options.ports ?? usualLocalServers.map((s) => s.port))];
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  const perPort = await Promise.all(
    ports.map(async (port) => {
      const answers = await Promise.all(HOSTS.map((host) => probe(host, port, timeoutMs)));
      return answers.find((a) => a !== null) ?? null;
    }),
  );
  return perPort.filter((s): s is FoundServer => s !== null);
}

async function probe(host: string, port: number, timeoutMs: number): Promise<Probe> {
  const baseUrl = `http://${host}:${port}/v1`;
  try {
    const response = await fetch(`${baseUrl}/models`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    const hint = response.headers.get('server') ?? '';
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      return { kind: kindOf(port, hint), baseUrl, port, needsKey: true, models: [] };
    }
    if (!response.ok) {
      await response.body?.cancel();
      return null;
    }
    const text = await response.text();
    if (text.length > MAX_BODY_BYTES) return null;
    const list = modelList(JSON.parse(text));
    if (!list) return null; // something else listens here (a web app on 8080, say)
    return { kind: kindOf(port, hint, list.ownedBy), baseUrl, port, needsKey: false, models: list.ids };
  } catch {
    return null; // refused, timed out, not JSON: no server of ours
  }
}

/** The OpenAI list shape: `{ data: [{ id, owned_by? }, …] }`; null for anything else. */
function modelList(body: unknown): { ids: string[]; ownedBy: string | undefined } | null {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return null;
  const ids: string[] = [];
  let ownedBy: string | undefined;
  for (const item of data) {
    const id = (item as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || id.trim() === '' || id.length > 200) continue;
    if (!ids.includes(id.trim())) ids.push(id.trim());
    const owner = (item as { owned_by?: unknown }).owned_by;
    if (ownedBy === undefined && typeof owner === 'string') ownedBy = owner;
  }
  return { ids, ownedBy };
}

function kindOf(port: number, serverHeader: string, ownedBy?: string): LocalServerKind {
  if (ownedBy && ownedByKind[ownedBy]) return ownedByKind[ownedBy];
  if (/llama\.cpp/i.test(serverHeader)) return 'llama.cpp';
  return usualLocalServers.find((s) => s.port === port)?.kind ?? 'openai-compatible';
}

// ── Against the configured endpoints ──────────────────────────────────────────

/** One spelling per address: every loopback name is the same place, a trailing slash is no difference. */
export function sameAddress(a: string, b: string): boolean {
  const key = (url: string): string | null => {
    try {
      const u = new URL(url);
      const loopback = ['127.0.0.1', 'localhost', '[::1]', '0.0.0.0'].includes(u.hostname);
      const port = u.port || (u.protocol === 'https:' ? '443' : '80');
      return `${u.protocol}//${loopback ? 'loopback' : u.hostname}:${port}${u.pathname.replace(/\/+$/, '')}`;
    } catch {
      return null;
    }
  };
  const ka = key(a);
  return ka !== null && ka === key(b);
}

const nameStem: Record<LocalServerKind, string> = {
  ollama: 'ollama',
  'lm-studio': 'lmstudio',
  vllm: 'vllm',
  'llama.cpp': 'llamacpp',
  'openai-compatible': 'local',
};

/** `ollama-qwen2.5:7b`, `vllm-Qwen2.5-7B-Instruct`: the server and the model's last path part, within the name rules. */
function nameFor(kind: LocalServerKind, model: string): string {
  const short = (model.split('/').filter(Boolean).at(-1) ?? model).replace(/\.gguf$/i, '').replace(/[\s\\]+/g, '-');
  return `${nameStem[kind]}-${short}`.slice(0, 72);
}

const looksLikeEmbedding = (id: string) => /embed|(^|[/:_-])(bge|e5|gte)([/:_-]|$)/i.test(id);

/**
 * Marks each model already set up as an endpoint (same address, same model) and suggests a
 * free name for the others: free among the endpoints and the other suggestions.
 */
export function compareWithEndpoints(found: FoundServer[], endpoints: Pick<EndpointView, 'name' | 'baseUrl' | 'model'>[]): LocalServer[] {
  const taken = new Set(endpoints.map((e) => e.name.toLowerCase()));
  const freeName = (wanted: string): string => {
    let name = wanted;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${wanted}-${n}`;
    taken.add(name.toLowerCase());
    return name;
  };
  return found.map((server) => ({
    ...server,
    models: server.models.map((id): LocalModel => {
      const existing = endpoints.find((e) => e.model === id && sameAddress(e.baseUrl, server.baseUrl));
      return {
        id,
        embedding: looksLikeEmbedding(id),
        endpoint: existing?.name ?? null,
        suggestedName: existing ? existing.name : freeName(nameFor(server.kind, id)),
      };
    }),
  }));
}

/** The ports to probe: the usual four, or the list in `SIMPSY_LOCAL_PORTS` (e.g. `11434,8001`). */
export function portsFromEnv(env: NodeJS.ProcessEnv): number[] {
  const listed = (env.SIMPSY_LOCAL_PORTS ?? '')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0 && n < 65536);
  return listed.length > 0 ? [...new Set(listed)] : usualLocalServers.map((s) => s.port);
}

/** The servers on this computer, compared with the endpoints already set up. */
export async function detectLocalServers(
  endpoints: Pick<EndpointView, 'name' | 'baseUrl' | 'model'>[],
  options: DetectOptions = {},
): Promise<LocalServer[]> {
  return compareWithEndpoints(await findLocalServers(options), endpoints);
}
