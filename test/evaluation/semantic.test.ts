import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import { loadDataset } from '../../src-main/evaluation/dataset';
import { cosine, vectorFault } from '../../src-main/evaluation/cosine';
import { semanticEvaluation, type SemanticOptions, type SemanticProgress } from '../../src-main/evaluation/semantic';
import { tTests } from '../../src-main/evaluation/t-test';
import { truncateGraphemes } from '../../src-main/evaluation/truncate';
import { createLlmClient } from '../../src-main/llm/client';
import { RateLimiter } from '../../src-main/llm/rate-limiter';
import type { LlmEndpoint } from '../../src-main/llm/params';
import { embedText } from '../llm-server/embed';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { tempDbPath } from '../support/temp';
import { seedRun } from './support';

// Semantic consistency (Eq. 2) against the real test server over HTTP, on a real database.
// Reference values were computed independently with Python 3.11.7, numpy 2.4.6 and scipy
// 1.17.1 (a @ b / sqrt((a @ a) * (b @ b)); scipy.stats.ttest_ind, equal_var True and False).

const close = (actual: number, expected: number, rel = 1e-12) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
const f32 = (...x: number[]) => Float32Array.from(x);

describe('cosine and the vectors it accepts', () => {
  it('matches numpy', () => {
    close(cosine(f32(1, 2, 3), f32(4, 5, 6)), 0.9746318461970762);
    close(cosine(f32(1, 0), f32(-1, 0)), -1);
    close(cosine(f32(3, 4), f32(4, -3)), 0);
    close(cosine(f32(1, 2, 0.5, -1), f32(0.75, 2, 1, -0.5)), 0.9539955591519913);
  });

  it('says what makes a vector unusable', () => {
    expect(vectorFault(f32(1, 2), 2)).toBeNull();
    expect(vectorFault(f32(1, 2, 3), 2)).toBe('has 3 numbers where the others have 2');
    expect(vectorFault(f32(1, Number.NaN), 2)).toBe('holds NaN at position 1');
    expect(vectorFault(f32(Number.NEGATIVE_INFINITY, 1), 2)).toBe('holds -Infinity at position 0');
    expect(vectorFault(f32(0, 0), 2)).toBe('is all zeros (a vector with no direction has no cosine)');
    expect(() => cosine(f32(1), f32(1, 2))).toThrow(/different lengths/);
  });

  it('cuts texts at characters, never inside one', () => {
    expect(truncateGraphemes('我最近总是失眠', 4)).toEqual({ text: '我最近总', cut: true });
    expect(truncateGraphemes('我最近', 3)).toEqual({ text: '我最近', cut: false });
    // A family emoji (seven code units, one character) and an e with a combining accent.
    expect(truncateGraphemes('👨‍👩‍👧e\u0301好', 2)).toEqual({ text: '👨‍👩‍👧e\u0301', cut: true });
  });
});

const cardA = '性别：女性\n年龄：25岁\n来访者的主诉问题：最近总是失眠，和家人关系紧张。';
const cardB = '性别：男性\n职业：公司职员\n来访者的主诉问题：工作压力大，总是加班。';
const cardC = '性别：女性\n职业：学生\n来访者的主诉问题：和室友关系不好。';
const plan = [
  { cardText: cardA, messages: ['你好', '请说。', '我最近总是失眠，和家人吵架。', '多久了？', '我今年25岁。', '再见'] },
  { cardText: cardB, messages: ['你好', '请说。', '我是公司职员，工作压力很大。', '嗯。', '总是加班到很晚。', '再见'] },
  { cardText: null, messages: ['你好', '请说。', '我最近总是失眠。', '再见'] },
  { cardText: cardC, messages: ['你好', '请说。', '我是学生，和室友相处不好。', '再见'] },
];
const clients = ['你好\n我最近总是失眠，和家人吵架。\n我今年25岁。', '你好\n我是公司职员，工作压力很大。\n总是加班到很晚。', '你好\n我是学生，和室友相处不好。'];

