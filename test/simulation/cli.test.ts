import Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REFINEMENT, refine } from '../../src-main/simulation/refinement';
import { counselorTemplate, defaultTerminationPhrases, findResourcesDir } from '../../src-main/simulation/resources';
import { terminationMatcher } from '../../src-main/simulation/termination';
import { corpus, corpusJsonl } from '../bench/dialogue-corpus';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import type { ResponderContext } from '../llm-server/types';
import { simpsy, startSimpsy } from '../support/cli';
import { tempDbPath, tempDir } from '../support/temp';
import { agentOf, counselorTurnsBefore, hash, longTalk, paperFixtures } from './support';

// The built `simpsy` as a user runs it, against the OpenAI-compatible test server.

let server: LlmServer;
beforeAll(async () => {
  server = await startLlmServer();
});
afterAll(() => server.close());

const phrases = defaultTerminationPhrases(findResourcesDir(), 'zh');

/**
 * Plays both agents. The counselor ends after a card-dependent number of turns with a
 * Table 2 phrase, and for about one turn in three first offers a reply that σ must refuse
 * (too long, or enumerated); asked again for the same turn, it answers properly.
 */
const asked = new Map<string, number>();
function counseling(ctx: ResponderContext) {
  const turn = counselorTurnsBefore(ctx) + 1;
  const history = hash(ctx.messages.map((m) => `${m.role}:${m.content}`).join('|'));
  if (agentOf(ctx) === 'client') return `我想再说说我的情况（${history}）。`;
  const attempt = (asked.get(history) ?? 0) + 1;
  asked.set(history, attempt);
  const flavour = Number.parseInt(history, 36);
  if (attempt === 1 && flavour % 3 === 0) return flavour % 2 ? `这是一个太长的回答${'嗯'.repeat(210)}` : '我们可以：1. 先睡好 2. 再运动';
  const ends = 2 + (flavour % 4);
  return turn >= ends ? `好的，今天先聊到这里，${phrases[turn % phrases.length]}（${history}）` : `你能具体说说吗？（${history}）`;
}

async function setup(db: string, latencyMs = 0) {
  server.reset();
  server.setLatency(latencyMs);
  expect(await simpsy(['--db', db, 'endpoints', 'add', '--name', 'local', '--base-url', server.url, '--model', 'test-model', '--price-input', '1', '--price-output', '2'])).toMatchObject({ code: 0 });
  expect(await simpsy(['--db', db, 'cards', 'import', paperFixtures])).toMatchObject({ code: 0 });
}

const lastJson = (stdout: string) => JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as Record<string, unknown>;

