import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext } from '../../src-main/app/context';
import { createDispatch } from '../../src-main/ipc/dispatch';
import { createHandlerTable } from '../../src-main/ipc/handlers';
import { compareWithEndpoints, findLocalServers, portsFromEnv, sameAddress } from '../../src-main/endpoints/detect';
import type { LocalServer } from '../../src-main/contract/endpoint';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { deadPort } from '../support/ports';
import { tempDbPath } from '../support/temp';

// First run finds local models (issue 7, item 8): real HTTP to test servers on random ports
// standing in for Ollama, vLLM and llama.cpp, a server that wants a key, a port that accepts
// and never answers, a web page that is not a model server, and a closed port.

let ollama: LlmServer;
let vllm: LlmServer;
let llamacpp: LlmServer;
let keyed: LlmServer;
let webPage: HttpServer;
let hung: NetServer;
const hungSockets = new Set<Socket>();
let dead: number;
const portOf = (s: HttpServer | NetServer) => (s.address() as { port: number }).port;

beforeAll(async () => {
  ollama = await startLlmServer({ models: ['qwen2.5:7b', 'nomic-embed-text:latest'], ownedBy: 'library' });
  vllm = await startLlmServer({ models: ['Qwen/Qwen2.5-7B-Instruct'], ownedBy: 'vllm' });
  llamacpp = await startLlmServer({ models: ['/models/gemma-3-4b-it-Q4_K_M.gguf'], ownedBy: 'llamacpp' });
  keyed = await startLlmServer({ apiKey: 'sk-local' });
  webPage = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>My blog</h1>'));
  hung = createNetServer((socket) => hungSockets.add(socket)); // accepts, never answers
  await Promise.all([webPage, hung].map((s) => new Promise<void>((done) => s.listen(0, '127.0.0.1', done))));
  dead = await deadPort();
});

afterAll(async () => {
  for (const socket of hungSockets) socket.destroy();
  await Promise.all([ollama, vllm, llamacpp, keyed].map((s) => s.close()));
  await Promise.all([webPage, hung].map((s) => new Promise((done) => s.close(done))));
});

describe('finding local servers', () => {
  it('lists each server on the given ports with its models, named from its answer, in port order', async () => {
    const ports = [vllm.port, dead, ollama.port, portOf(webPage), llamacpp.port, keyed.port];
    const found = await findLocalServers({ ports });
    expect(found).toEqual([
      { kind: 'vllm', baseUrl: `http://127.0.0.1:${vllm.port}/v1`, port: vllm.port, needsKey: false, models: ['Qwen/Qwen2.5-7B-Instruct'] },
      { kind: 'ollama', baseUrl: `http://127.0.0.1:${ollama.port}/v1`, port: ollama.port, needsKey: false, models: ['qwen2.5:7b', 'nomic-embed-text:latest'] },
      { kind: 'llama.cpp', baseUrl: `http://127.0.0.1:${llamacpp.port}/v1`, port: llamacpp.port, needsKey: false, models: ['/models/gemma-3-4b-it-Q4_K_M.gguf'] },
      // It wants a key, so its models are unknown; the kind falls back to the port, and this one is unusual.
      { kind: 'openai-compatible', baseUrl: `http://127.0.0.1:${keyed.port}/v1`, port: keyed.port, needsKey: true, models: [] },
    ]);
    // It asked the OpenAI-compatible path, once per host at most.
    expect(ollama.requests.every((r) => r.method === 'GET' && r.path === '/v1/models')).toBe(true);
  });

  it('does not wait on a port that accepts and never answers longer than the timeout, and probes the ports at once', async () => {
    const started = performance.now();
    const found = await findLocalServers({ ports: [portOf(hung), ollama.port], timeoutMs: 300 });
    const elapsed = performance.now() - started;
    expect(found.map((s) => s.port)).toEqual([ollama.port]);
    expect(elapsed).toBeLessThan(2_000); // one timeout, not one per port and host
  });

  it('names a server from its usual port when its answer does not say', async () => {
    // A fake "LM Studio": the test server, answering on 1234 if that port is free here.
    const onUsualPort = await startLlmServer({ port: 1234, models: ['local-model'] }).catch(() => null);
    if (!onUsualPort) return; // 1234 is taken on this machine: the other cases still cover naming
    try {
      expect((await findLocalServers({ ports: [1234] }))[0]).toMatchObject({ kind: 'lm-studio', models: ['local-model'] });
    } finally {
      await onUsualPort.close();
    }
  });

  it('probes the usual four ports unless SIMPSY_LOCAL_PORTS lists others', () => {
    expect(portsFromEnv({})).toEqual([11434, 1234, 8000, 8080]);
    expect(portsFromEnv({ SIMPSY_LOCAL_PORTS: '8001, 11434,8001' })).toEqual([8001, 11434]);
    expect(portsFromEnv({ SIMPSY_LOCAL_PORTS: 'abc,70000' })).toEqual([11434, 1234, 8000, 8080]);
  });
});