// Scripted vectors, in the order the texts are first met: card 1, client 1, card 2, client 2, card 4, client 4.
const vectors = [
  [1, 2, 0.5, -1],
  [0.75, 2, 1, -0.5],
  [-1, 0.25, 3, 2],
  [-0.5, 0, 2.5, 2],
  [2, -1, 0.5, 1.5],
  [1.5, -1.25, 0, 1],
];
const answer = (list: (number[] | string)[]) => ({
  fault: 'status' as const,
  status: 200,
  body: { object: 'list', model: 'bge-m3', data: list.map((embedding, index) => ({ object: 'embedding', index, embedding })), usage: { prompt_tokens: 10, total_tokens: 10 } },
});
const base64 = (...x: number[]) => Buffer.from(Float32Array.from(x).buffer).toString('base64');

let server: LlmServer;
let ctx: AppContext | undefined;
beforeAll(async () => {
  server = await startLlmServer({ models: ['bge-m3', 'test-embed'] });
});
afterAll(() => server.close());
afterEach(() => {
  ctx?.close();
  ctx = undefined;
  server.reset();
});

const endpoint = (): LlmEndpoint => ({
  openai: createLlmClient({ baseUrl: server.url, timeoutMs: 10_000 }, 'k'),
  params: { baseUrl: server.url, model: 'test-model', temperature: null, topP: null, maxTokens: null, priceInputPerM: 1, priceOutputPerM: null },
});
const embedCalls = () => server.requests.filter((r) => r.path === '/v1/embeddings');
const cacheRows = (c: AppContext) => (c.db.prepare('SELECT count(*) AS n FROM embedding_cache').get() as { n: number }).n;

async function dataset() {
  ctx = createAppContext({ dbPath: tempDbPath() });
  const { runId, sessionIds } = await seedRun(ctx, 'zh', plan);
  return { c: ctx, data: loadDataset(ctx.db, { runIds: [runId] }), ids: sessionIds };
}
const options = (extra: Partial<SemanticOptions> = {}): SemanticOptions => ({ seed: 7, endpoint: endpoint(), policies: { timeoutMs: 10_000 }, ...extra });

