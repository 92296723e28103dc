// The LLM test server, exercised through the real openai client over real HTTP,
// so these tests also pin down how the SDK reports each fault.

import OpenAI, { type APIError, type RateLimitError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { countTokens, startLlmServer, type LlmServer } from './llm-server/server';

let server: LlmServer;
let client: OpenAI;

function makeClient(baseURL: string, options: { apiKey?: string; timeout?: number } = {}): OpenAI {
  // logLevel off: the SDK logs parse failures to the console, which the malformed tests provoke on purpose.
  return new OpenAI({ baseURL, apiKey: options.apiKey ?? 'k', maxRetries: 0, timeout: options.timeout ?? 5_000, logLevel: 'off' });
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

const ask = (content: string, system = 'You are a client.') =>
  client.chat.completions.create({
    model: 'test-model',
    messages: [
      { role: 'system', content: system },
      { role: 'user', content },
    ],
  });

async function streamText(content: string, includeUsage = false) {
  const stream = await client.chat.completions.create({
    model: 'test-model',
    messages: [{ role: 'user', content }],
    stream: true,
    ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
  });
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  const pieces = chunks.map((c) => c.choices[0]?.delta.content ?? '').filter(Boolean);
  return { chunks, pieces, text: pieces.join('') };
}

const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);

beforeAll(async () => {
  server = await startLlmServer();
  client = makeClient(server.url);
});

afterAll(() => server.close());

beforeEach(() => server.reset());

describe('chat completions', () => {
  it('answers deterministically with usage', async () => {
    const completion = await ask('hello there', 'You are kind.');
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'reply to: hello there' });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    // 3 + 2 prompt words, 4 reply words.
    expect(completion.usage).toMatchObject({
      prompt_tokens: 5,
      completion_tokens: 4,
      total_tokens: 9,
      prompt_tokens_details: { cached_tokens: 0 },
    });
    const [logged] = server.requests;
    expect(logged).toMatchObject({ method: 'POST', path: '/v1/chat/completions', body: { model: 'test-model' } });
    expect(logged?.headers.authorization).toBe('Bearer k');
  });

  it('streams a reply in several chunks that reassemble, ending with a usage chunk', async () => {
    const { chunks, pieces, text } = await streamText('please stream this sentence', true);
    expect(text).toBe('reply to: please stream this sentence');
    expect(pieces.length).toBeGreaterThan(5);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 6, total_tokens: 10 });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('sends no usage chunk unless asked', async () => {
    const { chunks } = await streamText('hi');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.every((c) => !c.usage)).toBe(true);
  });

  it('streams Chinese (and emoji) intact', async () => {
    const reply = '我理解你的感受。😊 慢慢说，我一直在听。';
    server.enqueue(reply);
    const { pieces, text, chunks } = await streamText('我最近很焦虑，睡不着。', true);
    expect(text).toBe(reply);
    // No piece may hold half of a surrogate pair.
    expect(pieces.some((p) => /\p{Cs}/u.test(p))).toBe(false);
    // One token per Han character, plus one per run of other characters: 7 + 1 (。😊) + 3 + 1 + 5 + 1.
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(18);
  });

  it('rejects an unknown model with model_not_found', async () => {
    const err = await errorOf(client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }));
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as APIError).code).toBe('model_not_found');
    expect((err as APIError).message).toContain('The model `nope` does not exist');
  });

  it('rejects bodies without messages or that are not JSON', async () => {
    const post = (body: string) =>
      fetch(`${server.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const missing = await post(JSON.stringify({ model: 'test-model' }));
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { param: 'messages', type: 'invalid_request_error' } });
    expect((await post('{not json')).status).toBe(400);
  });
});

describe('embeddings', () => {
  it('returns deterministic unit vectors of the configured size', async () => {
    const texts = ['我最近工作压力很大，晚上总是睡不着', 'hello', ''];
    const first = await client.embeddings.create({ model: 'test-embed', input: texts });
    const again = await client.embeddings.create({ model: 'test-embed', input: texts, encoding_format: 'float' });
    expect(first.data.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(first.usage.prompt_tokens).toBe(countTokens(texts.join(' ')));
    for (const [i, item] of first.data.entries()) {
      expect(item.embedding).toHaveLength(64);
      expect(Math.hypot(...item.embedding)).toBeCloseTo(1, 5);
      // The SDK's default base64 path (float32) and explicit floats describe the same vector.
      again.data[i]?.embedding.forEach((x, j) => expect(item.embedding[j]).toBeCloseTo(x, 6));
    }
    const single = await client.embeddings.create({ model: 'test-embed', input: 'hello', dimensions: 16 });
    expect(single.data[0]?.embedding).toHaveLength(16);
  });

  it('scores paraphrases above unrelated texts, in Chinese', async () => {
    const { data } = await client.embeddings.create({
      model: 'test-embed',
      input: ['我最近工作压力很大，晚上总是睡不着', '最近工作压力太大了，我晚上睡不着觉', '今天天气晴朗，我们去公园散步吧'],
    });
    const [a, b, c] = data.map((d) => d.embedding) as [number[], number[], number[]];
    expect(cosine(a, b)).toBeGreaterThan(0.4);
    expect(cosine(a, b)).toBeGreaterThan(cosine(a, c) + 0.3);
    expect(cosine(a, b)).toBeGreaterThan(cosine(b, c) + 0.3);
  });

  it('takes only the steps queued for embeddings', async () => {
    server.enqueue({ fault: 'rate_limit', endpoint: 'embeddings' }, 'for chat');
    expect((await ask('x')).choices[0]?.message.content).toBe('for chat');
    const err = await errorOf(client.embeddings.create({ model: 'test-embed', input: 'x' }));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
  });
});

describe('models and paths', () => {
  it('lists and retrieves models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['test-model', 'test-embed']);
    expect((await client.models.retrieve('test-embed')).id).toBe('test-embed');
    expect(await errorOf(client.models.retrieve('gone'))).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('answers an unknown path (a base URL without /v1) with a 404 that is not about the model', async () => {
    const wrongBase = makeClient(server.url.replace(/\/v1$/, ''));
    const err = await errorOf(wrongBase.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: 'x' }] }));
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as APIError).code).toBeNull();
    expect((err as APIError).message).toContain('Unknown path /chat/completions');
  });
});

describe('faults', () => {
  it('rate_limit: RateLimitError with retry-after visible', async () => {
    server.enqueue({ fault: 'rate_limit', retryAfter: 2 });
    const err = await errorOf(ask('x'));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const { headers, code } = err as RateLimitError;
    expect(code).toBe('rate_limit_exceeded');
    expect(headers.get('retry-after')).toBe('2');
    expect(headers.get('retry-after-ms')).toBe('2000');
  });

  it('server_error: InternalServerError with the chosen status', async () => {
    server.enqueue({ fault: 'server_error' }, { fault: 'server_error', status: 503 });
    const first = await errorOf(ask('x'));
    expect(first).toBeInstanceOf(OpenAI.InternalServerError);
    expect((first as APIError).status).toBe(500);
    expect(await errorOf(ask('x'))).toMatchObject({ status: 503 });
  });

  it('hang: APIConnectionTimeoutError once the client gives up', async () => {
    server.enqueue({ fault: 'hang' });
    const impatient = makeClient(server.url, { timeout: 300 });
    const started = Date.now();
    const err = await errorOf(impatient.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: 'x' }] }));
    expect(err).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('drop: APIConnectionError (not a timeout)', async () => {
    server.enqueue({ fault: 'drop' });
    const err = await errorOf(ask('x'));
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(err).not.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  });

  it('malformed: the SDK throws a plain SyntaxError, not an OpenAI error', async () => {
    server.enqueue({ fault: 'malformed' }, { fault: 'malformed' });
    const err = await errorOf(ask('x'));
    expect(err).toBeInstanceOf(SyntaxError);
    expect(err).not.toBeInstanceOf(OpenAI.OpenAIError);
    // Streaming: a data line that is not JSON fails the same way during iteration.
    await expect(streamText('x')).rejects.toBeInstanceOf(SyntaxError);
  });

  it('cut_stream: iteration yields the first chunks, then throws a TypeError "terminated"', async () => {
    server.enqueue({ fault: 'cut_stream', afterChunks: 3 });
    const stream = await client.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: 'x' }], stream: true });
    const received: string[] = [];
    const err = await errorOf(
      (async () => {
        for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    );
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toBe('terminated');
    expect(received).toEqual(['', 'r', 'ep']);
    // Without streaming the body stops halfway, which surfaces the same way.
    server.enqueue({ fault: 'cut_stream' });
    expect(await errorOf(ask('x'))).toBeInstanceOf(TypeError);
  });

  it('unauthorized and arbitrary statuses', async () => {
    server.enqueue(
      { fault: 'unauthorized' },
      { fault: 'status', status: 418, body: { error: { message: 'teapot', type: 'x', code: 'teapot' } } },
      { fault: 'status', status: 502, body: '<html>Bad Gateway</html>' },
    );
    expect(await errorOf(ask('x'))).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(await errorOf(ask('x'))).toMatchObject({ status: 418, code: 'teapot', message: '418 teapot' });
    const html = await errorOf(ask('x'));
    expect(html).toBeInstanceOf(OpenAI.InternalServerError);
    expect((html as Error).message).toContain('Bad Gateway');
  });
});

describe('scripting', () => {
  it('consumes queued steps in order, then falls back to the responder', async () => {
    server.enqueue('first', { content: 'second', finishReason: 'length', usage: { completion_tokens: 99 } });
    const one = await ask('a');
    const two = await ask('b');
    const three = await ask('c');
    expect(one.choices[0]?.message.content).toBe('first');
    expect(two.choices[0]).toMatchObject({ message: { content: 'second' }, finish_reason: 'length' });
    expect(two.usage?.completion_tokens).toBe(99);
    expect(three.choices[0]?.message.content).toBe('reply to: c');
  });

  it('lets a responder play two agents told apart by their system prompts', async () => {
    const seen: { system?: string; roles: string[]; index: number }[] = [];
    server.respond((ctx) => {
      seen.push({ system: ctx.systemPrompt, roles: ctx.messages.map((m) => m.role), index: ctx.index });
      if (ctx.systemPrompt?.includes('counselor')) return `counselor heard: ${ctx.lastUserMessage}`;
      return { content: `client says ${ctx.index}` };
    });
    const clientTurn = await ask('start', 'You play a client.');
    const counselorTurn = await client.chat.completions.create({
      model: 'test-model',
      messages: [
        { role: 'system', content: 'You are a counselor.' },
        { role: 'assistant', content: 'How are you?' },
        { role: 'user', content: clientTurn.choices[0]?.message.content ?? '' },
      ],
    });
    expect(clientTurn.choices[0]?.message.content).toBe('client says 0');
    expect(counselorTurn.choices[0]?.message.content).toBe('counselor heard: client says 0');
    expect(seen).toEqual([
      { system: 'You play a client.', roles: ['system', 'user'], index: 0 },
      { system: 'You are a counselor.', roles: ['system', 'assistant', 'user'], index: 1 },
    ]);
  });

  it('turns a responder fault or exception into the matching HTTP error', async () => {
    server.respond((ctx) => {
      if (ctx.index === 0) return { fault: 'server_error', status: 502 };
      throw new Error('responder bug');
    });
    expect(await errorOf(ask('x'))).toMatchObject({ status: 502 });
    const err = await errorOf(ask('x'));
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as Error).message).toContain('responder bug');
  });
});

describe('timing and lifecycle', () => {
  it('delays responses by the latency, a step delay, and the chunk delay', async () => {
    const slow = await startLlmServer({ latencyMs: 150, streamChunkDelayMs: 20 });
    try {
      const slowClient = makeClient(slow.url);
      let started = Date.now();
      await slowClient.models.list();
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(140);
      expect(elapsed).toBeLessThan(2_000);

      slow.setLatency(0);
      slow.enqueue({ delayMs: 100 });
      started = Date.now();
      const delayed = await slowClient.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: 'x' }] });
      expect(delayed.choices[0]?.message.content).toBe('reply to: x');
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);

      // Role chunk + 4 content chunks ("reply to: x") + finish chunk, 20 ms apart.
      started = Date.now();
      const stream = await slowClient.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: 'x' }], stream: true });
      for await (const _ of stream);
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    } finally {
      await slow.close();
    }
  });

  it('serves concurrent calls in parallel', async () => {
    server.setLatency(50);
    const started = Date.now();
    const replies = await Promise.all(Array.from({ length: 32 }, (_, i) => ask(`turn ${i}`)));
    expect(replies.map((r) => r.choices[0]?.message.content)).toEqual(Array.from({ length: 32 }, (_, i) => `reply to: turn ${i}`));
    // Serially this would take 1.6 s.
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('requires the api key when one is configured', async () => {
    const guarded = await startLlmServer({ apiKey: 'secret' });
    try {
      const wrong = await errorOf(makeClient(guarded.url, { apiKey: 'wrong' }).models.list());
      expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((wrong as APIError).code).toBe('invalid_api_key');
      const right = await makeClient(guarded.url, { apiKey: 'secret' }).chat.completions.create({
        model: 'test-model',
        messages: [{ role: 'user', content: 'ok' }],
      });
      expect(right.choices[0]?.message.content).toBe('reply to: ok');
    } finally {
      await guarded.close();
    }
  });

  it('close() resolves promptly with a hung request open', async () => {
    const doomed = await startLlmServer();
    doomed.enqueue({ fault: 'hang' });
    const hung = makeClient(doomed.url, { timeout: 10_000 }).chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'x' }],
    });
    const hungError = errorOf(hung);
    while (!doomed.requests.some((r) => r.path === '/v1/chat/completions')) await new Promise((r) => setTimeout(r, 5));
    const started = Date.now();
    await doomed.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await hungError).toBeInstanceOf(OpenAI.APIConnectionError);
  });
});