describe('simpsy simulate', () => {
  it('runs the fixture cards and exports sessions that open with 你好, alternate, and end on a counselor turn holding a termination phrase, none breaking a refinement rule', async () => {
    const db = tempDbPath();
    await setup(db);
    server.respond(counseling);
    const run = await simpsy(['--db', db, 'simulate', '--client', 'local', '--counselor', 'local', '--cards', 'test', '--repeat', '2', '--max-turns', '10', '--json']);
    expect(run.code).toBe(0);
    const result = lastJson(run.stdout);
    expect(result).toMatchObject({ runId: 1, status: 'done', sessions: 12, completed: 12, failed: 0 });
    expect(run.stderr).toMatch(/run 1 .* 12\/12/);

    const dir = tempDir();
    const exported = await simpsy(['--db', db, 'dialogues', 'export', join(dir, 'sessions.jsonl'), '--run', '1']);
    expect(exported).toMatchObject({ code: 0, stdout: `Exported 12 dialogues to ${join(dir, 'sessions.jsonl')} (paper).\n` });
    const sessions = readFileSync(join(dir, 'sessions.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { id: number; runId: number; cardId: number; endReason: string; messages: { role: string; content: string }[] });
    expect(sessions).toHaveLength(12);
    const g = terminationMatcher(phrases);
    for (const s of sessions) {
      expect(s).toMatchObject({ runId: 1, endReason: 'phrase' });
      expect(s.messages[0]).toEqual({ role: 'client', content: '你好' });
      s.messages.forEach((m, i) => expect(m.role).toBe(i % 2 === 0 ? 'client' : 'counselor'));
      expect(s.messages.at(-1)!.role).toBe('counselor');
      expect(g.match(s.messages.at(-1)!.content)).not.toBeNull();
      for (const m of s.messages.filter((m) => m.role === 'counselor')) expect(refine(m.content, DEFAULT_REFINEMENT)).toMatchObject({ ok: true });
      // Only the last counselor turn ends the session.
      for (const m of s.messages.filter((m) => m.role === 'counselor').slice(0, -1)) expect(g.match(m.content)).toBeNull();
    }
    // Refused attempts were asked again, and kept.
    expect(result.rejectedAttempts).toBeGreaterThan(0);

    for (const format of ['sharegpt', 'openai'] as const) {
      const file = join(dir, `out.${format}`);
      expect(await simpsy(['--db', db, 'dialogues', 'export', file, '--format', format])).toMatchObject({ code: 0 });
      const text = readFileSync(file, 'utf8');
      const records = (format === 'sharegpt' ? JSON.parse(text) : text.trimEnd().split('\n').map((l) => JSON.parse(l))) as { messages: { role: string }[] }[];
      expect(records).toHaveLength(12);
      for (const r of records) expect(r.messages.map((m) => m.role).slice(0, 3)).toEqual(['system', 'user', 'assistant']);
    }
  });

  it('lists, shows, resumes and cancels runs', async () => {
    const db = tempDbPath();
    await setup(db);
    server.respond(() => ({ fault: 'unauthorized' }));
    const failed = await simpsy(['--db', db, 'simulate', '--client', 'local', '--counselor', 'local', '--cards', '1,2', '--json']);
    expect(failed.code).toBe(1);
    expect(lastJson(failed.stdout)).toMatchObject({ runId: 1, status: 'failed', sessions: 2, completed: 0, unfinished: 2 });
    expect(failed.stderr).toMatch(/rejected the API key \(401\).*simpsy runs resume 1/);

    server.respond(counseling);
    const second = await simpsy(['--db', db, 'simulate', '--client', 'local', '--counselor', 'local', '--cards', '3', '--max-turns', '1']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^Run 2 done: 1 sessions, 1 completed, 0 failed\./);

    const list = await simpsy(['--db', db, 'runs', 'list', '--json']);
    const runs = JSON.parse(list.stdout) as { id: number; status: string }[];
    expect(runs.map((r) => [r.id, r.status])).toEqual([[1, 'failed'], [2, 'done']]);

    const show = await simpsy(['--db', db, 'runs', 'show', '1', '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({ id: 1, config: { maxTurns: 50, counselor: { endpointName: 'local' } }, dashboard: { errorsByKind: { unauthorized: expect.any(Number) } } });
    expect((await simpsy(['--db', db, 'runs', 'show', '1'])).stdout).toMatch(/status\s+failed/);

    const resumed = await simpsy(['--db', db, 'runs', 'resume', '1', '--json']);
    expect(resumed.code).toBe(0);
    expect(lastJson(resumed.stdout)).toMatchObject({ runId: 1, status: 'done', sessions: 2, completed: 2, failed: 0 });

    expect(await simpsy(['--db', db, 'runs', 'resume', '1'])).toMatchObject({ code: 1, stderr: 'simpsy: Run 1 is finished; there is nothing to resume.\n' });
    expect(await simpsy(['--db', db, 'runs', 'show', '9'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/^simpsy: Run 9 was not found/) });

    // A run created but not finished can be cancelled from another process.
    server.respond(() => ({ fault: 'unauthorized' }));
    await simpsy(['--db', db, 'simulate', '--client', 'local', '--counselor', 'local', '--cards', '1']);
    expect(await simpsy(['--db', db, 'runs', 'cancel', '3'])).toMatchObject({ code: 0, stdout: 'Cancelled run 3: 0 completed, 0 failed, 1 cancelled.\n' });
  }, 90_000); // eleven CLI processes: over 30 s on a busy 2-core machine

  it('refuses bad flags with one line naming the flag', async () => {
    const db = tempDbPath();
    await setup(db);
    const cases: [string[], RegExp][] = [
      [['--cards', 'train'], /--cards takes pool, test, all or card ids/],
      [['--concurrency', '0'], /--concurrency must be a whole number of at least 1/],
      [['--lang', 'fr'], /--lang must be zh or en/],
      [['--client-temperature', '7'], /--client-temperature: Too big/i],
      [['--cards', '999'], /Role card 999 was not found/],
    ];
    for (const [flags, message] of cases) {
      const r = await simpsy(['--db', db, 'simulate', '--client', 'local', '--counselor', 'local', ...flags]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    expect((await simpsy(['--db', db, 'simulate', '--client', 'nope', '--counselor', 'local'])).stderr).toMatch(/^simpsy: No endpoint named 'nope'/);
  });

  it('imports the released dialogues and exports them back', async () => {
    const db = tempDbPath();
    const imported = await simpsy(['--db', db, 'dialogues', 'import', join(paperFixtures, 'dialogue')]);
    expect(imported).toMatchObject({ code: 0, stdout: 'Imported 1 dialogue (20 messages) as run 1.\n' });
    const file = join(tempDir(), 'back.jsonl');
    expect(await simpsy(['--db', db, 'dialogues', 'export', file])).toMatchObject({ code: 0 });
    const [line] = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { messages: unknown });
    expect(line!.messages).toEqual(JSON.parse(readFileSync(join(paperFixtures, 'dialogue/0.json'), 'utf8')));
    const list = JSON.parse((await simpsy(['--db', db, 'runs', 'list', '--json'])).stdout) as { kind: string; status: string }[];
    expect(list).toMatchObject([{ kind: 'import', status: 'done' }]);
    const search = JSON.parse((await simpsy(['--db', db, 'dialogues', 'list', '--query', '彩礼', '--json'])).stdout) as { total: number };
    expect(search.total).toBe(1);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ externalId: '0' });
  });

  it('dialogues import refuses a file that is not UTF-8, or a text holding a control character, naming where, and writes nothing', async () => {
    const db = tempDbPath();
    const dir = tempDir();
    writeFileSync(join(dir, 'latin1.json'), Buffer.concat([Buffer.from('[{"role": "client", "content": "caf'), Buffer.from([0xe9]), Buffer.from('"}]')]));
    const notUtf8 = await simpsy(['--db', db, 'dialogues', 'import', join(dir, 'latin1.json')]);
    expect(notUtf8).toMatchObject({ code: 1, stdout: '' });
    expect(notUtf8.stderr).toMatch(/^simpsy: Nothing was imported from .*latin1\.json: latin1\.json: The file is not valid UTF-8 \(line 1, byte 36\)/);
    writeFileSync(join(dir, 'nul.jsonl'), `${JSON.stringify({ messages: [{ role: 'user', content: '你好' }] })}\n${JSON.stringify({ messages: [{ role: 'user', content: '你\u0000好' }] })}\n`);
    const control = await simpsy(['--db', db, 'dialogues', 'import', join(dir, 'nul.jsonl')]);
    expect(control).toMatchObject({ code: 1, stdout: '' });
    expect(control.stderr).toMatch(/nul\.jsonl line 2, field messages\[0\]\.content: holds the control character U\+0000 at character 2/);
    expect(control.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse((await simpsy(['--db', db, 'runs', 'list', '--json'])).stdout)).toEqual([]);
  });

  it('a SIGKILL mid-import leaves nothing, never a part of a dataset that lists as done', async () => {
    const db = tempDbPath();
    expect(await simpsy(['--db', db, 'runs', 'list'])).toMatchObject({ code: 0 });
    const file = join(tempDir(), 'sessions.jsonl');
    const N = 6000;
    writeFileSync(file, corpusJsonl(corpus(N, 5)));
    const wal = `${db}-wal`;
    const walSize = () => (existsSync(wal) ? statSync(wal).size : 0);
    let killedBeforeCommit = 0;
    // Killed once the transaction has written some pages, and once it has written many.
    for (const threshold of [64 * 1024, 4 * 1024 * 1024]) {
      const cli = startSimpsy(['--db', db, 'dialogues', 'import', file]);
      let exited = false;
      void cli.exited.then(() => (exited = true));
      while (!exited && walSize() < threshold) await sleep(2);
      cli.child.kill('SIGKILL');
      await cli.exited;
      if (!cli.output.stdout.includes('Imported')) killedBeforeCommit++;
      const raw = new Database(db, { readonly: true });
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      raw.close();
      // Whatever is there is whole: every dataset holds all N sessions and all their messages.
      const runs = JSON.parse((await simpsy(['--db', db, 'runs', 'list', '--json'])).stdout) as { id: number; sessions: number; status: string }[];
      for (const run of runs) {
        expect(run).toMatchObject({ sessions: N, status: 'done' });
        expect(count(db, `SELECT count(*) AS n FROM sim_sessions WHERE run_id = ${run.id}`)).toBe(N);
      }
      expect(count(db, 'SELECT count(*) AS n FROM sim_sessions')).toBe(runs.length * N);
    }
    expect(killedBeforeCommit).toBeGreaterThan(0);
    expect(count(db, 'SELECT count(*) AS n FROM sim_runs')).toBeLessThan(2);
  });
});

describe('simpsy dialogues export', () => {
  it('leaves an existing file as it was when nothing matches, replaces one only with --force, and never the database', async () => {
    const db = tempDbPath();
    expect(await simpsy(['--db', db, 'dialogues', 'import', join(paperFixtures, 'dialogue')])).toMatchObject({ code: 0 });
    const dir = tempDir();
    const existing = join(dir, 'existing.txt');
    writeFileSync(existing, '我的笔记\n');
    for (const force of [[], ['--force']]) {
      const none = await simpsy(['--db', db, 'dialogues', 'export', existing, '--query', '没有这句话', ...force]);
      expect(none).toMatchObject({ code: 1, stdout: '', stderr: 'simpsy: No dialogues match: nothing was written.\n' });
      expect(readFileSync(existing, 'utf8')).toBe('我的笔记\n');
    }
    expect(await simpsy(['--db', db, 'dialogues', 'export', join(dir, 'new.jsonl'), '--query', '没有这句话'])).toMatchObject({ code: 1 });

    const refused = await simpsy(['--db', db, 'dialogues', 'export', existing]);
    expect(refused).toMatchObject({ code: 1, stderr: `simpsy: ${existing} already exists; nothing was written. Choose another name, or replace it (--force).\n` });
    expect(readFileSync(existing, 'utf8')).toBe('我的笔记\n');
    expect(await simpsy(['--db', db, 'dialogues', 'export', existing, '--force'])).toMatchObject({ code: 0, stdout: `Exported 1 dialogue to ${existing} (paper).\n` });
    expect(JSON.parse(readFileSync(existing, 'utf8'))).toMatchObject({ id: 1, runId: 1, messages: expect.any(Array) });

    const before = (await simpsy(['--db', db, 'dialogues', 'list', '--json'])).stdout;
    const overDb = await simpsy(['--db', db, 'dialogues', 'export', db, '--force']);
    expect(overDb).toMatchObject({ code: 1, stderr: `simpsy: ${db} is the database SimPsy Studio is using; an export never writes over it. Choose another file name.\n` });
    expect((await simpsy(['--db', db, 'dialogues', 'list', '--json'])).stdout).toBe(before);
    expect(readdirSync(dir)).toEqual(['existing.txt']);
  });
});

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) (map.get(key(item)) ?? map.set(key(item), []).get(key(item))!).push(item);
  return map;
}

function count(db: string, sql: string): number {
  try {
    const raw = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (raw.prepare(sql).get() as { n: number }).n;
    } finally {
      raw.close();
    }
  } catch {
    return 0;
  }
}

