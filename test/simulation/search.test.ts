import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import { dialogueListInput } from '../../src-main/contract/simulation';
import { randomFrom as random } from '../../src-main/common/random';
import { importDialogues } from '../../src-main/simulation/import';
import { tempDbPath, tempDir } from '../support/temp';
import { harness, play, type Harness } from './support';

// The dialogue search returns exactly what the scan `content LIKE '%word%'` returns, for any
// query. Checked property-style: a generated corpus mixing Chinese, ASCII of both cases,
// LIKE and FTS5 syntax characters, emoji beyond the BMP, full-width and non-ASCII cased
// letters, whitespace of several kinds and the index's own escape character, searched with
// hundreds of queries (substrings of the stored texts, random strings, case variants, words
// made across message boundaries and across whitespace), in each state the index can be in:
// nothing indexed yet, everything indexed, and a mix after edits, deletions and new imports.

let ctx: AppContext | undefined;
let h: Harness | undefined;
afterEach(async () => {
  ctx?.close();
  ctx = undefined;
  await h?.close();
  h = undefined;
});

const alphabet = [
  ...'焦虑失眠我你的好了不是在有人心情压力。，？！：“”、'.split(''),
  ...'abcxyzABCXYZ0129'.split(''),
  ...`%_\\"'*()-+:^.[]{}#@`.split(''),
  '😀', '𠮷', 'Ａ', 'ａ', 'Ä', 'ä', 'Σ', 'σ', 'é', 'e\u0301', '\uE000', '\uE000ee', 'ﬁ',
];
const spaces = [' ', ' ', ' ', '\n', '\t', '\u3000', '\u00a0'];

const letter = (r: () => number) => alphabet[Math.floor(Math.pow(r(), 1.6) * alphabet.length)]!;
const space = (r: () => number) => spaces[Math.floor(r() * spaces.length)]!;

function text(r: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    const roll = r();
    if (roll < 0.12) out += space(r);
    else if (roll < 0.16) {
      // The same character on both sides of whitespace ('焦虑 虑失'): a word '焦虑失' must not
      // be found here, though its pairs 焦虑 and 虑失 are both in the text.
      const shared = letter(r);
      out += `${letter(r)}${shared}${space(r)}${shared}${letter(r)}`;
    } else out += letter(r);
  }
  return out;
}