describe('comparing with the endpoints already set up', () => {
  const server = (over: Partial<LocalServer> & { models?: never }, models: string[]) => ({
    kind: 'ollama' as const,
    baseUrl: 'http://127.0.0.1:11434/v1',
    port: 11434,
    needsKey: false,
    ...over,
    models,
  });

  it('treats every loopback spelling and a trailing slash as the same address', () => {
    expect(sameAddress('http://localhost:11434/v1/', 'http://127.0.0.1:11434/v1')).toBe(true);
    expect(sameAddress('http://[::1]:8000/v1', 'http://127.0.0.1:8000/v1')).toBe(true);
    expect(sameAddress('http://127.0.0.1:8000/v1', 'http://127.0.0.1:8001/v1')).toBe(false);
    expect(sameAddress('http://127.0.0.1:8000/v1', 'http://127.0.0.1:8000/api')).toBe(false);
    expect(sameAddress('not a url', 'not a url')).toBe(false);
  });

  it('marks models that have an endpoint and suggests free, valid names for the others', () => {
    const [ollamaView, vllmView] = compareWithEndpoints(
      [server({}, ['qwen2.5:7b', 'llama3.1:8b', 'nomic-embed-text:latest']), server({ kind: 'vllm', baseUrl: 'http://127.0.0.1:8000/v1', port: 8000 }, ['Qwen/Qwen2.5-7B-Instruct', 'org/llama3.1:8b'])],
      [
        { name: 'my qwen', baseUrl: 'http://localhost:11434/v1/', model: 'qwen2.5:7b' },
        { name: 'OLLAMA-llama3.1:8b', baseUrl: 'https://api.example.com/v1', model: 'llama3.1:8b' },
      ],
    );
    expect(ollamaView!.models).toEqual([
      { id: 'qwen2.5:7b', embedding: false, endpoint: 'my qwen', suggestedName: 'my qwen' },
      // The same model elsewhere is not this server's endpoint; its name is taken (case aside), so -2.
      { id: 'llama3.1:8b', embedding: false, endpoint: null, suggestedName: 'ollama-llama3.1:8b-2' },
      { id: 'nomic-embed-text:latest', embedding: true, endpoint: null, suggestedName: 'ollama-nomic-embed-text:latest' },
    ]);
    expect(vllmView!.models.map((m) => m.suggestedName)).toEqual(['vllm-Qwen2.5-7B-Instruct', 'vllm-llama3.1:8b']);
  });
});

describe('endpoints:detect (IPC)', () => {
  it('returns the servers on the ports the environment names, marked against the endpoints', async () => {
    const ctx = createAppContext({ dbPath: tempDbPath(), env: { SIMPSY_LOCAL_PORTS: `${ollama.port},${dead}` } });
    try {
      ctx.endpoints.create({ name: 'mine', baseUrl: `http://localhost:${ollama.port}/v1`, model: 'qwen2.5:7b' });
      const dispatch = createDispatch(createHandlerTable(), ctx);
      const result = await dispatch('endpoints:detect', {});
      expect(result).toEqual({
        ok: true,
        value: {
          ports: [ollama.port, dead],
          servers: [
            expect.objectContaining({
              kind: 'ollama',
              port: ollama.port,
              models: [
                { id: 'qwen2.5:7b', embedding: false, endpoint: 'mine', suggestedName: 'mine' },
                { id: 'nomic-embed-text:latest', embedding: true, endpoint: null, suggestedName: 'ollama-nomic-embed-text:latest' },
              ],
            }),
          ],
        },
      });
    } finally {
      ctx.close();
    }
  });
});
