import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { CardChatReply, CardChatTokens, CardChatTranscript, CardRender } from '../../src-main/contract';
import { ChatTokenBatcher } from '../../src-main/card-assist/trial-chat';
import { AppEvents } from '../../src-main/app/events';
import { chatBodies, harness, makeCard, type Harness } from './support';

// cards:chat: the counselor talks to a card's simulated client through the real openai
// client and the LLM test server; tokens stream on cards:chatTokens in batches.

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function tokens(h: Harness): CardChatTokens[] {
  const seen: CardChatTokens[] = [];
  h.ctx.events.on('cards:chatTokens', (e) => seen.push(e));
  return seen;
}

async function until(check: () => boolean, ms = 5_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(5);
  }
}

const history = [
  { role: 'client', content: '你好' },
  { role: 'counselor', content: '你好，今天想聊些什么？' },
  { role: 'client', content: '我最近和妈妈吵架了。' },
];
const reply = '其实我也不知道该怎么开口，每次说话她都觉得我在顶嘴，我真的很累，也很想被理解，但好像怎么做都不对。';

describe('cards:chat', () => {
  it('sends the client agent exactly what the simulation would, and streams the reply in batches', async () => {
    h = await harness({ server: { streamChunkDelayMs: 4 }, endpoint: { temperature: 0.7 } });
    h.server.respond(() => reply);
    const seen = tokens(h);
    const result = await h.call<CardChatReply>('cards:chat', { chatId: 'chat-1', endpointId: h.endpointId, card: { id: h.cardId }, history, message: '吵架的时候发生了什么？' });
    expect(result).toMatchObject({ chatId: 'chat-1', content: reply });
    expect(result.cancelled).toBeUndefined();
    expect(result.usage).toEqual({ promptTokens: expect.any(Number), completionTokens: expect.any(Number) });

    const render = await h.call<CardRender>('cards:render', { id: h.cardId });
    const [body, ...more] = chatBodies(h.server);
    expect(more).toEqual([]);
    expect(body).toMatchObject({ model: 'test-model', stream: true, stream_options: { include_usage: true }, temperature: 0.7 });
    expect(body!.messages).toEqual([
      { role: 'system', content: render.systemPrompt },
      { role: 'assistant', content: '你好' },
      { role: 'user', content: '你好，今天想聊些什么？' },
      { role: 'assistant', content: '我最近和妈妈吵架了。' },
      { role: 'user', content: '吵架的时候发生了什么？' },
    ]);
    expect(render.systemPrompt).toContain('来访者的主诉问题：20岁女，总是渴望他人认可');

    // Batched: far fewer events than streamed chunks, in order, ending with one `done`.
    expect(seen.map((e) => e.delta).join('')).toBe(reply);
    expect(seen.every((e) => e.chatId === 'chat-1')).toBe(true);
    expect(seen.filter((e) => e.done)).toHaveLength(1);
    expect(seen.at(-1)!.done).toBe(true);
    const chunks = Math.ceil(Array.from(reply).length / 2.5);
    expect(seen.length).toBeLessThan(chunks / 2);
    expect(seen.length).toBeGreaterThan(1);
  });

  it('talks to an unsaved draft as rendered, with an overridden client template', async () => {
    h = await harness();
    await h.call('prompts:set', { kind: 'client', language: 'en', template: 'Play this client:\n{role_card}' });
    const draft = { language: 'en', gender: 'Male', age: '41', chiefComplaint: 'I lost my job.' };
    await h.call('cards:chat', { chatId: 'd', endpointId: h.endpointId, card: { draft }, history: [], message: 'Hello, what brings you here?' });
    const messages = chatBodies(h.server)[0]!.messages;
    expect(messages).toEqual([
      { role: 'system', content: 'Play this client:\nGender: Male\nAge: 41\nChief complaint: I lost my job.' },
      { role: 'user', content: 'Hello, what brings you here?' },
    ]);
  });

  it('stops a reply part-way on cards:chatCancel and keeps what had arrived', async () => {
    h = await harness({ server: { streamChunkDelayMs: 25 } });
    h.server.respond(() => reply.repeat(4));
    const seen = tokens(h);
    const pending = h.call<CardChatReply>('cards:chat', { chatId: 'slow', endpointId: h.endpointId, card: { id: h.cardId }, history: [], message: '你好' });
    await until(() => seen.length > 0);
    // The same chat cannot ask twice at once.
    expect(await h.fail('cards:chat', { chatId: 'slow', endpointId: h.endpointId, card: { id: h.cardId }, history: [], message: '你好' })).toMatchObject({
      code: 'conflict',
      issues: [{ path: 'chatId' }],
    });
    expect(await h.call('cards:chatCancel', { chatId: 'slow' })).toEqual({ cancelled: true });
    const result = await pending;
    expect(result.cancelled).toBe(true);
    expect(result.content.length).toBeGreaterThan(0);
    expect(reply.repeat(4).startsWith(result.content)).toBe(true);
    expect(result.content.length).toBeLessThan(reply.length * 4);
    expect(seen.filter((e) => e.done)).toHaveLength(1);
    expect(seen.map((e) => e.delta).join('')).toBe(result.content);
    // Nothing in flight any more: cancelling again does nothing, and the id is free again.
    expect(await h.call('cards:chatCancel', { chatId: 'slow' })).toEqual({ cancelled: false });
    expect(await h.call('cards:chatCancel', { chatId: 'never-started' })).toEqual({ cancelled: false });
  });

  it('reports a failed call with the classified message and still ends the token stream', async () => {
    h = await harness();
    const seen = tokens(h);
    h.server.enqueue({ fault: 'rate_limit', retryAfter: 3 });
    const error = await h.fail('cards:chat', { chatId: 'f', endpointId: h.endpointId, card: { id: h.cardId }, history: [], message: '你好' });
    expect(error).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/rate-limiting requests \(429\); it asks to wait 3 s/) });
    expect(seen).toEqual([{ chatId: 'f', delta: '', done: true }]);

    h.server.enqueue({ fault: 'cut_stream', afterChunks: 3, content: reply });
    const cut = await h.fail('cards:chat', { chatId: 'f', endpointId: h.endpointId, card: { id: h.cardId }, history: [], message: '你好' });
    expect(cut.message).toMatch(/broke off mid-answer|connection .* failed/);
    expect(seen.filter((e) => e.done)).toHaveLength(2);

    // A card that does not exist is refused before any request.
    const before = chatBodies(h.server).length;
    expect(await h.fail('cards:chat', { chatId: 'g', endpointId: h.endpointId, card: { id: 999 }, history: [], message: '你好' })).toMatchObject({ code: 'not_found' });
    expect(chatBodies(h.server)).toHaveLength(before);
  });

  it('times out a reply that never finishes, per the endpoint timeout', async () => {
    h = await harness({ server: { streamChunkDelayMs: 200 }, endpoint: { timeoutMs: 1000 } });
    h.server.respond(() => reply);
    const error = await h.fail('cards:chat', { chatId: 't', endpointId: h.endpointId, card: { id: h.cardId }, history: [], message: '你好' });
    expect(error).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/No complete answer .* within 1 s/) });
  });
});

