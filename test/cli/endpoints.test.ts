import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { simpsy } from '../support/cli';
import { deadPort } from '../support/ports';
import { tempDbPath } from '../support/temp';

const KEY = 'sk-cli-0123456789abcdef';

let server: LlmServer;
beforeAll(async () => {
  server = await startLlmServer({ apiKey: KEY });
});
afterAll(() => server.close());

describe('simpsy endpoints', () => {
  it('adds, lists, tests against a live server, and removes', async () => {
    const db = tempDbPath();
    const add = await simpsy(['--db', db, 'endpoints', 'add', '--name', 'local', '--base-url', server.url, '--model', 'test-model', '--api-key-env', 'LOCAL_KEY', '--temperature', '0.7', '--top-p', '0.8', '--max-tokens', '512']);
    expect(add).toMatchObject({ code: 0, stderr: '' });

    const list = await simpsy(['--db', db, 'endpoints', 'list', '--json']);
    expect(list.code).toBe(0);
    const endpoints = JSON.parse(list.stdout) as Record<string, unknown>[];
    expect(endpoints).toEqual([
      expect.objectContaining({ name: 'local', baseUrl: server.url, model: 'test-model', apiKeyEnv: 'LOCAL_KEY', temperature: 0.7, topP: 0.8, maxTokens: 512, hasApiKey: false }),
    ]);

    const table = await simpsy(['--db', db, 'endpoints', 'list']);
    expect(table.stdout).toMatch(/^NAME\s+MODEL\s+BASE URL/);
    expect(table.stdout).toContain('$LOCAL_KEY');

    const ok = await simpsy(['--db', db, 'endpoints', 'test', 'local'], { LOCAL_KEY: KEY });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^local: ok, test-model answered in \d+ ms\n$/);
    expect(server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);

    const remove = await simpsy(['--db', db, 'endpoints', 'remove', 'local']);
    expect(remove.code).toBe(0);
    expect(JSON.parse((await simpsy(['--db', db, 'endpoints', 'list', '--json'])).stdout)).toEqual([]);

    // The key was only ever in the environment: not in the database, its WAL or its journal.
    for (const f of readdirSync(dirname(db))) expect(readFileSync(join(dirname(db), f)).includes(Buffer.from(KEY))).toBe(false);
  });

  it('fails a test on a dead port with exit 1 and one line', async () => {
    const db = tempDbPath();
    const port = await deadPort();
    await simpsy(['--db', db, 'endpoints', 'add', '--name', 'dead', '--base-url', `http://127.0.0.1:${port}/v1`, '--model', 'm']);
    const result = await simpsy(['--db', db, 'endpoints', 'test', 'dead']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^simpsy: dead: Connection refused by 127\.0\.0\.1:\d+: is the server running, and is the port right\?\n$/);
  });

  it('fails a test with the wrong key, naming the problem', async () => {
    const db = tempDbPath();
    await simpsy(['--db', db, 'endpoints', 'add', '--name', 'k', '--base-url', server.url, '--model', 'test-model', '--api-key-env', 'K']);
    const wrong = await simpsy(['--db', db, 'endpoints', 'test', 'k'], { K: 'sk-wrong' });
    expect(wrong).toMatchObject({ code: 1, stderr: expect.stringMatching(/^simpsy: k: The server rejected the API key \(401\)/) });
    const unset = await simpsy(['--db', db, 'endpoints', 'test', 'k']);
    expect(unset).toMatchObject({ code: 1, stderr: expect.stringMatching(/\$K, which is not set/) });
  });

  const bad: [string, string[], RegExp][] = [
    ['a URL without scheme', ['--name', 'a', '--base-url', 'localhost:8000/v1', '--model', 'm'], /^simpsy: --base-url: Enter a full http/],
    ['a temperature that is not a number', ['--name', 'a', '--base-url', 'http://x/v1', '--model', 'm', '--temperature', 'hot'], /^simpsy: --temperature must be a number, got 'hot'/],
    ['a temperature out of range', ['--name', 'a', '--base-url', 'http://x/v1', '--model', 'm', '--temperature', '5'], /^simpsy: --temperature: /],
    ['a bad env var name', ['--name', 'a', '--base-url', 'http://x/v1', '--model', 'm', '--api-key-env', 'MY-KEY'], /^simpsy: --api-key-env: An environment variable name/],
    ['a missing --model', ['--name', 'a', '--base-url', 'http://x/v1'], /^simpsy: required option '--model <model>' not specified/],
    ['an unknown option', ['--name', 'a', '--base-url', 'http://x/v1', '--model', 'm', '--api-key', 'sk-x'], /^simpsy: unknown option '--api-key'/],
  ];
  it.each(bad)('refuses %s with exit 1 and one line, adding nothing', async (_label, args, message) => {
    const db = tempDbPath();
    const result = await simpsy(['--db', db, 'endpoints', 'add', ...args]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse((await simpsy(['--db', db, 'endpoints', 'list', '--json'])).stdout)).toEqual([]);
  });

  it('refuses a duplicate name and an unknown endpoint', async () => {
    const db = tempDbPath();
    await simpsy(['--db', db, 'endpoints', 'add', '--name', 'a', '--base-url', 'http://x/v1', '--model', 'm']);
    expect(await simpsy(['--db', db, 'endpoints', 'add', '--name', 'A', '--base-url', 'http://x/v1', '--model', 'm'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/already exists/) });
    expect(await simpsy(['--db', db, 'endpoints', 'test', 'nope'])).toMatchObject({ code: 1, stderr: "simpsy: No endpoint named 'nope'. Known: a.\n" });
    expect(await simpsy(['--db', db, 'endpoints', 'remove', 'nope'])).toMatchObject({ code: 1 });
  });

  it('refuses a bad update like a bad add: exit 1, one line naming the flag, nothing changed', async () => {
    const db = tempDbPath();
    await simpsy(['--db', db, 'endpoints', 'add', '--name', 'local', '--base-url', server.url, '--model', 'test-modle', '--max-tokens', '256']);
    await simpsy(['--db', db, 'endpoints', 'add', '--name', 'other', '--base-url', server.url, '--model', 'm']);
    const bad: [string[], RegExp][] = [
      [['local', '--temperature', '7'], /^simpsy: --temperature: Too big/i],
      [['local', '--base-url', 'ftp://x'], /^simpsy: --base-url: Enter a full http:\/\/ or https:\/\/ URL/],
      [['local', '--model', ' '], /^simpsy: --model: Name the model/],
      [['local', '--max-tokens', 'lots'], /^simpsy: --max-tokens must be a number, got 'lots'/],
      [['local', '--api-key-env', '1KEY'], /^simpsy: --api-key-env: An environment variable name/],
      [['local', '--name', 'a/b'], /^simpsy: --name: Use letters, digits/],
      [['local', '--name', 'OTHER'], /^simpsy: An endpoint named 'OTHER' already exists/],
      [['local'], /^simpsy: Nothing to change: give at least one of --name, --base-url, --model/],
      [['nope', '--model', 'm'], /^simpsy: No endpoint named 'nope'\. Known: local, other\.\n$/],
    ];
    const results = await Promise.all(bad.map(([args]) => simpsy(['--db', db, 'endpoints', 'update', ...args])));
    results.forEach((r, i) => {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(bad[i]![1]);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    });
    const views = JSON.parse((await simpsy(['--db', db, 'endpoints', 'list', '--json'])).stdout) as Record<string, unknown>[];
    expect(views.find((v) => v.name === 'local')).toMatchObject({ model: 'test-modle', maxTokens: 256, temperature: null });
  });

  it('updates an endpoint: only the settings given change, none clears one, and it then answers', async () => {
    const db = tempDbPath();
    await simpsy(['--db', db, 'endpoints', 'add', '--name', 'local', '--base-url', server.url, '--model', 'test-modle', '--api-key-env', 'LOCAL_KEY', '--max-tokens', '256']);
    expect(await simpsy(['--db', db, 'endpoints', 'test', 'local'], { LOCAL_KEY: KEY })).toMatchObject({ code: 1, stderr: expect.stringMatching(/no model 'test-modle'/) });
    const ok = await simpsy(['--db', db, 'endpoints', 'update', 'local', '--model', 'test-model', '--temperature', '0.3', '--max-tokens', 'none']);
    expect(ok).toMatchObject({ code: 0, stdout: `Updated endpoint 'local' (test-model at ${server.url}).\n`, stderr: '' });
    const [view] = JSON.parse((await simpsy(['--db', db, 'endpoints', 'list', '--json'])).stdout) as Record<string, unknown>[];
    expect(view).toMatchObject({ name: 'local', model: 'test-model', temperature: 0.3, maxTokens: null, apiKeyEnv: 'LOCAL_KEY', baseUrl: server.url });
    expect(await simpsy(['--db', db, 'endpoints', 'test', 'local'], { LOCAL_KEY: KEY })).toMatchObject({ code: 0 });
    expect(await simpsy(['--db', db, 'endpoints', 'update', 'local', '--name', 'renamed'])).toMatchObject({ code: 0, stdout: `Updated endpoint 'renamed' (test-model at ${server.url}).\n` });
  });

  it.each([[[]], [['endpoints']], [['endpoints', 'add']], [['endpoints', 'list']], [['endpoints', 'test']], [['endpoints', 'update']], [['endpoints', 'remove']]])(
    'has --help for %j',
    async (path) => {
      const result = await simpsy([...path, '--help'], { SIMPSY_DB: tempDbPath() });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Usage: simpsy/);
    },
  );

  it('uses SIMPSY_DB when --db is not given', async () => {
    const db = tempDbPath();
    await simpsy(['endpoints', 'add', '--name', 'env', '--base-url', 'http://x/v1', '--model', 'm'], { SIMPSY_DB: db });
    expect(JSON.parse((await simpsy(['--db', db, 'endpoints', 'list', '--json'])).stdout)).toHaveLength(1);
  });

  it('refuses a database from a newer build in one line', async () => {
    const db = tempDbPath();
    await simpsy(['--db', db, 'endpoints', 'list']);
    const Database = (await import('better-sqlite3')).default;
    const raw = new Database(db);
    raw.prepare("INSERT INTO schema_migrations VALUES (999, 'future', 'x')").run();
    raw.close();
    const result = await simpsy(['--db', db, 'endpoints', 'list']);
    expect(result).toMatchObject({ code: 1, stderr: expect.stringMatching(/^simpsy: The database \S+simpsy\.db was created by a newer SimPsy Studio/) });
  });
});
