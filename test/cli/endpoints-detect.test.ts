import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { simpsy } from '../support/cli';
import { deadPort } from '../support/ports';
import { tempDbPath } from '../support/temp';

// `simpsy endpoints detect` through the built CLI: test servers on random ports stand in for
// a local Ollama (two chat models and an embedding model) and a vLLM that wants a key.

let ollama: LlmServer;
let keyed: LlmServer;
let hung: Server;
const sockets = new Set<Socket>();
let dead: number;

beforeAll(async () => {
  ollama = await startLlmServer({ models: ['qwen2.5:7b', 'llama3.1:8b', 'nomic-embed-text:latest'], ownedBy: 'library' });
  keyed = await startLlmServer({ apiKey: 'sk-local', ownedBy: 'vllm' });
  hung = createServer((socket) => sockets.add(socket));
  await new Promise<void>((done) => hung.listen(0, '127.0.0.1', done));
  dead = await deadPort();
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all([ollama.close(), keyed.close(), new Promise((done) => hung.close(done))]);
});

const ports = () => `${ollama.port},${dead},${keyed.port}`;

describe('simpsy endpoints detect', () => {
  it('prints one line per server, with its models', async () => {
    const db = tempDbPath();
    const result = await simpsy(['--db', db, 'endpoints', 'detect', '--ports', ports()]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(
      [
        `Ollama at http://127.0.0.1:${ollama.port}/v1: qwen2.5:7b, llama3.1:8b, nomic-embed-text:latest (embedding)`,
        `OpenAI-compatible server at http://127.0.0.1:${keyed.port}/v1: answers, but wants an API key; add it with --api-key-env.`,
        '',
      ].join('\n'),
    );
  });

  it('adds every chat model with --add, marks them afterwards, and adds nothing twice', async () => {
    const db = tempDbPath();
    const add = await simpsy(['--db', db, 'endpoints', 'detect', '--ports', ports(), '--add']);
    expect(add).toMatchObject({ code: 0, stderr: '' });
    const url = `http://127.0.0.1:${ollama.port}/v1`;
    expect(add.stdout).toContain(`Ollama at ${url}: qwen2.5:7b (endpoint 'ollama-qwen2.5:7b'), llama3.1:8b (endpoint 'ollama-llama3.1:8b'), nomic-embed-text:latest (embedding)\n`);
    expect(add.stdout).toContain(`Added endpoint 'ollama-qwen2.5:7b' (qwen2.5:7b at ${url}).\nAdded endpoint 'ollama-llama3.1:8b' (llama3.1:8b at ${url}).\n`);

    const list = JSON.parse((await simpsy(['--db', db, 'endpoints', 'list', '--json'])).stdout) as { name: string; baseUrl: string; model: string; hasApiKey: boolean; apiKeyEnv: string | null }[];
    expect(list.map((e) => [e.name, e.baseUrl, e.model, e.hasApiKey, e.apiKeyEnv])).toEqual([
      ['ollama-llama3.1:8b', url, 'llama3.1:8b', false, null],
      ['ollama-qwen2.5:7b', url, 'qwen2.5:7b', false, null],
    ]);
    // The added endpoints work: a real call through the endpoint test.
    expect(await simpsy(['--db', db, 'endpoints', 'test', 'ollama-qwen2.5:7b'])).toMatchObject({ code: 0 });

    const again = await simpsy(['--db', db, 'endpoints', 'detect', '--ports', ports(), '--add']);
    expect(again.stdout).toContain('Every chat model found already has an endpoint.\n');
    expect(JSON.parse((await simpsy(['--db', db, 'endpoints', 'list', '--json'])).stdout)).toHaveLength(2);

    // An embedding model only when named.
    const embed = await simpsy(['--db', db, 'endpoints', 'detect', '--ports', ports(), '--add', 'nomic-embed-text:latest']);
    expect(embed.stdout).toContain(`Added endpoint 'ollama-nomic-embed-text:latest' (nomic-embed-text:latest at ${url}).`);
  }, 90_000); // six CLI processes

  it('prints JSON with each model marked', async () => {
    const db = tempDbPath();
    await simpsy(['--db', db, 'endpoints', 'add', '--name', 'mine', '--base-url', `http://localhost:${ollama.port}/v1/`, '--model', 'llama3.1:8b']);
    const result = await simpsy(['--db', db, 'endpoints', 'detect', '--ports', ports(), '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      {
        kind: 'ollama',
        baseUrl: `http://127.0.0.1:${ollama.port}/v1`,
        port: ollama.port,
        needsKey: false,
        models: [
          { id: 'qwen2.5:7b', embedding: false, endpoint: null, suggestedName: 'ollama-qwen2.5:7b' },
          { id: 'llama3.1:8b', embedding: false, endpoint: 'mine', suggestedName: 'mine' },
          { id: 'nomic-embed-text:latest', embedding: true, endpoint: null, suggestedName: 'ollama-nomic-embed-text:latest' },
        ],
      },
      // A 401 hides the model list, and with it the name in owned_by.
      { kind: 'openai-compatible', baseUrl: `http://127.0.0.1:${keyed.port}/v1`, port: keyed.port, needsKey: true, models: [] },
    ]);
  });

  it('says so when nothing answers, quickly even when a port accepts and never answers', async () => {
    const started = Date.now();
    const result = await simpsy(['--db', tempDbPath(), 'endpoints', 'detect', '--ports', `${dead},${(hung.address() as { port: number }).port}`, '--timeout', '300']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^No local model server answered on port \d+, \d+ \(127\.0\.0\.1 and localhost\)\.\n$/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  const bad: [string, () => string[], RegExp][] = [
    ['a port list with a word', () => ['--ports', '11434,ollama'], /^simpsy: --ports takes port numbers separated by commas, like 11434,8001; got '11434,ollama'\.\n$/],
    ['a port out of range', () => ['--ports', '70000'], /^simpsy: --ports takes port numbers/],
    ['a timeout that is not a number', () => ['--ports', ports(), '--timeout', 'soon'], /^simpsy: --timeout must be a whole number of milliseconds from 50 to 60000, got 'soon'\.\n$/],
    ['a model no server lists', () => ['--ports', ports(), '--add', 'gpt-5'], /^simpsy: No local server lists a model 'gpt-5'\. Run `simpsy endpoints detect` to see what is there\.\n$/],
  ];
  it.each(bad)('refuses %s with exit 1 and one line, adding nothing', async (_label, args, message) => {
    const db = tempDbPath();
    const result = await simpsy(['--db', db, 'endpoints', 'detect', ...args()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(JSON.parse((await simpsy(['--db', db, 'endpoints', 'list', '--json'])).stdout)).toEqual([]);
  });
});