describe('trial-chat transcripts', () => {
  const messages = [
    { role: 'client', content: '你好' },
    { role: 'counselor', content: '你好，想聊什么？' },
    { role: 'client', content: '我睡不着。' },
  ];

  it('saves transcripts with the card and lists them newest first', async () => {
    h = await harness();
    const first = await h.call<CardChatTranscript>('cards:chatSave', { cardId: h.cardId, endpointId: h.endpointId, messages });
    expect(first).toMatchObject({ cardId: h.cardId, endpointName: 'local', messages, note: null, createdAt: expect.any(String) });
    const second = await h.call<CardChatTranscript>('cards:chatSave', { cardId: h.cardId, endpointId: h.endpointId, messages: messages.slice(0, 1), note: ' 太配合了 ' });
    expect(second.note).toBe('太配合了');
    const other = h.ctx.cards.create(makeCard({ chiefComplaint: '另一张卡' })).id;
    await h.call('cards:chatSave', { cardId: other, endpointId: h.endpointId, messages });

    const list = await h.call<CardChatTranscript[]>('cards:chats', { id: h.cardId });
    expect(list.map((t) => t.id)).toEqual([second.id, first.id]);
    expect(list[1]).toEqual(first);
    const cardText = (h.ctx.db.prepare('SELECT card_text FROM card_chats WHERE id = ?').get(first.id) as { card_text: string }).card_text;
    expect(cardText).toBe((await h.call<CardRender>('cards:render', { id: h.cardId })).cardText);
  });

  it('keeps the endpoint name after the endpoint goes, and deletes transcripts with their card', async () => {
    h = await harness();
    const other = h.ctx.endpoints.create({ name: 'gpt-4-test', baseUrl: h.server.url, model: 'test-model' });
    await h.call('cards:chatSave', { cardId: h.cardId, endpointId: other.id, messages });
    h.ctx.endpoints.remove(other.id);
    expect((await h.call<CardChatTranscript[]>('cards:chats', { id: h.cardId }))[0]!.endpointName).toBe('gpt-4-test');

    h.ctx.cards.remove(h.cardId);
    expect(h.ctx.db.prepare('SELECT count(*) AS n FROM card_chats').get()).toEqual({ n: 0 });
    expect(await h.fail('cards:chats', { id: h.cardId })).toMatchObject({ code: 'not_found' });
    expect(await h.fail('cards:chatSave', { cardId: h.cardId, endpointId: h.endpointId, messages })).toMatchObject({ code: 'not_found' });
    expect(await h.fail('cards:chatSave', { cardId: h.ctx.cards.create(makeCard()).id, endpointId: 999, messages })).toMatchObject({ code: 'not_found' });
  });
});

describe('the token batcher', () => {
  it('sends nothing until ~50 ms have passed, then everything since in one event', async () => {
    const events = new AppEvents();
    const seen: CardChatTokens[] = [];
    events.on('cards:chatTokens', (e) => seen.push(e));
    const b = new ChatTokenBatcher(events, 'x', 40);
    b.push('你');
    b.push('好');
    expect(seen).toEqual([]);
    await sleep(70);
    expect(seen).toEqual([{ chatId: 'x', delta: '你好', done: false }]);
    b.push('吗');
    b.finish();
    expect(seen.at(-1)).toEqual({ chatId: 'x', delta: '吗', done: true });
    await sleep(70);
    expect(seen).toHaveLength(2);
  });
});
