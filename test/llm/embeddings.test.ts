import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallFailed } from '../../src-main/llm/attempts';
import { embed } from '../../src-main/llm/embeddings';
import { embedText } from '../llm-server/embed';
import { startLlmServer } from '../llm-server/server';
import { countTokens } from '../llm-server/tokens';
import type { LlmServer } from '../llm-server/types';
import { endpointOn, rejectionOf, requestsTo } from './support';

// llm/embeddings.ts against the LLM test server: batches, float and base64 decoded to the
// exact float32 values the server computed, the texts' order, failures classified and
// retried like a chat call.

let server: LlmServer;
beforeEach(async () => {
  server = await startLlmServer();
});
afterEach(async () => {
  await server.close();
});

const texts = [
  '我最近总是失眠，躺在床上脑子停不下来。',
  'I keep arguing with my mother about small things.',
  '工作压力很大，老板总是当众批评我。',
  '和男朋友分手以后，我什么都不想做。',
  'My exams are next week and I cannot focus.',
  '孩子不愿意上学，我不知道该怎么办。',
  '我总觉得别人在背后议论我。',
  '',
  '😔 心情低落 already two weeks',
  '家里人都不理解我为什么想辞职。',
];
/** What the server computed, as float32: the values both encodings must give back exactly. */
const expected = (text: string, dim = 64) => Float32Array.from(embedText(text, dim));
const model = { model: 'test-embed' };

describe('embeddings', () => {
  for (const encoding of ['base64', 'float'] as const) {
    it(`reads ${encoding} vectors exactly, in the texts' order, in batches`, async () => {
      const result = await embed(endpointOn(server, { priceInputPerM: 0.5 }), texts, { ...model, encoding, batchSize: 4, timeoutMs: 5000 });
      expect(result.vectors).toHaveLength(texts.length);
      result.vectors.forEach((v, i) => {
        expect(v).toBeInstanceOf(Float32Array);
        expect(v).toEqual(expected(texts[i]!));
      });
      const requests = requestsTo(server, 'embeddings');
      expect(requests.map((r) => r.body.input)).toEqual([texts.slice(0, 4), texts.slice(4, 8), texts.slice(8)]);
      expect(requests.every((r) => r.body.encoding_format === encoding && r.body.model === 'test-embed')).toBe(true);
      const tokens = texts.reduce((n, t) => n + countTokens(t), 0);
      expect(result).toMatchObject({ requests: 3, retries: 0, promptTokens: tokens });
      expect(result.cost).toBeCloseTo((tokens * 0.5) / 1e6, 12);
    });
  }

  it('gives the same vectors either way, and shorter ones when asked', async () => {
    const endpoint = endpointOn(server, { model: 'test-embed' });
    const base64 = await embed(endpoint, texts, { timeoutMs: 5000, encoding: 'base64' });
    const float = await embed(endpoint, texts, { timeoutMs: 5000, encoding: 'float' });
    expect(float.vectors).toEqual(base64.vectors);
    const short = await embed(endpoint, texts.slice(0, 2), { timeoutMs: 5000, dimensions: 16 });
    expect(short.vectors.map((v) => v.length)).toEqual([16, 16]);
    expect(short.vectors[0]).toEqual(expected(texts[0]!, 16));
  });

  it('puts vectors back in the texts’ order when the server lists them out of order', async () => {
    const vector = (text: string) => Array.from(expected(text));
    server.enqueue({
      endpoint: 'embeddings',
      fault: 'status',
      status: 200,
      body: {
        object: 'list',
        model: 'test-embed',
        data: [
          { object: 'embedding', index: 2, embedding: vector('c') },
          { object: 'embedding', index: 0, embedding: vector('a') },
          { object: 'embedding', index: 1, embedding: vector('b') },
        ],
        usage: { prompt_tokens: 3, total_tokens: 3 },
      },
    });
    const result = await embed(endpointOn(server), ['a', 'b', 'c'], { ...model, encoding: 'float', timeoutMs: 5000 });
    expect(result.vectors).toEqual([expected('a'), expected('b'), expected('c')]);
  });

  it('sends nothing for no texts', async () => {
    expect(await embed(endpointOn(server), [], { ...model, timeoutMs: 5000 })).toMatchObject({ vectors: [], requests: 0 });
    expect(requestsTo(server, 'embeddings')).toHaveLength(0);
  });

  it('retries a batch under the policy, as a chat call would', async () => {
    server.enqueue({ endpoint: 'embeddings', fault: 'rate_limit', retryAfter: 0.05 }, { endpoint: 'embeddings', fault: 'malformed' });
    const result = await embed(endpointOn(server), texts, { ...model, batchSize: 5, timeoutMs: 5000, retry: { maxRetries: 2, baseMs: 1, maxMs: 10 } });
    expect(result).toMatchObject({ requests: 2, retries: 2 });
    result.vectors.forEach((v, i) => expect(v).toEqual(expected(texts[i]!)));
  });

  const failures: [string, object, string][] = [
    ['a 429', { fault: 'rate_limit', retryAfter: 2 }, 'rate_limited'],
    ['a 500', { fault: 'server_error' }, 'server_error'],
    ['an answer cut in half', { fault: 'cut_stream' }, 'network'],
    ['an answer that is not JSON', { fault: 'malformed' }, 'bad_response'],
    ['a dropped connection', { fault: 'drop' }, 'network'],
  ];
  it.each(failures)('classifies %s like a chat call', async (_label, step, kind) => {
    server.enqueue({ endpoint: 'embeddings', ...step } as never);
    const error = await rejectionOf(embed(endpointOn(server), texts, { ...model, timeoutMs: 5000 }));
    expect(error).toBeInstanceOf(CallFailed);
    expect((error as CallFailed).failure.kind).toBe(kind);
  });

  it('refuses an answer with fewer vectors than texts, or a vector that is not float32', async () => {
    const reply = (data: unknown[]) => ({ endpoint: 'embeddings', fault: 'status', status: 200, body: { object: 'list', model: 'test-embed', data } }) as never;
    server.enqueue(reply([{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }]));
    const short = await rejectionOf(embed(endpointOn(server), ['a', 'b'], { ...model, encoding: 'float', timeoutMs: 5000 }));
    expect((short as CallFailed).failure).toMatchObject({ kind: 'bad_response', message: expect.stringContaining('1 embeddings for 2 texts') });
    server.enqueue(reply([{ object: 'embedding', index: 0, embedding: Buffer.from([1, 2, 3]).toString('base64') }]));
    const odd = await rejectionOf(embed(endpointOn(server), ['a'], { ...model, timeoutMs: 5000 }));
    expect((odd as CallFailed).failure).toMatchObject({ kind: 'bad_response', message: expect.stringContaining('not float32 values') });
  });

  it('times out a batch that never comes back', async () => {
    server.enqueue({ endpoint: 'embeddings', fault: 'hang' });
    const error = await rejectionOf(embed(endpointOn(server), texts, { ...model, timeoutMs: 300 }));
    expect((error as CallFailed).failure).toMatchObject({ kind: 'timeout', message: expect.stringContaining('within 0.3 s') });
  });
});
