import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import type { DialogueImportInput } from '../../src-main/contract/simulation';
import { cardText } from '../../src-main/role-cards/card-text';
import { repoRoot } from '../role-cards/support';
import { tempDbPath, tempDir } from '../support/temp';

// Imported dialogues with the card each client saw (issue 9, Datasets): the paper's layout
// (dialogue/N.json ↔ raw_role_card/<split>/N.txt + user_profiles/<split>.json[N]), and a
// record's own `card` or `cardId`. Real files, real database, the real importers.

const fixture = join(repoRoot, 'test/fixtures/paper-dialogues');
let ctx: AppContext | undefined;
afterEach(() => {
  ctx?.close();
  ctx = undefined;
});

function open(): AppContext {
  ctx = createAppContext({ dbPath: tempDbPath() });
  return ctx;
}

const sessionsOf = (c: AppContext, runId: number) =>
  c.db.prepare('SELECT external_id, card_id, card_text FROM sim_sessions WHERE run_id = ? ORDER BY seq').all(runId) as {
    external_id: string;
    card_id: number | null;
    card_text: string | null;
  }[];

const counts = (c: AppContext) => ({
  runs: (c.db.prepare('SELECT count(*) AS n FROM sim_runs').get() as { n: number }).n,
  sessions: (c.db.prepare('SELECT count(*) AS n FROM sim_sessions').get() as { n: number }).n,
  cards: (c.db.prepare('SELECT count(*) AS n FROM role_cards').get() as { n: number }).n,
});

/** A copy of the fixture to break. */
function copy(): string {
  const dir = join(tempDir(), 'release');
  cpSync(fixture, dir, { recursive: true });
  return dir;
}

describe('dialogues import with the paper layout of cards', () => {
  it('pairs N.json with raw_role_card/train/N.txt and complaint N, imports the cards, stores the text the client prompt holds', async () => {
    const c = open();
    const result = await c.simulation.importDialogues({ path: join(fixture, 'dialogue'), cards: { path: fixture, split: 'train' } });
    expect(result).toMatchObject({ sessions: 4, withCard: 4, withoutCard: 0, cardsImported: 4, cardsExisting: 0, problems: [] });
    const sessions = sessionsOf(c, result.runId);
    expect(sessions.map((s) => s.external_id)).toEqual(['0', '1', '2', '3']);
    // Only the dialogues' cards join the pool: not train's unpaired complaint 4, not the test split.
    expect(counts(c).cards).toBe(4);
    const complaints = JSON.parse(readFileSync(join(fixture, 'user_profiles/train.json'), 'utf8')) as string[];
    for (const [n, s] of sessions.entries()) {
      const card = c.cards.get(s.card_id!);
      expect(card.source).toBe(`paper:train/${n}`);
      expect(card.split).toBe('pool');
      expect(card.chiefComplaint).toBe(complaints[n]);
      // The simulation's client prompt holds cardText(card) in place of {role_card} (simulation/config.ts).
      expect(s.card_text).toBe(cardText(card, card.language));
    }
    // A card written in the paper's canonical layout reads exactly as the paper assembles
    // {role_card}: the file's eight lines, then 来访者的主诉问题： and complaint N.
    expect(sessions[0]!.card_text).toBe(`${readFileSync(join(fixture, 'raw_role_card/train/0.txt'), 'utf8')}\n来访者的主诉问题：${complaints[0]}`);
    // The laid-out card (blank lines, bullets without a space, a value on the next line) is rendered, not copied.
    expect(sessions[1]!.card_text).toContain('对心理咨询的阻抗程度：可能中等偏高。表现为回避，觉得自己能扛过去');
    expect(sessions[1]!.card_text).toContain('经济状况：房贷压力大');
    expect(sessions[3]!.card_text).toContain('婚恋情况：离异');
    const run = c.db.prepare('SELECT config FROM sim_runs WHERE id = ?').get(result.runId) as { config: string };
    expect(JSON.parse(run.config).cards).toEqual({ path: fixture, split: 'train' });
  });

  it('a second import finds its cards in the pool and adds none', async () => {
    const c = open();
    const first = await c.simulation.importDialogues({ path: join(fixture, 'dialogue'), cards: { path: fixture, split: 'train' } });
    const second = await c.simulation.importDialogues({ path: join(fixture, 'dialogue'), cards: { path: fixture, split: 'train' } });
    expect(second).toMatchObject({ withCard: 4, cardsImported: 0, cardsExisting: 4 });
    expect(counts(c).cards).toBe(4);
    expect(sessionsOf(c, second.runId).map((s) => s.card_id)).toEqual(sessionsOf(c, first.runId).map((s) => s.card_id));
  });

  it('one N.json file pairs too, and the test split is test/N.txt', async () => {
    const c = open();
    const result = await c.simulation.importDialogues({ path: join(fixture, 'dialogue/0.json'), cards: { path: fixture, split: 'test' } });
    const [s] = sessionsOf(c, result.runId);
    expect(c.cards.get(s!.card_id!)).toMatchObject({ source: 'paper:test/0', split: 'test', chiefComplaint: '男朋友要去外地工作，我们要异地恋了，很焦虑。' });
  });
});

