import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppContext } from '../../src-main/app/context';
import { dialogueListInput } from '../../src-main/contract/simulation';
import { buildDialogueQuery, matchingSessions } from '../../src-main/simulation/dialogues';
import { encodeGb18030 } from '../role-cards/support';
import { tempDir } from '../support/temp';
import { harness, paperFixtures, play, sessionsOf, simulate, type Harness } from './support';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const list = (h: Harness, input: object = {}) => h.ctx.simulation.dialogues.list(dialogueListInput.parse(input));

/** Three sessions with distinct words: 失眠 (2 chars), 焦虑症状 (4), and an English one. */
async function seeded(): Promise<{ h: Harness; runId: number; ids: number[] }> {
  const hh = await harness({ cards: 3 });
  const lines = ['我最近总是失眠，睡不着。', '我的焦虑症状越来越明显了。', 'I feel anxious every morning.'];
  let n = 0;
  hh.server.respond(play({ client: () => lines[n++ % 3]!, counselor: (_c, turn) => (turn === 2 ? '再见' : '嗯？') }));
  const { run } = await simulate(hh, { concurrency: 1 });
  return { h: hh, runId: run.id, ids: sessionsOf(hh, run.id).map((s) => s.id) };
}

describe('dialogue browser', () => {
  it('lists every session newest first, paged, with total and preview', async () => {
    const s = await seeded();
    h = s.h;
    const page = list(h, { limit: 2 });
    expect(page.total).toBe(3);
    expect(page.items.map((i) => i.id)).toEqual([s.ids[2], s.ids[1]]);
    expect(page.items[1]).toMatchObject({ runId: s.runId, endReason: 'phrase', endPhrase: '再见', turns: 2, messageCount: 4, preview: '我的焦虑症状越来越明显了。', starred: false, tags: [] });
    expect(list(h, { limit: 2, offset: 2 }).items.map((i) => i.id)).toEqual([s.ids[0]]);
    expect(list(h, { sort: 'oldest' }).items.map((i) => i.id)).toEqual(s.ids);
  });

  it('finds Chinese text of any length through the session index', async () => {
    const s = await seeded();
    h = s.h;
    h.ctx.simulation.dialogues.search.catchUpAll();
    expect(h.ctx.simulation.dialogues.search.pendingCount()).toBe(0);
    expect(list(h, { query: '焦虑症状' }).items.map((i) => i.id)).toEqual([s.ids[1]]);
    expect(list(h, { query: '焦虑症状' }).items[0]!.snippet).toBe('我的【焦虑症状】越来越明显了。');
    expect(list(h, { query: '失眠' }).items.map((i) => i.id)).toEqual([s.ids[0]]);
    expect(list(h, { query: '眠' }).items.map((i) => i.id)).toEqual([s.ids[0]]);
    expect(list(h, { query: 'anxious' }).items.map((i) => i.id)).toEqual([s.ids[2]]);
    expect(list(h, { query: 'ANXIOUS morning' }).items.map((i) => i.id)).toEqual([s.ids[2]]);
    expect(list(h, { query: '你好 再见' }).total).toBe(3);
    expect(list(h, { query: '不存在的词' }).total).toBe(0);
    expect(list(h, { query: '100%' }).total).toBe(0); // LIKE wildcards are literal
    // The newest page comes from the index in id order: no sort of every match.
    for (const filter of [{ query: '失眠' }, { query: '失眠', endReasons: ['phrase' as const] }]) {
      const q = matchingSessions(buildDialogueQuery(filter), true);
      const plan = (h.ctx.db.prepare(`EXPLAIN QUERY PLAN ${q.sql} ORDER BY id DESC LIMIT 50`).all(...q.params) as { detail: string }[]).map((p) => p.detail).join('\n');
      expect(plan).toMatch(/SCAN f VIRTUAL TABLE INDEX/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('filters by run, card, end reason, turns, tags and star; tags, stars and deletes', async () => {
    const s = await seeded();
    h = s.h;
    const other = await simulate(h, { maxTurns: 1, cards: { ids: [h.cardIds[0]!] } });
    const otherId = sessionsOf(h, other.run.id)[0]!.id;
    expect(list(h, { runIds: [other.run.id] }).items.map((i) => i.id)).toEqual([otherId]);
    expect(list(h, { cardIds: [h.cardIds[0]!], sort: 'oldest' }).items.map((i) => i.id)).toEqual([s.ids[0], otherId]);
    expect(list(h, { endReasons: ['turn_limit'] }).items.map((i) => i.id)).toEqual([otherId]);
    expect(list(h, { minTurns: 2 }).total).toBe(3);
    expect(list(h, { maxTurns: 1 }).total).toBe(1);

    const d = h.ctx.simulation.dialogues;
    expect(d.tag([s.ids[0]!, s.ids[1]!], ['好样本', 'review'])).toBe(2);
    expect(d.tag([s.ids[1]!], [], ['review'])).toBe(1);
    expect(list(h, { tags: ['好样本'] }).total).toBe(2);
    expect(list(h, { tags: ['好样本', 'review'] }).items.map((i) => i.id)).toEqual([s.ids[0]]);
    expect(d.tags()).toEqual([{ tag: 'review', count: 1 }, { tag: '好样本', count: 2 }]);
    expect(d.star([s.ids[2]!], true)).toBe(1);
    expect(list(h, { starred: true }).items.map((i) => i.id)).toEqual([s.ids[2]]);

    expect(d.remove([s.ids[0]!])).toBe(1);
    expect(list(h, { query: '失眠' }).total).toBe(0);
    expect(h.ctx.db.prepare('SELECT count(*) AS n FROM sim_messages WHERE session_id = ?').get(s.ids[0])).toEqual({ n: 0 });
    expect(h.ctx.simulation.summary(s.runId).sessions).toBe(2);
    expect(h.ctx.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(h.ctx.db.prepare(`INSERT INTO sim_session_search (sim_session_search) VALUES ('integrity-check')`).run().changes).toBeGreaterThanOrEqual(0);
    expect(h.ctx.db.prepare('SELECT count(*) AS n FROM sim_session_search_pending WHERE session_id = ?').get(s.ids[0])).toEqual({ n: 0 });
  });

  it('opens one dialogue with its card text and rejected attempts', async () => {
    const s = await seeded();
    h = s.h;
    const d = h.ctx.simulation.dialogues.get(s.ids[0]!);
    expect(d.cardText).toMatch(/^性别：女\n年龄：20岁/);
    expect(d.messages.map((m) => m.role)).toEqual(['client', 'counselor', 'client', 'counselor']);
    expect(d.messages[0]).toMatchObject({ attempt: null, promptTokens: null });
    expect(d.messages[1]).toMatchObject({ attempt: 1, rejected: [] });
    expect(d.messages[1]!.promptTokens).toBeGreaterThan(0);
    expect(() => h!.ctx.simulation.dialogues.get(99_999)).toThrow(/not found/);
  });
});

describe('exports', () => {
  it('write the paper format: one session a line, opener first, roles alternating', async () => {
    const s = await seeded();
    h = s.h;
    const path = join(tempDir(), 'out', 'dialogues.jsonl');
    const result = await h.ctx.simulation.exportDialogues({ path, format: 'paper' });
    expect(result).toMatchObject({ path, count: 3 });
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(Object.keys(lines[0])).toEqual(['id', 'runId', 'cardId', 'externalId', 'endReason', 'messages']);
    expect(lines[0]).toMatchObject({ id: s.ids[0], runId: s.runId, cardId: h.cardIds[0], externalId: null, endReason: 'phrase' });
    expect(lines[0].messages).toEqual([
      { role: 'client', content: '你好' },
      { role: 'counselor', content: '嗯？' },
      { role: 'client', content: '我最近总是失眠，睡不着。' },
      { role: 'counselor', content: '再见' },
    ]);
  });

  it('write ShareGPT as LLaMA-Factory expects (the shape of the released first_record.json)', async () => {
    const s = await seeded();
    h = s.h;
    const path = join(tempDir(), 'sharegpt.json');
    await h.ctx.simulation.exportDialogues({ path, format: 'sharegpt', ids: [s.ids[0]!] });
    const records = JSON.parse(readFileSync(path, 'utf8')) as { messages: { role: string; content: string }[] }[];
    const released = JSON.parse(readFileSync(join(paperFixtures, 'sharegpt/first_record.json'), 'utf8')) as typeof records;
    const shape = (r: (typeof records)[number]) => ({ keys: Object.keys(r), roles: [...new Set(r.messages.map((m) => m.role))], first: r.messages[0]!.role, second: r.messages[1]!.role, last: r.messages.at(-1)!.role });
    expect(shape(records[0]!)).toEqual(shape(released[0]!));
    expect(records[0]!.messages[0]!.content).toBe(h.ctx.simulation.detail(s.runId).config!.counselor.template);
    expect(records[0]!.messages.slice(1)).toEqual([
      { role: 'user', content: '你好' },
      { role: 'assistant', content: '嗯？' },
      { role: 'user', content: '我最近总是失眠，睡不着。' },
      { role: 'assistant', content: '再见' },
    ]);
  });

  it('write OpenAI messages, one session a line, dropping a trailing client turn', async () => {
    h = await harness();
    h.server.respond(play({ counselor: (_c, turn) => (turn === 2 ? '好'.repeat(300) : '嗯？') }));
    await simulate(h, { refinement: { maxAttempts: 1 } });
    const path = join(tempDir(), 'openai.jsonl');
    expect((await h.ctx.simulation.exportDialogues({ path, format: 'openai' })).count).toBe(1);
    const [line] = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { messages: { role: string }[] });
    expect(line!.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
  });

  it('write nothing when no session has a turn to train on, and say so', async () => {
    h = await harness();
    h.server.respond(play({ counselor: () => '好'.repeat(300) }));
    await simulate(h, { refinement: { maxAttempts: 1 } });
    const dir = tempDir();
    const path = join(dir, 'openai.jsonl');
    await expect(h.ctx.simulation.exportDialogues({ path, format: 'openai' })).rejects.toThrow(/^None of the \d+ matching dialogues has a counselor turn to train on: nothing was written\.$/);
    expect(readdirSync(dir)).toEqual([]);
    await expect(h.ctx.simulation.exportDialogues({ path, format: 'paper', filter: { query: '没有这句话' } })).rejects.toThrow('No dialogues match: nothing was written.');
  });

  it('export only a run, or what a filter selects', async () => {
    const s = await seeded();
    h = s.h;
    const other = await simulate(h, { maxTurns: 1, cards: { ids: [h.cardIds[0]!] } });
    const path = join(tempDir(), 'run.jsonl');
    expect((await h.ctx.simulation.exportDialogues({ path, format: 'paper', filter: { runIds: [other.run.id] } })).count).toBe(1);
    expect((await h.ctx.simulation.exportDialogues({ path, format: 'paper', filter: { query: '焦虑症状' }, overwrite: true })).count).toBe(1);
  });
});

describe('imports', () => {
  it('import the released dialogue/ folder as a dataset, browsable and exportable like a run', async () => {
    h = await harness();
    const result = await h.ctx.simulation.importDialogues({ path: join(paperFixtures, 'dialogue') });
    expect(result).toMatchObject({ sessions: 1, messages: 20, problems: [], merged: 0 });
    const summary = h.ctx.simulation.summary(result.runId);
    expect(summary).toMatchObject({ kind: 'import', status: 'done', sessions: 1, completed: 1, title: 'Imported: dialogue' });
    const [item] = list(h, { runIds: [result.runId] }).items;
    expect(item).toMatchObject({ runKind: 'import', externalId: '0', turns: 10, messageCount: 20, endReason: 'phrase', endPhrase: '加油' });
    expect(list(h, { query: '肺癌晚期' }).items.map((i) => i.id)).toEqual([item!.id]);
    // Round trip: exporting it in the paper format gives back the released file's messages.
    const path = join(tempDir(), 'back.jsonl');
    await h.ctx.simulation.exportDialogues({ path, format: 'paper', filter: { runIds: [result.runId] } });
    const released = JSON.parse(readFileSync(join(paperFixtures, 'dialogue/0.json'), 'utf8'));
    expect(JSON.parse(readFileSync(path, 'utf8')).messages).toEqual(released);
  });

  it('import in a worker thread through its own connection, never writing through the window\'s; in memory, here', async () => {
    h = await harness();
    // The window's store would hold this thread for the whole write (1-2 s at 10,000 sessions).
    const store = (h.ctx.simulation as unknown as { store: { createRun: () => never } }).store;
    store.createRun = () => {
      throw new Error('imported through the main connection');
    };
    const result = await h.ctx.simulation.importDialogues({ path: join(paperFixtures, 'dialogue') });
    expect(h.ctx.simulation.summary(result.runId)).toMatchObject({ kind: 'import', sessions: 1 });
    // A refusal crosses the thread as the same error, with its key for the window's words.
    await expect(h.ctx.simulation.importDialogues({ path: join(tempDir(), 'missing') })).rejects.toMatchObject({ code: 'not_found', said: { key: 'importNothingAt' } });

    const memory = createAppContext({ dbPath: ':memory:' });
    try {
      const here = await memory.simulation.importDialogues({ path: join(paperFixtures, 'dialogue') });
      expect(memory.simulation.summary(here.runId)).toMatchObject({ kind: 'import', sessions: 1 });
    } finally {
      memory.close();
    }
  });

  it('import one file, ShareGPT records and JSONL exports; join same-role runs; report what it cannot read', async () => {
    h = await harness();
    const one = await h.ctx.simulation.importDialogues({ path: join(paperFixtures, 'dialogue/0.json'), title: '真实对话' });
    expect(h.ctx.simulation.summary(one.runId)).toMatchObject({ title: '真实对话', sessions: 1 });
    const sharegpt = await h.ctx.simulation.importDialogues({ path: join(paperFixtures, 'sharegpt/first_record.json') });
    expect(sharegpt).toMatchObject({ sessions: 1, messages: 20 });

    const dir = tempDir();
    writeFileSync(
      join(dir, 'mixed.jsonl'),
      [
        JSON.stringify({ messages: [{ role: 'client', content: '你好' }, { role: 'client', content: '我想聊聊' }, { role: 'counselor', content: '好的' }] }),
        'not json',
        JSON.stringify({ messages: [{ role: 'counselor', content: '你好' }] }),
        JSON.stringify({ messages: [{ role: 'narrator', content: '…' }] }),
      ].join('\n'),
    );
    const mixed = await h.ctx.simulation.importDialogues({ path: join(dir, 'mixed.jsonl') });
    expect(mixed).toMatchObject({ sessions: 1, merged: 1 });
    expect(mixed.problems.map((p) => p.file)).toEqual(['mixed.jsonl:2', 'mixed.jsonl:4', 'mixed.jsonl:3']);
    const [item] = list(h, { runIds: [mixed.runId] }).items;
    expect(h.ctx.simulation.dialogues.messages(item!.id)).toEqual([
      { role: 'client', content: '你好\n我想聊聊' },
      { role: 'counselor', content: '好的' },
    ]);
    await expect(h.ctx.simulation.importDialogues({ path: join(dir, 'missing') })).rejects.toThrow(/Nothing at/);
    });

  it('refuse a file that is not UTF-8, naming the file, line and byte; nothing is written', async () => {
    h = await harness();
    const dir = join(tempDir(), 'dialogue');
    mkdirSync(dir);
    const good = JSON.stringify([{ role: 'client', content: '你好' }, { role: 'counselor', content: '你好，想聊些什么？' }], null, 2);
    writeFileSync(join(dir, '0.json'), good);
    // Line 3 holds a byte that starts a UTF-8 sequence but is not followed by one (0xE4 0x28).
    writeFileSync(join(dir, '1.json'), Buffer.concat([Buffer.from('[\n  {"role": "client",\n   "content": "'), Buffer.from([0xe4, 0x28]), Buffer.from('"}\n]')]));
    writeFileSync(join(dir, '2.json'), encodeGb18030(good));
    const attempt = h.ctx.simulation.importDialogues({ path: dir });
    await expect(attempt).rejects.toThrow(/Nothing was imported from .*dialogue: 1\.json: The file is not valid UTF-8 \(line 3, byte 39\).*; 2\.json: The file is not UTF-8; it looks like GB18030\/GBK \(.*line 4, byte \d+\)/);
    expect(h.ctx.simulation.runs()).toEqual([]);
    expect(h.ctx.db.prepare('SELECT count(*) AS n FROM sim_messages').get()).toEqual({ n: 0 });
  });

  it('refuse a control character in any text, naming the file, line or record, and field; nothing is written', async () => {
    h = await harness();
    const dir = tempDir();
    const msg = (role: string, content: string) => ({ role, content });
    const cases: [string, string, string, RegExp][] = [
      ['a NUL in a JSONL line', 'a.jsonl', [JSON.stringify({ messages: [msg('client', '你好'), msg('counselor', '好')] }), JSON.stringify({ messages: [msg('client', '你好'), msg('counselor', '嗯\u0000嗯')] })].join('\n'), /a\.jsonl line 2, field messages\[1\]\.content: holds the control character U\+0000 at character 2/],
      ['an escape sequence in a released dialogue file', '7.json', JSON.stringify([msg('client', '你好'), msg('counselor', '好'), msg('client', '\u001b[31m红色')]), /7\.json, field \[2\]\.content: holds the control character U\+001B at character 1/],
      ['a C1 character in a ShareGPT record', 'sharegpt.json', JSON.stringify([{ messages: [msg('user', '你好'), msg('assistant', '好')] }, { messages: [msg('system', '提示'), msg('user', '下一行\u0085')] }]), /sharegpt\.json record 2, field messages\[1\]\.content: holds the control character U\+0085 at character 4/],
      ['a lone surrogate', 'b.jsonl', JSON.stringify({ messages: [msg('client', 'ab\ud800')] }), /b\.jsonl line 1, field messages\[0\]\.content: holds the control character U\+D800 at character 3/],
      ['DEL in an id', 'c.jsonl', JSON.stringify({ id: 'x\u007f', messages: [msg('client', '你好')] }), /c\.jsonl line 1, field id: holds the control character U\+007F/],
    ];
    for (const [what, name, content, message] of cases) {
      writeFileSync(join(dir, name), content);
      await expect(h.ctx.simulation.importDialogues({ path: join(dir, name) }), what).rejects.toThrow(message);
    }
    await expect(h.ctx.simulation.importDialogues({ path: join(dir, '7.json'), title: '数据\u0000集' })).rejects.toThrow(/The title holds the control character U\+0000/);
    expect(h.ctx.simulation.runs()).toEqual([]);
    // Tab and line breaks are text.
    writeFileSync(join(dir, 'ok.jsonl'), JSON.stringify({ messages: [msg('client', '第一行\n第二行\r\n\t缩进'), msg('counselor', '好')] }));
    expect(await h.ctx.simulation.importDialogues({ path: join(dir, 'ok.jsonl') })).toMatchObject({ sessions: 1, problems: [] });
  });

  it('export where each imported session came from (externalId), so it can be traced to its file', async () => {
    h = await harness();
    const dir = join(tempDir(), 'dialogue');
    mkdirSync(dir);
    for (const n of [3, 12]) writeFileSync(join(dir, `${n}.json`), JSON.stringify([{ role: 'client', content: `第${n}号` }, { role: 'counselor', content: '好的' }]));
    writeFileSync(join(dir, '5.json'), ''); // empty: skipped and reported, not a reason to refuse
    const result = await h.ctx.simulation.importDialogues({ path: dir });
    expect(result.problems).toEqual([{ file: '5.json', message: 'the file is empty' }]);
    const path = join(tempDir(), 'out.jsonl');
    await h.ctx.simulation.exportDialogues({ path, format: 'paper', filter: { runIds: [result.runId] } });
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { externalId: string; messages: { content: string }[] });
    expect(lines.map((l) => [l.externalId, l.messages[0]!.content])).toEqual([['3', '第3号'], ['12', '第12号']]);
  });
});