describe('semantic consistency (Eq. 2)', () => {
  it('scores each client against its own and a deranged card, as numpy does, and sends each text once', async () => {
    const { c, data, ids } = await dataset();
    server.enqueue({ endpoint: 'embeddings', ...answer(vectors) });
    const seen: SemanticProgress[] = [];
    const r = await semanticEvaluation(c.db, data, options({ onProgress: (p) => seen.push(p) }));
    const [call] = embedCalls();
    expect(embedCalls()).toHaveLength(1);
    expect(call!.body).toMatchObject({ model: 'bge-m3', input: [cardA, clients[0], cardB, clients[1], cardC, clients[2]], encoding_format: 'base64' });
    expect(r).toMatchObject({ n: 3, seed: 7, model: 'bge-m3', endpoint: server.url, dims: 4, texts: 6, cached: 0, embedded: 6, requests: 1, maxChars: 8000 });
    expect(r.truncated).toEqual({ texts: 0, sessionIds: [] });
    expect(r.excluded).toEqual([{ sessionId: ids[2], externalId: null, reason: 'no card' }]);
    expect(r.note).toBe(`1 session has no card: id ${ids[2]}`);
    expect(r.cost).toBeCloseTo(10 / 1e6, 15); // 10 prompt tokens at 1 per million
    expect(r.sessions.map((s) => s.sessionId)).toEqual([ids[0], ids[1], ids[3]]);
    const mapping = [0.9539955591519913, 0.9875414397573882, 0.9570879353629509];
    r.sessions.forEach((s, i) => close(s.mapping, mapping[i]!, 1e-7)); // float32 inputs, exactly representable
    const forward = r.sessions[0]!.randomCardOf === ids[1];
    const random = forward ? [0.19356431634967938, 0.3662335103823572, -0.36467384467084146] : [-0.11359236684941297, -0.1543033499620919, 0.022792115291927588];
    expect(r.sessions.map((s) => s.randomCardOf)).toEqual(forward ? [ids[1], ids[3], ids[0]] : [ids[3], ids[0], ids[1]]);
    r.sessions.forEach((s, i) => close(s.random, random[i]!, 1e-7));
    close(r.mapping.mean, 0.9662083114241101, 1e-7);
    close(r.mapping.sd!, 0.018539618955647666, 1e-6);
    // scipy ttest_ind(mapping, random) and (…, equal_var=False)
    close(r.student.t, forward ? 4.080942440152766 : 19.18848810474779, 1e-6);
    close(r.student.p, forward ? 0.015086753929293395 : 4.346757828546294e-5, 1e-5);
    close(r.welch.df, forward ? 2.0094204129593436 : 2.159549165163696, 1e-6);
    close(r.welch.p, forward ? 0.05469156083234498 : 0.001879904578216523, 1e-5);
    expect(seen.at(0)).toEqual({ texts: 6, done: 0, cached: 0, requests: 0 });
    expect(seen.at(-1)).toEqual({ texts: 6, done: 6, cached: 0, requests: 1 });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r); // plain data, storable as it is
  });

  it('a second run makes no call: every vector comes from the database', async () => {
    const { c, data } = await dataset();
    server.enqueue({ endpoint: 'embeddings', ...answer(vectors) });
    const first = await semanticEvaluation(c.db, data, options());
    expect(cacheRows(c)).toBe(6);
    const again = await semanticEvaluation(c.db, data, options({ endpoint: { ...endpoint(), params: { ...endpoint().params, baseUrl: `${server.url}/` } } }));
    expect(embedCalls()).toHaveLength(1);
    expect(again).toMatchObject({ cached: 6, embedded: 0, requests: 0, promptTokens: 0, cost: 0 });
    expect(again.sessions).toEqual(first.sessions);
    expect(again.student).toEqual(first.student);
    // Another model is another cache: all six texts again, from the server's own vectors.
    const other = await semanticEvaluation(c.db, data, options({ model: 'test-embed', batchSize: 4 }));
    expect(embedCalls()).toHaveLength(3);
    expect(other).toMatchObject({ cached: 0, embedded: 6, requests: 2, dims: 64 });
    // The server's vectors are its own n-gram hashes (test/llm-server/embed.ts), rounded to float32 on the way.
    const own = (t: string) => Float32Array.from(embedText(t, 64));
    close(other.sessions[0]!.mapping, cosine(own(cardA), own(clients[0]!)), 1e-12);
    expect(cacheRows(c)).toBe(12);
  });

  it('runs under the retry policy and the rate limiter, and cuts over-long texts, counting them', async () => {
    const { c, data, ids } = await dataset();
    server.enqueue({ endpoint: 'embeddings', fault: 'rate_limit', retryAfter: 0.05 });
    // The limiter's clock is virtual: it records the waits the limit imposes instead of waiting them.
    let t = 0;
    const waits: number[] = [];
    const limiter = new RateLimiter({ rpm: 6 }, { now: () => t, sleep: async (ms) => void (waits.push(ms), (t += ms)) });
    const retry = { maxRetries: 2, baseMs: 10, maxMs: 50 };
    const r = await semanticEvaluation(c.db, data, options({ model: 'test-embed', maxChars: 12, batchSize: 3, policies: { timeoutMs: 10_000, retry, limiter } }));
    expect(r).toMatchObject({ retries: 1, requests: 2, maxChars: 12 });
    expect(embedCalls()).toHaveLength(3);
    // Six requests a minute: one at once, the next ones 10 s apart (the 429's 50 ms hold is inside that).
    expect(waits.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(19_900);
    // Cards are 24+ characters, clients 18+: every text cut to its first 12 characters.
    const sent = embedCalls().slice(1).flatMap((call) => (call.body as { input: string[] }).input);
    expect(sent).toEqual([cardA, clients[0], cardB, clients[1], cardC, clients[2]].map((x) => [...x!].slice(0, 12).join('')));
    expect(r.truncated).toEqual({ texts: 6, sessionIds: [ids[0], ids[1], ids[3]] });
  });
});

