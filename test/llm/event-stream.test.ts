import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallFailed } from '../../src-main/llm/attempts';
import { chat } from '../../src-main/llm/chat';
import { EventReader } from '../../src-main/llm/event-stream';
import type { LlmEndpoint } from '../../src-main/llm/params';
import { startLlmServer } from '../llm-server/server';
import type { LlmServer, Step } from '../llm-server/types';
import { deadPort } from '../support/ports';
import { endpointOn, rejectionOf, requestsTo } from './support';

// Streamed chat completions go over node:http (llm/event-stream.ts), whole answers through
// the openai SDK: the same failure must come out either way, and the events must be read
// as the SDK reads them.

const KEY = 'sk-test-streaming';
let server: LlmServer;
beforeAll(async () => {
  server = await startLlmServer({ apiKey: KEY });
});
afterAll(() => server.close());

const user = [{ role: 'user' as const, content: '你好' }];
const on = (baseUrl: string, apiKey = KEY, model = 'test-model'): LlmEndpoint => ({
  openai: new OpenAI({ baseURL: baseUrl, apiKey, maxRetries: 0, logLevel: 'off' }),
  params: { baseUrl, model, temperature: null, topP: null, maxTokens: null, priceInputPerM: null, priceOutputPerM: null },
});

async function failureOf(endpoint: LlmEndpoint, stream: boolean, step?: Step, timeoutMs = 5000) {
  if (step) server.enqueue(step);
  const error = await rejectionOf(chat(endpoint, user, { timeoutMs, stream }));
  expect(error).toBeInstanceOf(CallFailed);
  return (error as CallFailed).failure;
}

describe('a streamed call fails exactly as a whole one', () => {
  const same: [string, () => Promise<LlmEndpoint> | LlmEndpoint, Step?][] = [
    ['a 429 with Retry-After', () => on(server.url), { fault: 'rate_limit', retryAfter: 3 }],
    ['a 500', () => on(server.url), { fault: 'server_error' }],
    ['a 503', () => on(server.url), { fault: 'server_error', status: 503 }],
    ['a proxy page instead of JSON (502)', () => on(server.url), { fault: 'status', status: 502, body: '<html>Bad Gateway</html>' }],
    ['a refused request (400)', () => on(server.url), { fault: 'status', status: 400, body: { error: { message: 'max_tokens is too large', type: 'invalid_request_error', code: null } } }],
    ['a wrong key (401)', () => on(server.url, 'sk-wrong')],
    ['an unknown model (404)', () => on(server.url, KEY, 'gpt-99')],
    ['a base URL without /v1 (404)', () => on(server.url.replace(/\/v1$/, ''))],
    ['a dead port', async () => on(`http://127.0.0.1:${await deadPort()}/v1`)],
    ['an unknown host', () => on('http://no-such-host.invalid/v1')],
    ['a port HTTP clients refuse', () => on('http://127.0.0.1:9/v1')],
  ];
  it.each(same)('%s', async (_label, endpoint, step) => {
    const target = await endpoint();
    const whole = await failureOf(target, false, step);
    const streamed = await failureOf(target, true, step);
    expect(streamed).toEqual(whole);
  });

  it('a hung request: a timeout either way', async () => {
    const whole = await failureOf(on(server.url), false, { fault: 'hang' }, 300);
    const streamed = await failureOf(on(server.url), true, { fault: 'hang' }, 300);
    expect(streamed).toEqual(whole);
    expect(streamed).toMatchObject({ kind: 'timeout', retryable: true });
  });

  // The transports word these differently (their own error codes and parser messages); the
  // kind, and whether a retry may help, are the same.
  const alike: [string, Step][] = [
    ['a dropped connection', { fault: 'drop' }],
    ['an answer that is not JSON', { fault: 'malformed' }],
    ['an answer cut mid-way', { fault: 'cut_stream', afterChunks: 2, content: '这是一段会被切断的很长的回答内容，还有更多的内容在后面。' }],
  ];
  it.each(alike)('%s: the same kind either way', async (_label, step) => {
    const whole = await failureOf(on(server.url), false, step);
    const streamed = await failureOf(on(server.url), true, step);
    expect({ kind: streamed.kind, retryable: streamed.retryable }).toEqual({ kind: whole.kind, retryable: whole.retryable });
  });

  it('an error sent as an event, as the SDK reads it', async () => {
    server.enqueue({ fault: 'status', status: 200, body: 'data: {"error":{"message":"The engine is overloaded"}}\n\n' });
    expect(await failureOf(on(server.url), true)).toMatchObject({ kind: 'bad_response', retryable: true, message: expect.stringContaining('The engine is overloaded') });
  });
});

describe('the streamed request', () => {
  it('carries the key and the JSON body the SDK would send, on kept-alive connections', async () => {
    const before = server.requests.length;
    for (let i = 0; i < 3; i++) {
      const answer = await chat(on(server.url), user, { timeoutMs: 5000, stream: true });
      expect(answer.text).toBe('reply to: 你好');
    }
    const sent = server.requests.slice(before);
    expect(sent.map((r) => r.headers.authorization)).toEqual([`Bearer ${KEY}`, `Bearer ${KEY}`, `Bearer ${KEY}`]);
    expect(sent[0]!.headers['content-type']).toBe('application/json');
    expect(sent[0]!.body).toEqual({ model: 'test-model', messages: user, stream: true, stream_options: { include_usage: true } });
  });

  it('reads a long answer whose characters are split across network reads', async () => {
    const s = await startLlmServer({ streamChunkDelayMs: 1 });
    try {
      const reply = '我最近总是睡不好，😔晚上躺在床上脑子里全是白天的事情。'.repeat(20);
      s.enqueue(reply);
      let streamed = '';
      const answer = await chat(endpointOn(s), user, { timeoutMs: 10_000, stream: true, onDelta: (t) => (streamed += t) });
      expect(answer.text).toBe(reply);
      expect(streamed).toBe(reply);
      expect(requestsTo(s, 'chat/completions')).toHaveLength(1);
    } finally {
      await s.close();
    }
  });
});

describe('server-sent events, as the SDK decodes them', () => {
  const read = (pieces: string[]) => {
    const data: string[] = [];
    const reader = new EventReader((d) => {
      data.push(d);
      return !d.startsWith('[DONE]');
    });
    for (const piece of pieces) if (!reader.read(piece)) break;
    reader.end();
    return data;
  };

  it('ends events at a blank line, whatever the line ends, even split across reads', () => {
    expect(read(['data: 1\n\ndata: 2\r\n\r\nda', 'ta: 3\r', '\n\r\ndata: 4\r\rdata: 5\n\n'])).toEqual(['1', '2', '3', '4', '5']);
  });

  it('joins the data lines of one event, skips comments and other fields, and events without data', () => {
    expect(read([': keep-alive\n\nevent: ping\n\nid: 7\ndata: a\ndata:b\n\ndata\n\n'])).toEqual(['a\nb', '']);
  });

  it('stops at [DONE], and keeps an event the response ends without a blank line', () => {
    expect(read(['data: 1\n\ndata: [DONE]\n\ndata: 2\n\n'])).toEqual(['1', '[DONE]']);
    expect(read(['data: 1\n\ndata: 2'])).toEqual(['1', '2']);
  });
});