describe('a crash and an interrupt', () => {
  it('SIGKILL mid-run, then resume: no completed turn lost or repeated, integrity ok', async () => {
    const db = tempDbPath();
    await setup(db, 25);
    server.respond(longTalk);
    const concurrency = 4;
    const child = startSimpsy(['--db', db, 'simulate', '--client', 'local', '--counselor', 'local', '--cards', 'test', '--repeat', '2', '--max-turns', '6', '--concurrency', String(concurrency), '--json']);
    const deadline = Date.now() + 20_000;
    while (count(db, 'SELECT count(*) AS n FROM sim_calls') < 40 && Date.now() < deadline) await sleep(10);
    child.child.kill('SIGKILL');
    expect(await child.exited).toBeNull();
    await sleep(100); // requests the dead process sent are logged

    const savedBefore = count(db, 'SELECT count(*) AS n FROM sim_calls');
    const seenBefore = server.requests.filter((r) => r.path === '/v1/chat/completions').length;
    expect(savedBefore).toBeGreaterThanOrEqual(40);
    expect(savedBefore).toBeLessThan(12 * 11);
    expect(seenBefore - savedBefore).toBeLessThanOrEqual(concurrency);
    const turnsBefore = new Database(db, { readonly: true }).prepare('SELECT session_id, idx, content FROM sim_messages ORDER BY session_id, idx').all();

    // The interrupted run is found paused (its process is gone) and resumes where it stopped.
    const list = JSON.parse((await simpsy(['--db', db, 'runs', 'list', '--json'])).stdout) as { id: number; status: string }[];
    expect(list).toMatchObject([{ id: 1, status: 'paused' }]);
    const resumed = await simpsy(['--db', db, 'runs', 'resume', '1', '--json']);
    expect(resumed.code).toBe(0);
    expect(lastJson(resumed.stdout)).toMatchObject({ runId: 1, status: 'done', sessions: 12, completed: 12, failed: 0 });

    const raw = new Database(db, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    // Every turn saved before the kill is still there, unchanged.
    const after = raw.prepare('SELECT session_id, idx, content FROM sim_messages ORDER BY session_id, idx').all();
    expect(after).toEqual(expect.arrayContaining(turnsBefore));
    // Each session: the opener and 6 turns each way, positions 0..11 once each, alternating.
    const rows = raw.prepare('SELECT session_id AS s, idx, role FROM sim_messages ORDER BY s, idx').all() as { s: number; idx: number; role: string }[];
    const bySession = groupBy(rows, (r) => r.s);
    expect(bySession.size).toBe(12);
    for (const list of bySession.values()) {
      expect(list.map((r) => r.idx)).toEqual([...Array(12).keys()]);
      expect(list.every((r) => r.role === (r.idx % 2 === 0 ? 'client' : 'counselor'))).toBe(true);
    }
    // Each counselor reply was made from exactly the saved dialogue before it (what the
    // resumed process sent was what the killed one had saved).
    const counselorPrompt = counselorTemplate(findResourcesDir(), 'zh');
    const messages = raw.prepare('SELECT session_id AS s, idx, role, content FROM sim_messages ORDER BY s, idx').all() as { s: number; idx: number; role: string; content: string }[];
    for (const list of groupBy(messages, (m) => m.s).values()) {
      for (const m of list.filter((x) => x.role === 'counselor')) {
        const view = [`system:${counselorPrompt}`, ...list.slice(0, m.idx).map((x) => `${x.role === 'counselor' ? 'assistant' : 'user'}:${x.content}`)];
        expect(m.content).toBe(`咨询师（${hash(view.join('|'))}）能再说说吗？`);
      }
    }
    // No completed call was made twice: the calls made in all are those saved plus those lost in flight.
    const calls = (raw.prepare('SELECT count(*) AS n FROM sim_calls').get() as { n: number }).n;
    expect(calls).toBe(12 * 11);
    const seen = server.requests.filter((r) => r.path === '/v1/chat/completions').length;
    expect(seen - calls).toBe(seenBefore - savedBefore);
    raw.close();
  });

  it('Ctrl-C pauses cleanly (exit 130) and the run resumes', async () => {
    const db = tempDbPath();
    await setup(db, 25);
    server.respond(longTalk);
    const child = startSimpsy(['--db', db, 'simulate', '--client', 'local', '--counselor', 'local', '--cards', 'test', '--max-turns', '8', '--concurrency', '3', '--json']);
    while (count(db, 'SELECT count(*) AS n FROM sim_calls') < 10) await sleep(10);
    child.child.kill('SIGINT');
    expect(await child.exited).toBe(130);
    expect(lastJson(child.output.stdout)).toMatchObject({ runId: 1, status: 'paused', sessions: 6 });
    expect(child.output.stderr).toMatch(/Pausing: letting the calls in flight finish/);
    expect(child.output.stderr).toMatch(/simpsy runs resume 1/);
    // Paused cleanly: every call the server answered was saved.
    expect(server.requests.filter((r) => r.path === '/v1/chat/completions').length).toBe(count(db, 'SELECT count(*) AS n FROM sim_calls'));
    const resumed = await simpsy(['--db', db, 'runs', 'resume', '1', '--json']);
    expect(lastJson(resumed.stdout)).toMatchObject({ status: 'done', completed: 6 });
    expect(count(db, 'SELECT count(*) AS n FROM sim_calls')).toBe(6 * 15);
    expect(server.requests.filter((r) => r.path === '/v1/chat/completions').length).toBe(6 * 15);
  });
});
