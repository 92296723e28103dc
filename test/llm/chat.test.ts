import { afterEach, describe, expect, it } from 'vitest';
import { CallAborted, CallFailed } from '../../src-main/llm/attempts';
import { chat } from '../../src-main/llm/chat';
import type { LlmFailure } from '../../src-main/llm/failure';
import { startLlmServer } from '../llm-server/server';
import type { LlmServer, LlmServerOptions } from '../llm-server/types';
import { endpointOn, rejectionOf, requestsTo } from './support';

// llm/chat.ts, the one chat call, through the real openai client against the LLM test
// server: parameters, streaming, usage and cost, the timeout over the whole answer, abort,
// and failures classified.

let server: LlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
async function serve(options: LlmServerOptions = {}): Promise<LlmServer> {
  server = await startLlmServer(options);
  return server;
}

const user = (content: string) => [{ role: 'user' as const, content }];
const longReply = '我最近总是睡不好，晚上躺在床上脑子里全是白天的事情，越想越清醒，第二天上班也没有精神。'.repeat(3);

describe('chat', () => {
  it("sends the endpoint's parameters with the caller's overrides, and reads a whole answer", async () => {
    const s = await serve();
    s.enqueue({ content: '你好，我在听。', usage: { prompt_tokens: 1000, completion_tokens: 500 } });
    const endpoint = endpointOn(s, { temperature: 0.7, topP: 0.9, maxTokens: 300, priceInputPerM: 2, priceOutputPerM: 8 });
    const answer = await chat(endpoint, user('你好'), { timeoutMs: 5000, overrides: { topP: null, maxTokens: 50, responseFormat: 'json_object' } });
    expect(answer).toMatchObject({
      text: '你好，我在听。',
      finishReason: 'stop',
      model: 'test-model',
      usage: { promptTokens: 1000, completionTokens: 500, cachedTokens: 0 },
      retries: 0,
    });
    expect(answer.cost).toBeCloseTo((1000 * 2 + 500 * 8) / 1e6, 12);
    expect(answer.latencyMs).toBeGreaterThan(0);
    const [request, ...more] = requestsTo(s, 'chat/completions');
    expect(more).toEqual([]);
    expect(request!.body).toEqual({
      model: 'test-model',
      messages: user('你好'),
      temperature: 0.7,
      max_tokens: 50,
      response_format: { type: 'json_object' },
      stream: false,
    });
  });

  it('streams: every piece goes to onDelta as it arrives, and usage comes from the final chunk', async () => {
    const s = await serve({ streamChunkDelayMs: 2 });
    s.enqueue({ content: longReply, finishReason: 'length', usage: { prompt_tokens: 321, completion_tokens: 123, cached_tokens: 64 } });
    const pieces: string[] = [];
    const answer = await chat(endpointOn(s, { priceInputPerM: 1, priceOutputPerM: 1 }), user('说说'), {
      timeoutMs: 5000,
      stream: true,
      onDelta: (text) => pieces.push(text),
    });
    expect(answer).toMatchObject({ text: longReply, finishReason: 'length', usage: { promptTokens: 321, completionTokens: 123, cachedTokens: 64 } });
    expect(answer.cost).toBeCloseTo((321 + 123) / 1e6, 12);
    expect(pieces.length).toBeGreaterThan(10);
    expect(pieces.join('')).toBe(longReply);
    expect(requestsTo(s, 'chat/completions')[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('times out an answer that streams but does not finish in time: the timeout covers the whole answer', async () => {
    // Headers and the first chunks come at once; the whole answer would take ~3 s. The timeout
    // leaves the first chunks time to arrive even on a loaded machine.
    const s = await serve({ streamChunkDelayMs: 40 });
    s.respond(() => longReply);
    let streamed = '';
    let restarts = 0;
    const started = performance.now();
    const error = await rejectionOf(
      chat(endpointOn(s), user('说说'), { timeoutMs: 1200, stream: true, onDelta: (t) => (streamed += t), onRestart: () => restarts++ }),
    );
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(CallFailed);
    expect((error as CallFailed).failure).toMatchObject({ kind: 'timeout', retryable: true, message: expect.stringMatching(/No complete answer from 127\.0\.0\.1:\d+ within 1\.2 s/) });
    expect(streamed.length).toBeGreaterThan(0);
    expect(streamed.length).toBeLessThan(longReply.length);
    expect(restarts).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(1195);
    expect(elapsed).toBeLessThan(2900);
  });

  for (const [label, abort] of [
    ['with a reason', (c: AbortController) => c.abort(new Error('person pressed stop'))],
    // The SDK ends its stream quietly on a plain AbortError: that must not pass for an answer.
    ['without a reason', (c: AbortController) => c.abort()],
  ] as const) {
    it(`abandons a streaming answer aborted mid-way (${label}), without retrying`, async () => {
      const s = await serve({ streamChunkDelayMs: 20 });
      s.respond(() => longReply);
      const controller = new AbortController();
      let streamed = '';
      const failures: LlmFailure[] = [];
      const error = await rejectionOf(
        chat(endpointOn(s), user('说说'), {
          timeoutMs: 5000,
          stream: true,
          signal: controller.signal,
          retry: { maxRetries: 3, baseMs: 1, maxMs: 1 },
          onFailure: (f) => failures.push(f),
          onDelta: (t) => {
            streamed += t;
            if (streamed.length >= 5 && !controller.signal.aborted) abort(controller);
          },
        }),
      );
      expect(error).toBeInstanceOf(CallAborted);
      expect(streamed.length).toBeLessThan(longReply.length);
      expect(failures).toEqual([]);
      expect(requestsTo(s, 'chat/completions')).toHaveLength(1);
    });
  }

  it('sends nothing when aborted before it starts', async () => {
    const s = await serve();
    const controller = new AbortController();
    controller.abort();
    expect(await rejectionOf(chat(endpointOn(s), user('你好'), { timeoutMs: 5000, signal: controller.signal }))).toBeInstanceOf(CallAborted);
    expect(requestsTo(s, 'chat/completions')).toHaveLength(0);
  });

  const malformed: [string, boolean, object][] = [
    ['a stream that ends without any choice', true, { fault: 'status', status: 200, body: 'data: [DONE]\n\n' }],
    ['an answer without message content', false, { fault: 'status', status: 200, body: { id: 'x', object: 'chat.completion', model: 'test-model', choices: [] } }],
    ['a stream with a line that is not JSON', true, { fault: 'malformed' }],
    ['an answer that is not JSON', false, { fault: 'malformed' }],
  ];
  it.each(malformed)('classifies %s as a bad response, which may pass on a retry', async (_label, stream, step) => {
    const s = await serve();
    s.enqueue(step as never);
    const error = await rejectionOf(chat(endpointOn(s), user('你好'), { timeoutMs: 5000, stream }));
    expect((error as CallFailed).failure).toMatchObject({ kind: 'bad_response', retryable: true, message: expect.stringContaining('not an OpenAI-compatible response') });
  });

  it('classifies a stream cut mid-way as a network failure, and tells the caller to drop what streamed', async () => {
    const s = await serve();
    s.enqueue({ fault: 'cut_stream', afterChunks: 4, content: longReply });
    let restarts = 0;
    let streamed = '';
    const error = await rejectionOf(chat(endpointOn(s), user('你好'), { timeoutMs: 5000, stream: true, onDelta: (t) => (streamed += t), onRestart: () => restarts++ }));
    expect((error as CallFailed).failure).toMatchObject({ kind: 'network', message: expect.stringContaining('broke off mid-answer') });
    expect(streamed.length).toBeGreaterThan(0);
    expect(restarts).toBe(1);
  });
});