function corpusFile(dir: string, name: string, sessions: number, seed: number): string {
  const r = random(seed);
  const lines: string[] = [];
  for (let s = 0; s < sessions; s++) {
    const n = 1 + Math.floor(r() * 8);
    // One session in fifty has long messages (the pair table grows for them).
    const long = r() < 0.02;
    const messages: { role: string; content: string }[] = [];
    for (let i = 0; i < n; i++) {
      // Often a message starts with the character the one before ended with, the same trap across messages.
      const previous = [...(messages[i - 1]?.content.trimEnd() ?? '')].at(-1);
      const start = i === 0 ? 'x' : previous && r() < 0.4 ? previous : '';
      messages.push({ role: i % 2 === 0 ? 'client' : 'counselor', content: `${start}${text(r, long ? 3000 : 1 + Math.floor(r() * 30))}` });
    }
    lines.push(JSON.stringify({ messages }));
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** The reference: sessions in which every word occurs in some message, by LIKE. */
function scan(c: AppContext, query: string): number[] {
  const words = query.split(/\s+/u).filter(Boolean);
  const like = (w: string) => `%${w.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  const where = words.map(() => `EXISTS (SELECT 1 FROM sim_messages m WHERE m.session_id = s.id AND m.content LIKE ? ESCAPE '\\')`).join(' AND ');
  return (c.db.prepare(`SELECT s.id FROM sim_sessions s WHERE ${where} ORDER BY s.id`).all(...words.map(like)) as { id: number }[]).map((x) => x.id);
}

function queries(c: AppContext, seed: number, n: number): string[] {
  const r = random(seed);
  const messages = c.db.prepare('SELECT session_id AS s, idx, content FROM sim_messages ORDER BY session_id, idx').all() as { s: number; idx: number; content: string }[];
  const pickMessage = () => messages[Math.floor(r() * messages.length)]!;
  const out: string[] = [];
  while (out.length < n) {
    const kind = Math.floor(r() * 6);
    const m = pickMessage();
    const chars = [...m.content];
    const start = Math.floor(r() * chars.length);
    const piece = chars.slice(start, start + 1 + Math.floor(r() * 6)).join('');
    if (kind === 0 || kind === 1) out.push(piece); // a substring (whitespace in it makes several words)
    else if (kind === 2) out.push(piece.toUpperCase()); // ASCII folds; ä/Ä, σ/Σ do not
    else if (kind === 3) out.push(text(r, 1 + Math.floor(r() * 4)).replace(/\s/gu, '')); // anything
    else if (kind === 4) {
      // The end of one message and the start of the next, joined, or overlapping by the
      // character they share: never one word in a message unless it also occurs in one.
      const next = messages.find((x) => x.s === m.s && x.idx === m.idx + 1);
      if (next) out.push(`${chars.slice(-1 - Math.floor(r() * 2)).join('')}${[...next.content].slice(r() < 0.5 ? 0 : 1, 3).join('')}`);
    } else {
      // Across whitespace: the whitespace left out, or it and the character after it.
      const at = piece.search(/\s/u);
      out.push(at < 0 || r() < 0.5 ? piece.replace(/\s/gu, '') : piece.slice(0, at) + [...piece.slice(at).trimStart()].slice(1).join(''));
    }
  }
  return out.filter((q) => q.trim() !== '');
}

function expectSameAsScan(c: AppContext, seed: number, n = 300): void {
  const mismatches: string[] = [];
  for (const q of queries(c, seed, n)) {
    const found = c.simulation.dialogues.ids({ query: q });
    const expected = scan(c, q);
    if (JSON.stringify(found) !== JSON.stringify(expected)) mismatches.push(`${JSON.stringify(q)}: index ${found.length}, scan ${expected.length}`);
  }
  expect(mismatches).toEqual([]);
}

const importFile = (c: AppContext, path: string) => importDialogues(c.db, c.simulation.store, c.resourcesDir, c.version, { path }, c.cards);

describe('dialogue search', () => {
  it('returns exactly what the LIKE scan returns, for any query, whether sessions are indexed or not', async () => {
    ctx = createAppContext({ dbPath: tempDbPath() });
    const dir = tempDir();
    const search = ctx.simulation.dialogues.search;
    const first = await importFile(ctx, corpusFile(dir, 'a.jsonl', 300, 1));
    expect(first.sessions).toBe(300);

    // Nothing indexed yet: every session is scanned.
    expect(search.pendingCount()).toBe(300);
    expectSameAsScan(ctx, 11);

    // Everything indexed.
    expect(search.catchUpAll()).toBe(300);
    expect(search.pendingCount()).toBe(0);
    expectSameAsScan(ctx, 12);

    // A mix: texts edited and removed by any writer, sessions deleted, a new import not indexed.
    const [a, b, c] = ctx.db.prepare('SELECT id FROM sim_sessions ORDER BY id LIMIT 3').all() as { id: number }[];
    ctx.db.prepare(`UPDATE sim_messages SET content = '全新的内容 Zebra%' WHERE session_id = ? AND idx = 0`).run(a!.id);
    ctx.db.prepare('DELETE FROM sim_messages WHERE session_id = ? AND idx = (SELECT max(idx) FROM sim_messages WHERE session_id = ?)').run(b!.id, b!.id);
    ctx.simulation.dialogues.remove([c!.id]);
    await importFile(ctx, corpusFile(dir, 'b.jsonl', 100, 2));
    expect(search.pendingCount()).toBe(102);
    expect(ctx.simulation.dialogues.ids({ query: '全新' })).toEqual([a!.id]);
    expect(ctx.simulation.dialogues.ids({ query: 'zebra%' })).toEqual([a!.id]);
    expectSameAsScan(ctx, 13);

    search.catchUpAll();
    expect(search.pendingCount()).toBe(0);
    expect(ctx.simulation.dialogues.ids({ query: '全新的' })).toEqual([a!.id]);
    expectSameAsScan(ctx, 14);
    expect(ctx.db.prepare(`INSERT INTO sim_session_search (sim_session_search) VALUES ('integrity-check')`).run().changes).toBeGreaterThanOrEqual(0);
  });

  it('pages, sorts and counts the sessions the scan finds, with other filters, the match in the snippet', async () => {
    ctx = createAppContext({ dbPath: tempDbPath() });
    const dir = tempDir();
    const first = await importFile(ctx, corpusFile(dir, 'a.jsonl', 200, 3));
    ctx.simulation.dialogues.search.catchUpAll();
    await importFile(ctx, corpusFile(dir, 'b.jsonl', 60, 4)); // not indexed yet
    ctx.db.prepare(`UPDATE sim_sessions SET cost = id % 7, turns = id % 5`).run();
    const rows = new Map((ctx.db.prepare('SELECT id, run_id, turns, cost FROM sim_sessions').all() as { id: number; run_id: number; turns: number; cost: number }[]).map((r) => [r.id, r]));
    const sorts = {
      newest: (a: number, b: number) => b - a,
      oldest: (a: number, b: number) => a - b,
      turns: (a: number, b: number) => rows.get(b)!.turns - rows.get(a)!.turns || b - a,
      cost: (a: number, b: number) => rows.get(b)!.cost - rows.get(a)!.cost || b - a,
    };
    for (const q of ['焦', '焦虑', '虑失眠', 'ab', 'Ä', 'x 我']) {
      for (const [sort, compare] of Object.entries(sorts)) {
        for (const runIds of [undefined, [first.runId]]) {
          const expected = scan(ctx, q).filter((id) => !runIds || rows.get(id)!.run_id === runIds[0]).sort(compare);
          for (const offset of [0, 10, expected.length]) {
            const page = ctx.simulation.dialogues.list(dialogueListInput.parse({ query: q, sort, offset, limit: 10, ...(runIds ? { runIds } : {}) }));
            expect(page.total, `${q} ${sort} ${offset}`).toBe(expected.length);
            expect(page.items.map((i) => i.id)).toEqual(expected.slice(offset, offset + 10));
            for (const item of page.items) expect(item.snippet!.toLowerCase()).toContain(`【${q.split(' ')[0]!.toLowerCase()}】`);
          }
        }
      }
    }
  });

  it('finds the turns of a running simulation at once, and its sessions join the index when they end', async () => {
    h = await harness({ cards: 2, latencyMs: 30 });
    h.server.respond(play({ client: (_c, turn) => `第${turn}次：我一直失眠，心里很焦虑`, counselor: (_c, turn) => (turn === 6 ? '好的，再见' : '嗯，能多说说吗？') }));
    const search = h.ctx.simulation.dialogues.search;
    const run = await h.ctx.simulation.create(h.input({ maxTurns: 6 }));
    const done = h.ctx.simulation.execute(run.id);
    // While the sessions run, their saved turns are found (scanned: they are pending).
    let midway = 0;
    while (midway === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      midway = h.ctx.simulation.dialogues.ids({ query: '第2次' }).length;
    }
    const running = h.ctx.db.prepare(`SELECT count(*) AS n FROM sim_sessions WHERE status = 'running'`).get() as { n: number };
    expect(running.n).toBeGreaterThan(0);
    expect(search.pendingCount()).toBeGreaterThan(0);
    await done;
    // Ended sessions are indexed in the background, soon after they end.
    for (let i = 0; i < 100 && search.pendingCount() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(search.pendingCount()).toBe(0);
    expect(h.ctx.simulation.dialogues.ids({ query: '失眠' })).toHaveLength(2);
    expect(h.ctx.simulation.dialogues.ids({ query: '第5次 再见' })).toHaveLength(2);
    expect(h.ctx.simulation.dialogues.ids({ query: '第7次' })).toHaveLength(0);
  });
});
