import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext } from '../../src-main/app/context';
import { testConnection } from '../../src-main/endpoints/test-connection';
import { resolveApiKey } from '../../src-main/llm/client';
import { noSecretBox } from '../../src-main/endpoints/secret-box';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { deadPort } from '../support/ports';
import { memorySecretBox } from '../support/secret-box';
import { tempDbPath } from '../support/temp';

const KEY = 'sk-test-5f1d9c8e7b6a5f4e3d2c1b0a';

let server: LlmServer;
beforeAll(async () => {
  server = await startLlmServer({ apiKey: KEY });
});
afterAll(() => server.close());

const appContext = (env: NodeJS.ProcessEnv = {}) => createAppContext({ dbPath: tempDbPath(), secrets: memorySecretBox(), env });

describe('endpoint registry', () => {
  it('creates, lists, updates and removes endpoints, keeping names unique', () => {
    const ctx = appContext();
    const a = ctx.endpoints.create({ name: 'qwen', baseUrl: 'https://dashscope.aliyuncs.com/compatible-mode/v1', model: 'qwen-plus', temperature: 0.7, priceInputPerM: 0.8 });
    expect(a).toMatchObject({ name: 'qwen', temperature: 0.7, topP: null, priceInputPerM: 0.8, hasApiKey: false });
    expect(() => ctx.endpoints.create({ name: 'QWEN', baseUrl: 'http://x/v1', model: 'm' })).toThrow(/already exists/);
    const b = ctx.endpoints.update({ id: a.id, temperature: null, topP: 0.8, model: 'qwen-max' });
    expect(b).toMatchObject({ temperature: null, topP: 0.8, model: 'qwen-max', priceInputPerM: 0.8 });
    expect(ctx.endpoints.list().map((e) => e.name)).toEqual(['qwen']);
    ctx.endpoints.remove(a.id);
    expect(ctx.endpoints.list()).toEqual([]);
    expect(() => ctx.endpoints.remove(a.id)).toThrow(/not found/);
    ctx.close();
  });

  it('never writes an API key in plain text to the database file or its WAL', () => {
    const ctx = appContext();
    const dir = dirname(ctx.dbPath);
    const e = ctx.endpoints.create({ name: 'openai', baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o', apiKey: KEY });
    ctx.endpoints.update({ id: e.id, apiKey: `${KEY}-rotated` });
    expect(ctx.endpoints.get(e.id).hasApiKey).toBe(true);
    const files = readdirSync(dir).map((f) => readFileSync(join(dir, f)));
    expect(files.length).toBeGreaterThan(0);
    for (const bytes of files) {
      expect(bytes.includes(Buffer.from(KEY))).toBe(false);
      expect(bytes.includes(Buffer.from(KEY, 'utf16le'))).toBe(false);
    }
    ctx.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(ctx.dbPath).includes(Buffer.from(KEY))).toBe(false);
    // …and it still decrypts for the call.
    expect(resolveApiKey(ctx.endpoints.get(e.id), ctx.secrets)).toBe(`${KEY}-rotated`);
    ctx.endpoints.update({ id: e.id, clearApiKey: true });
    expect(ctx.endpoints.get(e.id).hasApiKey).toBe(false);
    ctx.close();
  });

  it('refuses to store a key where nothing can encrypt it', () => {
    const ctx = createAppContext({ dbPath: tempDbPath(), secrets: noSecretBox });
    expect(() => ctx.endpoints.create({ name: 'x', baseUrl: 'http://x/v1', model: 'm', apiKey: KEY })).toThrow(/environment variable/);
    expect(ctx.endpoints.list()).toEqual([]);
    ctx.close();
  });

  it('reads a key from the named environment variable, and says which one is missing', () => {
    const endpoint = { name: 'ds', apiKeyCipher: null, apiKeyEnv: 'DEEPSEEK_API_KEY' };
    expect(resolveApiKey(endpoint, noSecretBox, { DEEPSEEK_API_KEY: 'sk-1' })).toBe('sk-1');
    expect(() => resolveApiKey(endpoint, noSecretBox, {})).toThrow(/\$DEEPSEEK_API_KEY, which is not set/);
    expect(() => resolveApiKey({ name: 'app', apiKeyCipher: Buffer.from('x'), apiKeyEnv: null }, noSecretBox, {})).toThrow(/only the app can decrypt/);
  });
});

describe('test connection (real HTTP to the test server)', () => {
  async function check(fields: { baseUrl?: string; model?: string; apiKey?: string; apiKeyEnv?: string; timeoutMs?: number }, env: NodeJS.ProcessEnv = {}) {
    const ctx = appContext(env);
    const e = ctx.endpoints.create({ name: 't', baseUrl: fields.baseUrl ?? server.url, model: fields.model ?? 'test-model', ...(fields.apiKey ? { apiKey: fields.apiKey } : {}), ...(fields.apiKeyEnv ? { apiKeyEnv: fields.apiKeyEnv } : {}), ...(fields.timeoutMs ? { timeoutMs: fields.timeoutMs } : {}) });
    const result = await testConnection(ctx.endpoints.get(e.id), ctx.secrets, env);
    ctx.close();
    return result;
  }

  it('reports the latency when the endpoint answers (key from the app)', async () => {
    const result = await check({ apiKey: KEY });
    expect(result).toMatchObject({ ok: true, model: 'test-model' });
    if (result.ok) expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    const last = server.requests.at(-1)!;
    expect(last.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("sends the endpoint's own parameters, so a parameter the server refuses shows in the test", async () => {
    const ctx = appContext();
    const e = ctx.endpoints.create({ name: 'p', baseUrl: server.url, model: 'test-model', apiKey: KEY, temperature: 0.3, topP: 0.8, maxTokens: 2000 });
    expect(await testConnection(ctx.endpoints.get(e.id), ctx.secrets, {})).toMatchObject({ ok: true, reply: expect.any(String) });
    ctx.close();
    expect(server.requests.at(-1)!.body).toEqual({ model: 'test-model', messages: [{ role: 'user', content: 'ping' }], temperature: 0.3, top_p: 0.8, max_tokens: 8, stream: false });
  });

  it('reports the latency when the key comes from an environment variable', async () => {
    expect(await check({ apiKeyEnv: 'SIMPSY_TEST_KEY' }, { SIMPSY_TEST_KEY: KEY })).toMatchObject({ ok: true });
  });

  const failures: [string, () => Promise<unknown>, string, RegExp][] = [
    ['a wrong key', () => check({ apiKey: 'sk-wrong' }), 'unauthorized', /rejected the API key \(401\)/],
    ['a missing env var', () => check({ apiKeyEnv: 'NOT_SET_ANYWHERE' }), 'no_api_key', /\$NOT_SET_ANYWHERE/],
    ['an unknown model', () => check({ apiKey: KEY, model: 'gpt-99' }), 'model_not_found', /no model 'gpt-99'/],
    ['a base URL without /v1', () => check({ apiKey: KEY, baseUrl: server.url.replace(/\/v1$/, '') }), 'bad_url', /usually ends in \/v1/],
    ['a dead port', async () => check({ baseUrl: `http://127.0.0.1:${await deadPort()}/v1` }), 'refused', /Connection refused/],
    ['an unknown host', () => check({ baseUrl: 'http://no-such-host.invalid/v1' }), 'dns', /Cannot find the host 'no-such-host.invalid'/],
    ['a blocked port', () => check({ baseUrl: 'http://127.0.0.1:9/v1' }), 'bad_url', /refuse to use/],
  ];
  it.each(failures)('explains %s in one line', async (_label, run, kind, message) => {
    const result = (await run()) as { ok: boolean; kind?: string; message?: string };
    expect(result).toMatchObject({ ok: false, kind });
    expect(result.message).toMatch(message);
    expect(result.message).not.toMatch(/\n/);
    expect(result.message).not.toContain(KEY);
  });

  const faults: [string, Record<string, unknown>, string, RegExp][] = [
    ['429 with Retry-After', { fault: 'rate_limit', retryAfter: 7 }, 'rate_limited', /429.*wait 7 s/],
    ['a 500', { fault: 'server_error' }, 'server_error', /failed \(500\)/],
    ['a 503', { fault: 'server_error', status: 503 }, 'server_error', /failed \(503\)/],
    ['a dropped connection', { fault: 'drop' }, 'network', /failed/],
    ['malformed JSON', { fault: 'malformed' }, 'bad_response', /not an OpenAI-compatible response/],
  ];
  it.each(faults)('explains %s', async (_label, step, kind, message) => {
    server.enqueue(step as never);
    const result = await check({ apiKey: KEY });
    expect(result).toMatchObject({ ok: false, kind });
    expect((result as { message: string }).message).toMatch(message);
  });

  it('gives up on a server that never answers, within the endpoint timeout', async () => {
    server.enqueue({ fault: 'hang' });
    const started = Date.now();
    const result = await check({ apiKey: KEY, timeoutMs: 1000 });
    expect(result).toMatchObject({ ok: false, kind: 'timeout', message: expect.stringMatching(/within 1 s/) });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
