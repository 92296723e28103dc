import type { Command } from 'commander';
import type { LocalModel, LocalServer } from '../contract/endpoint';
import { DomainError } from '../common/errors';
import { compareWithEndpoints, findLocalServers, portsFromEnv, PROBE_TIMEOUT_MS } from '../endpoints/detect';
import { writeTransaction } from '../storage/transaction';
import { printJson } from './io';
import type { WithContext } from './context';

// `simpsy endpoints detect`: the OpenAI-compatible servers running on this computer (Ollama,
// LM Studio, vLLM, llama.cpp), one line per server, and with --add their models as endpoints.

const kindLabel: Record<LocalServer['kind'], string> = {
  ollama: 'Ollama',
  'lm-studio': 'LM Studio',
  vllm: 'vLLM',
  'llama.cpp': 'llama.cpp',
  'openai-compatible': 'OpenAI-compatible server',
};

function portList(raw: string): number[] {
  const ports = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (ports.length === 0 || !ports.every((p) => /^\d+$/.test(p) && Number(p) > 0 && Number(p) < 65536)) {
    throw new DomainError('validation', `--ports takes port numbers separated by commas, like 11434,8001; got '${raw}'.`);
  }
  return ports.map(Number);
}

function modelText(m: LocalModel): string {
  if (m.endpoint) return `${m.id} (endpoint '${m.endpoint}')`;
  return m.embedding ? `${m.id} (embedding)` : m.id;
}

/** One line: what it is, where, and what it serves. */
export function serverLine(s: LocalServer): string {
  const where = `${kindLabel[s.kind]} at ${s.baseUrl}`;
  if (s.needsKey) return `${where}: answers, but wants an API key; add it with --api-key-env.`;
  if (s.models.length === 0) return `${where}: no models loaded.`;
  return `${where}: ${s.models.map(modelText).join(', ')}`;
}

/** With `--add`: every chat model not set up yet, or just the named one (which may be an embedding model). */
function toAdd(servers: LocalServer[], only: string | undefined): { server: LocalServer; model: LocalModel }[] {
  const picks = servers.flatMap((server) =>
    server.models.filter((m) => !m.endpoint && (only === undefined ? !m.embedding : m.id === only)).map((model) => ({ server, model })),
  );
  if (only !== undefined && picks.length === 0) {
    const configured = servers.some((s) => s.models.some((m) => m.id === only));
    throw new DomainError(
      configured ? 'conflict' : 'not_found',
      configured ? `Model '${only}' already has an endpoint.` : `No local server lists a model '${only}'. Run \`simpsy endpoints detect\` to see what is there.`,
    );
  }
  return picks;
}

export function endpointsDetectCommand(endpoints: Command, withContext: WithContext): void {
  endpoints
    .command('detect')
    .description('Find OpenAI-compatible servers running on this computer (Ollama, LM Studio, vLLM, llama.cpp) and their models')
    .option('--ports <list>', 'ports to try, comma-separated (default 11434,1234,8000,8080, or $SIMPSY_LOCAL_PORTS)')
    .option('--timeout <ms>', `how long to wait for each server (default ${PROBE_TIMEOUT_MS})`)
    .option('--add [model]', 'add an endpoint for every chat model found that has none yet, or for the named model')
    .option('--json', 'print the servers as JSON')
    .action((o: { ports?: string; timeout?: string; add?: string | true; json?: boolean }) =>
      withContext(async (ctx) => {
        const ports = o.ports !== undefined ? portList(o.ports) : portsFromEnv(ctx.env);
        const timeoutMs = o.timeout === undefined ? undefined : Number(o.timeout);
        if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs >= 50 && timeoutMs <= 60_000)) {
          throw new DomainError('validation', `--timeout must be a whole number of milliseconds from 50 to 60000, got '${o.timeout}'.`);
        }
        const found = await findLocalServers({ ports, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
        const picks = o.add === undefined ? [] : toAdd(compareWithEndpoints(found, ctx.endpoints.list()), o.add === true ? undefined : o.add);
        // All or none: a failure half-way adds nothing.
        const added = writeTransaction(ctx.db, () =>
          picks.map(({ server, model }) => ctx.endpoints.create({ name: model.suggestedName, baseUrl: server.baseUrl, model: model.id })),
        );
        // Compared after adding, so the new endpoints show as set up.
        const servers = compareWithEndpoints(found, ctx.endpoints.list());

        if (o.json) return printJson(servers);
        if (servers.length === 0) {
          process.stdout.write(`No local model server answered on port ${ports.join(', ')} (127.0.0.1 and localhost).\n`);
          return;
        }
        for (const server of servers) process.stdout.write(`${serverLine(server)}\n`);
        for (const e of added) process.stdout.write(`Added endpoint '${e.name}' (${e.model} at ${e.baseUrl}).\n`);
        if (o.add !== undefined && added.length === 0) process.stdout.write('Every chat model found already has an endpoint.\n');
      }),
    );
}
