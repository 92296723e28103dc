import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestChannels, type RequestChannel } from '../../src-main/contract';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import { createDispatch, MAX_PAYLOAD_BYTES, type Dispatch } from '../../src-main/ipc/dispatch';
import { createHandlerTable } from '../../src-main/ipc/handlers';
import { memorySecretBox } from '../support/secret-box';
import { tempDbPath } from '../support/temp';

// Every request channel gets a table of malformed payloads. Each must come back as a
// typed validation error, and nothing in the database may change.

const huge = 'x'.repeat(300_000);
const long = 'y'.repeat(5_000);
const validEndpoint = { name: 'ok', baseUrl: 'http://127.0.0.1:8000/v1', model: 'm' };

const shared: [string, unknown][] = [
  ['null', null],
  ['a string', 'endpoints'],
  ['a number', 42],
  ['an array', [1, 2]],
  ['a huge string field', { huge }],
  ['an extra field', { sneaky: true }],
];

const malformed: Record<RequestChannel, [string, unknown][]> = {
  'app:info': shared,
  'settings:get': shared,
  'settings:update': [
    ...shared,
    ['an unknown locale', { locale: 'fr' }],
    ['locale of the wrong type', { locale: 1 }],
  ],
  'endpoints:list': shared,
  'endpoints:create': [
    ...shared,
    ['missing fields', { name: 'a' }],
    ['empty name', { ...validEndpoint, name: '  ' }],
    ['name with a slash', { ...validEndpoint, name: 'a/b' }],
    ['name too long', { ...validEndpoint, name: long }],
    ['not a URL', { ...validEndpoint, baseUrl: 'localhost:8000' }],
    ['a file URL', { ...validEndpoint, baseUrl: 'file:///etc/passwd' }],
    ['a javascript URL', { ...validEndpoint, baseUrl: 'javascript:alert(1)' }],
    ['a huge URL', { ...validEndpoint, baseUrl: `http://x/${long}` }],
    ['model of the wrong type', { ...validEndpoint, model: 7 }],
    ['temperature as text', { ...validEndpoint, temperature: '0.7' }],
    ['temperature out of range', { ...validEndpoint, temperature: 3 }],
    ['top_p of zero', { ...validEndpoint, topP: 0 }],
    ['fractional max tokens', { ...validEndpoint, maxTokens: 1.5 }],
    ['negative price', { ...validEndpoint, priceInputPerM: -1 }],
    ['NaN timeout', { ...validEndpoint, timeoutMs: Number.NaN }],
    ['env var with a space', { ...validEndpoint, apiKeyEnv: 'MY KEY' }],
    ['env var with shell syntax', { ...validEndpoint, apiKeyEnv: '$(rm -rf /)' }],
    ['a key that is not text', { ...validEndpoint, apiKey: { k: 1 } }],
    ['a huge key', { ...validEndpoint, apiKey: huge }],
    ['an extra field', { ...validEndpoint, id: 5 }],
  ],
  'endpoints:update': [
    ...shared,
    ['no id', { name: 'x' }],
    ['id as text', { id: '1' }],
    ['negative id', { id: -1 }],
    ['bad URL', { id: 1, baseUrl: 'nope' }],
    ['null name', { id: 1, name: null }],
    ['clearApiKey as text', { id: 1, clearApiKey: 'yes' }],
    ['an extra field', { id: 1, createdAt: 'x' }],
  ],
  'endpoints:remove': [...shared, ['no id', {}], ['fractional id', { id: 1.5 }], ['id zero', { id: 0 }]],
  'endpoints:test': [...shared, ['no id', {}], ['id as an object', { id: { $gt: 0 } }]],
  'jobs:list': [
    ...shared,
    ['unknown status', { status: 'exploded' }],
    ['limit too big', { limit: 1_000_000 }],
    ['kind of the wrong type', { kind: 3 }],
  ],
  'jobs:cancel': [...shared, ['no id', {}], ['id as text', { id: 'all' }]],
};

let ctx: AppContext;
let dispatch: Dispatch;

function snapshot(): string {
  return JSON.stringify(
    ['settings', 'endpoints', 'jobs'].map((t) => ctx.db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()),
  );
}

beforeAll(() => {
  ctx = createAppContext({ dbPath: tempDbPath(), secrets: memorySecretBox() });
  dispatch = createDispatch(createHandlerTable(), ctx, () => {});
  // Something to protect: one endpoint and one job.
  ctx.endpoints.create({ ...validEndpoint, name: 'existing', apiKey: 'sk-existing' });
  ctx.jobs.create('sim', 'A run');
});
afterAll(() => ctx.close());

describe('malformed IPC payloads', () => {
  it('cover every request channel', () => {
    expect(Object.keys(malformed).sort()).toEqual([...requestChannels].sort());
  });

  for (const channel of requestChannels) {
    describe(channel, () => {
      for (const [label, payload] of malformed[channel]) {
        it(`refuses ${label}`, async () => {
          const before = snapshot();
          const result = await dispatch(channel, payload);
          expect(result.ok).toBe(false);
          if (result.ok) return;
          expect(result.error.code).toBe('validation');
          expect(result.error.message.length).toBeLessThan(2_000);
          expect(snapshot()).toBe(before);
        });
      }
    });
  }

  it('refuses an unknown channel', async () => {
    const result = await dispatch('fs:readFile', { path: '/etc/passwd' });
    expect(result).toMatchObject({ ok: false, error: { code: 'validation', message: expect.stringMatching(/Unknown channel/) } });
  });

  it('refuses a payload over the size limit before parsing it', async () => {
    const result = await dispatch('endpoints:create', { ...validEndpoint, model: 'z'.repeat(MAX_PAYLOAD_BYTES) });
    expect(result).toMatchObject({ ok: false, error: { code: 'validation', message: expect.stringMatching(/too large/) } });
  });

  it('refuses a payload that is not plain data', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(await dispatch('endpoints:list', cyclic)).toMatchObject({ ok: false, error: { code: 'validation' } });
  });

  it('names the offending field so the form can show it beside the field', async () => {
    const result = await dispatch('endpoints:create', { ...validEndpoint, baseUrl: 'localhost:8000' });
    expect(result).toMatchObject({ ok: false, error: { issues: [{ path: 'baseUrl', message: expect.stringMatching(/http/) }] } });
  });

  it('reports domain errors as typed values: a duplicate name is a conflict on the name field', async () => {
    const result = await dispatch('endpoints:create', { ...validEndpoint, name: 'EXISTING' });
    expect(result).toMatchObject({ ok: false, error: { code: 'conflict', issues: [{ path: 'name' }] } });
  });

  it('reports a missing record as not_found', async () => {
    expect(await dispatch('endpoints:remove', { id: 424242 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('hides internal failures behind a generic message and logs the channel, not the payload', async () => {
    const lines: string[] = [];
    const broken = createDispatch(
      { ...createHandlerTable(), 'endpoints:list': () => { throw new Error('disk on fire'); } },
      ctx,
      (line) => lines.push(line),
    );
    const result = await broken('endpoints:list', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(result)).not.toContain('disk on fire');
    expect(lines.join('\n')).toContain('endpoints:list');
  });
});