describe('dialogue records carrying their card', () => {
  it('"card" is kept as given, "cardId" is rendered from the pool, neither leaves the session without a card', async () => {
    const c = open();
    const pool = await c.simulation.importDialogues({ path: join(fixture, 'dialogue/2.json'), cards: { path: fixture, split: 'train' } });
    const id = sessionsOf(c, pool.runId)[0]!.card_id!;
    const dir = tempDir();
    const lines = [
      { messages: [{ role: 'user', content: '你好' }, { role: 'assistant', content: '你好。' }], card: '性别：女\n来访者的主诉问题：失眠。' },
      { id: 7, cardId: id, messages: [{ role: 'client', content: '你好' }, { role: 'counselor', content: '请说。' }] },
      { messages: [{ role: 'client', content: '你好' }, { role: 'counselor', content: '嗯。' }], cardId: null },
    ];
    writeFileSync(join(dir, 'with-cards.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'));
    const result = await c.simulation.importDialogues({ path: join(dir, 'with-cards.jsonl') });
    expect(result).toMatchObject({ sessions: 3, withCard: 2, withoutCard: 1, cardsImported: 0 });
    const card = c.cards.get(id);
    expect(sessionsOf(c, result.runId)).toEqual([
      { external_id: 'with-cards.jsonl:1', card_id: null, card_text: '性别：女\n来访者的主诉问题：失眠。' },
      { external_id: 'with-cards.jsonl:2 (id 7)', card_id: id, card_text: cardText(card, card.language) },
      { external_id: 'with-cards.jsonl:3', card_id: null, card_text: null },
    ]);
    writeFileSync(join(dir, 'array.json'), JSON.stringify([{ messages: lines[0]!.messages, card: 'Gender: male' }]));
    const array = await c.simulation.importDialogues({ path: join(dir, 'array.json') });
    expect(sessionsOf(c, array.runId)[0]).toMatchObject({ external_id: 'array[0]', card_text: 'Gender: male' });
  });
});

describe('bad pairings are refused whole, naming where', () => {
  const hello = [{ role: 'client', content: '你好' }, { role: 'counselor', content: '你好。' }];
  const jsonl = (records: object[]) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'd.jsonl'), records.map((r) => JSON.stringify(r)).join('\n'));
    return join(dir, 'd.jsonl');
  };
  const rows: { name: string; input: () => Omit<DialogueImportInput, 'title' | 'language'>; error: RegExp }[] = [
    {
      name: 'a dialogue N without raw_role_card/<split>/N.txt',
      input: () => {
        const dir = copy();
        rmSync(join(dir, 'raw_role_card/train/2.txt'));
        return { path: join(dir, 'dialogue'), cards: { path: dir, split: 'train' } };
      },
      error: /2\.json: there is no card raw_role_card\/train\/2\.txt in /,
    },
    {
      name: 'a complaint list shorter than N',
      input: () => {
        const dir = copy();
        writeFileSync(join(dir, 'user_profiles/train.json'), JSON.stringify(['一', '二']));
        return { path: join(dir, 'dialogue'), cards: { path: dir, split: 'train' } };
      },
      error: /the card user_profiles\/train\.json record 2 \(chiefComplaint\): No complaint for raw_role_card\/train\/2\.txt: the array has 2 entries \(0–1\)/,
    },
    {
      name: 'no split folder',
      input: () => ({ path: join(fixture, 'dialogue/0.json'), cards: { path: join(fixture, 'dialogue'), split: 'train' } }),
      error: /0\.json: there is no card raw_role_card\/train\/0\.txt in .*dialogue/,
    },
    {
      name: 'a dialogue not named N.json',
      input: () => ({ path: jsonl([{ messages: hello }]), cards: { path: fixture, split: 'train' } }),
      error: /d\.jsonl line 1: cards in the paper's layout pair dialogue\/N\.json files by their number N/,
    },
    {
      name: 'an unknown cardId',
      input: () => ({ path: jsonl([{ messages: hello }, { messages: hello, cardId: 99 }]) }),
      error: /d\.jsonl line 2, field cardId: there is no card #99 in the pool/,
    },
    {
      name: 'both card and cardId',
      input: () => ({ path: jsonl([{ messages: hello, card: '性别：女', cardId: 1 }]) }),
      error: /d\.jsonl line 1: both "card" and "cardId" are given; keep one/,
    },
    {
      name: 'a cardId that is not a whole number',
      input: () => ({ path: jsonl([{ messages: hello, cardId: '3' }]) }),
      error: /d\.jsonl line 1, field cardId: must be the id of a card in the pool \(a whole number from 1\), got "3"/,
    },
    {
      name: 'an empty card',
      input: () => ({ path: jsonl([{ messages: hello, card: '  ' }]) }),
      error: /d\.jsonl line 1, field card: must be the card text the client saw \(non-empty text\), got empty text/,
    },
    {
      name: 'a card with a control character',
      input: () => ({ path: jsonl([{ messages: hello, card: '性别：女\u0007' }]) }),
      error: /d\.jsonl line 1, field card: holds the control character U\+0007/,
    },
    {
      name: 'a record with its own card while --cards pairs by number',
      input: () => {
        const dir = copy();
        writeFileSync(join(dir, 'dialogue/1.json'), JSON.stringify({ messages: hello, card: '性别：男' }));
        return { path: join(dir, 'dialogue'), cards: { path: dir, split: 'train' } };
      },
      error: /1\.json: carries its own card while the cards come from /,
    },
  ];
  for (const row of rows) {
    it(row.name, async () => {
      const c = open();
      await expect(c.simulation.importDialogues(row.input())).rejects.toThrow(row.error);
      expect(counts(c)).toEqual({ runs: 0, sessions: 0, cards: 0 });
    });
  }

  it('a failure while writing leaves neither the dialogues nor the cards', async () => {
    const c = open();
    // The last session's insert fails inside the import's one transaction, after the cards were written.
    c.db.exec(`CREATE TRIGGER refuse AFTER INSERT ON sim_sessions WHEN NEW.external_id = '3' BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    await expect(c.simulation.importDialogues({ path: join(fixture, 'dialogue'), cards: { path: fixture, split: 'train' } })).rejects.toThrow(/disk full/);
    expect(counts(c)).toEqual({ runs: 0, sessions: 0, cards: 0 });
  });
});
