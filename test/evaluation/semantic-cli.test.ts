import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cosine } from '../../src-main/evaluation/cosine';
import { embedText } from '../llm-server/embed';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { paperFixtures, repoRoot } from '../role-cards/support';
import { simpsy } from '../support/cli';
import { tempDbPath, tempDir } from '../support/temp';

// The built `simpsy` as a user runs it: import the release-like folder with its cards, then
// `eval overlap` and `eval semantic` on it against the test server, which serves bge-m3.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const lastLine = (stdout: string) => JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as Record<string, any>;
const release = join(repoRoot, 'test/fixtures/paper-dialogues');

describe('imported dialogues with their cards, evaluated by the CLI', () => {
  let server: LlmServer;
  beforeAll(async () => {
    server = await startLlmServer({ models: ['test-model', 'bge-m3'] });
  });
  afterAll(() => server.close());
  afterEach(() => server.reset());
  const embedCalls = () => server.requests.filter((r) => r.path === '/v1/embeddings').length;

  it('import --cards, then overlap and semantic; a second semantic run calls nothing', async () => {
    const db = tempDbPath();
    const cwd = tempDir();
    const imported = await simpsy(['--db', db, 'dialogues', 'import', join(release, 'dialogue'), '--cards', release, '--split', 'train']);
    expect(imported).toMatchObject({ code: 0, stderr: '' });
    expect(imported.stdout).toBe('Imported 4 dialogues (24 messages) as run 1; joined 1 consecutive same-role messages.\n4 with the card the client saw, 0 without; cards added to the pool: 4, already there: 0.\n');
    // The paper's released sample, without its card: one more session of the same language.
    expect(await simpsy(['--db', db, 'dialogues', 'import', join(paperFixtures, 'dialogue')])).toMatchObject({ code: 0 });
    const cards = await simpsy(['--db', db, 'cards', 'list', '--json']);
    expect((JSON.parse(cards.stdout) as { source: string }[]).map((c) => c.source)).toEqual(['paper:train/0', 'paper:train/1', 'paper:train/2', 'paper:train/3']);

    const overlap = await simpsy(['--db', db, 'eval', 'overlap', '--runs', '1,2', '--json']);
    expect(overlap).toMatchObject({ code: 0, stderr: '' });
    const o = lastLine(overlap.stdout);
    expect(o.n).toBe(4);
    expect(o.excluded).toEqual([{ sessionId: 5, externalId: '0', reason: 'no card' }]);
    expect(o.mapping.mean).toBeGreaterThan(o.random.mean); // each client retells its own complaint

    expect(await simpsy(['--db', db, 'endpoints', 'add', '--name', 'embedder', '--base-url', server.url, '--model', 'test-model'])).toMatchObject({ code: 0 });
    const semantic = await simpsy(['--db', db, 'eval', 'semantic', '--runs', '1,2', '--embed', 'embedder', '--seed', '5', '--json', '--out', 'semantic.csv'], {}, { cwd });
    expect(semantic).toMatchObject({ code: 0, stderr: '' });
    const s = lastLine(semantic.stdout);
    expect(embedCalls()).toBe(1);
    expect(s).toMatchObject({ n: 4, seed: 5, model: 'bge-m3', dims: 64, texts: 8, cached: 0, embedded: 8, requests: 1, maxChars: 8000, truncated: { texts: 0, sessionIds: [] } });
    expect(s.excluded).toEqual([{ sessionId: 5, externalId: '0', reason: 'no card' }]);
    expect(Object.keys(s.sessions[0]).sort()).toEqual(['externalId', 'mapping', 'random', 'randomCardOf', 'sessionId']);
    expect(Object.keys(s.student).sort()).toEqual(['df', 'p', 't']);
    // Each score is the cosine of the server's own vectors (test/llm-server/embed.ts) for the
    // stored card and the client's utterances joined by line breaks, rounded to float32 as sent.
    const read = new Database(db, { readonly: true });
    const vector = (t: string) => Float32Array.from(embedText(t, 64));
    const textsOf = (id: number) => {
      const card = (read.prepare('SELECT card_text FROM sim_sessions WHERE id = ?').get(id) as { card_text: string }).card_text;
      const client = (read.prepare("SELECT content FROM sim_messages WHERE session_id = ? AND role = 'client' ORDER BY idx").all(id) as { content: string }[]).map((m) => m.content).join('\n');
      return { card, client };
    };
    for (const x of s.sessions as { sessionId: number; externalId: string; mapping: number; random: number; randomCardOf: number }[]) {
      const own = textsOf(x.sessionId);
      const other = textsOf(x.randomCardOf);
      expect(x.externalId).toBe(String(x.sessionId - 1));
      expect(Math.abs(x.mapping - cosine(vector(own.card), vector(own.client)))).toBeLessThan(1e-12);
      expect(Math.abs(x.random - cosine(vector(other.card), vector(own.client)))).toBeLessThan(1e-12);
    }
    read.close();
    const csv = readFileSync(join(cwd, 'semantic.csv'), 'utf8').split('\r\n');
    expect(csv[0]).toBe('dataset,session_id,run_id,external_id,mapping,random,random_card_of');
    expect(csv[1]).toBe(`a,1,1,0,${s.sessions[0].mapping},${s.sessions[0].random},${s.sessions[0].randomCardOf}`);

    // Again, as a table: every vector from the database, no call.
    const text = await simpsy(['--db', db, 'eval', 'semantic', '--runs', '1,2', '--embed', 'embedder', '--seed', '5']);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(embedCalls()).toBe(1);
    expect(text.stdout).toContain('Semantic consistency (Eq. 2), runs 1 and 2 (import, zh): 4 sessions scored\n  1 session has no card: id 5 (left out)\n');
    expect(text.stdout).toMatch(new RegExp(`Mapping\\s+${s.mapping.mean.toFixed(4)}\\s+${s.mapping.sd.toFixed(4)}`));
    expect(text.stdout).toContain(`model bge-m3 at ${server.url}, 64 dimensions; 8 texts: 8 from the cache, 0 embedded in 0 requests`);

    // Two datasets side by side (the same one twice: equal means): still no call.
    const compared = lastLine((await simpsy(['--db', db, 'eval', 'semantic', '--runs', '1', '--compare', '1', '--embed', 'embedder', '--json'])).stdout);
    expect(embedCalls()).toBe(1);
    expect(compared.a.n).toBe(4);
    expect(compared.b.sessions).toEqual(compared.a.sessions);
    expect(compared.student).toMatchObject({ t: 0, df: 6, p: 1 });

    // Over-long texts: cut, counted, warned about; cut texts are other texts, so they are embedded.
    const cut = await simpsy(['--db', db, 'eval', 'semantic', '--runs', '1', '--embed', 'embedder', '--max-chars', '10', '--json']);
    expect(cut.code).toBe(0);
    expect(cut.stderr).toBe('warning: 8 texts longer than 10 characters were cut to that length before embedding (sessions 1, 2, 3, 4); --max-chars changes the limit.\n');
    expect(lastLine(cut.stdout)).toMatchObject({ maxChars: 10, embedded: 8, truncated: { texts: 8, sessionIds: [1, 2, 3, 4] } });
  });

  it('says what to do about bad input, in one line', async () => {
    const db = tempDbPath();
    expect(await simpsy(['--db', db, 'dialogues', 'import', join(release, 'dialogue'), '--cards', release, '--split', 'train'])).toMatchObject({ code: 0 });
    expect(await simpsy(['--db', db, 'dialogues', 'import', join(paperFixtures, 'dialogue')])).toMatchObject({ code: 0 });
    const cases: [string[], string | RegExp][] = [
      [['eval', 'semantic', '--runs', '1'], 'simpsy: Say which endpoint embeds the texts: --embed NAME (see them with: simpsy endpoints list; Ollama, vLLM, TEI and SiliconFlow serve bge-m3).\n'],
      [['eval', 'semantic', '--runs', '1', '--embed', 'nowhere'], "simpsy: No endpoint named 'nowhere'. Known: x.\n"],
      [['eval', 'semantic', '--runs', '1', '--embed', 'x', '--max-chars', '0'], "simpsy: --max-chars must be a whole number from 1, got '0'.\n"],
      [['eval', 'semantic', '--runs', '2', '--embed', 'x'], /^simpsy: None of the 1 sessions of run 2 has a card/],
      [['dialogues', 'import', join(release, 'dialogue'), '--cards', release], "simpsy: --cards needs --split train or test (the raw_role_card/<split> folder to pair with).\n"],
      [['dialogues', 'import', join(release, 'dialogue'), '--cards', release, '--split', 'dev'], "simpsy: --cards needs --split train or test (the raw_role_card/<split> folder to pair with), got 'dev'.\n"],
      [['dialogues', 'import', join(release, 'dialogue'), '--split', 'train'], 'simpsy: --split goes with --cards DIR (the folder holding raw_role_card/ and user_profiles/).\n'],
      [['dialogues', 'import', join(release, 'dialogue'), '--cards', join(release, 'dialogue'), '--split', 'train'], /^simpsy: Nothing was imported from .*: 0\.json: there is no card raw_role_card\/train\/0\.txt in .*; 1\.json: there is no card/],
    ];
    expect(await simpsy(['--db', db, 'endpoints', 'add', '--name', 'x', '--base-url', server.url, '--model', 'test-model'])).toMatchObject({ code: 0 });
    for (const [args, stderr] of cases) {
      const r = await simpsy(['--db', db, ...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout, args.join(' ')).toBe('');
      if (typeof stderr === 'string') expect(r.stderr, args.join(' ')).toBe(stderr);
      else expect(r.stderr, args.join(' ')).toMatch(stderr);
    }
    expect(embedCalls()).toBe(0);
  });
});