describe('an embeddings endpoint answering badly', () => {
  const rows: { name: string; batches: (number[] | string)[][]; batchSize?: number; error: RegExp; stored: number }[] = [
    {
      name: 'vectors of different lengths',
      batches: [[...vectors.slice(0, 3), [-0.5, 0, 2.5], ...vectors.slice(4)]],
      error: /The embedding of session \d+'s client utterances \(request 1 of 1 to http:\/\/127\.0\.0\.1:\d+\/v1 \(model bge-m3\)\) has 3 numbers where the others have 4; nothing from this request was stored\./,
      stored: 0,
    },
    {
      name: 'NaN (base64: JSON cannot carry it)',
      batches: [[base64(1, 2, 0.5, -1), base64(0.75, Number.NaN, 1, -0.5), ...vectors.slice(2)]],
      error: /The embedding of session \d+'s client utterances \(request 1 of 1 .*\) holds NaN at position 1;/,
      stored: 0,
    },
    {
      name: 'Infinity in the second request: the first request stays cached',
      batches: [vectors.slice(0, 2), [vectors[2]!, base64(Number.POSITIVE_INFINITY, 0, 0, 0)]],
      batchSize: 2,
      error: /The embedding of session \d+'s client utterances \(request 2 of 3 .*\) holds Infinity at position 0; nothing from this request was stored/,
      stored: 2,
    },
    {
      name: 'a zero vector',
      batches: [[[0, 0, 0, 0], ...vectors.slice(1)]],
      error: /The embedding of session \d+'s card \(request 1 of 1 .*\) is all zeros/,
      stored: 0,
    },
  ];
  for (const row of rows) {
    it(row.name, async () => {
      const { c, data } = await dataset();
      for (const batch of row.batches) server.enqueue({ endpoint: 'embeddings', ...answer(batch) });
      await expect(semanticEvaluation(c.db, data, options(row.batchSize ? { batchSize: row.batchSize } : {}))).rejects.toThrow(row.error);
      expect(cacheRows(c)).toBe(row.stored);
    });
  }

  it('a request that fails for good names the texts and the request', async () => {
    const { c, data } = await dataset();
    server.enqueue({ endpoint: 'embeddings', fault: 'unauthorized' });
    await expect(semanticEvaluation(c.db, data, options())).rejects.toThrow(/^Embedding session \d+'s card and 5 more texts failed \(request 1 of 1 to .* \(model bge-m3\)\): /);
    expect(cacheRows(c)).toBe(0);
  });

  it('a dataset with fewer than two carded sessions is refused before any call', async () => {
    ctx = createAppContext({ dbPath: tempDbPath() });
    const { runId } = await seedRun(ctx, 'zh', [plan[0]!, plan[2]!]);
    await expect(semanticEvaluation(ctx.db, loadDataset(ctx.db, { runIds: [runId] }), options())).rejects.toThrow(
      /Only one session of run 1 can be scored \(1 without a card\): the random group needs at least two sessions with cards\./,
    );
    expect(embedCalls()).toHaveLength(0);
  });
});

describe('the summary is the t-test module on the scores', () => {
  it('(sanity of the shared group code, not a second reference)', async () => {
    const { c, data } = await dataset();
    server.enqueue({ endpoint: 'embeddings', ...answer(vectors) });
    const r = await semanticEvaluation(c.db, data, options());
    expect({ student: r.student, welch: r.welch }).toEqual(tTests(r.sessions.map((s) => s.mapping), r.sessions.map((s) => s.random)));
  });
});
