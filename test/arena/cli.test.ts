import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { simpsy, startSimpsy } from '../support/cli';
import { tempDbPath, tempDir } from '../support/temp';
import { paperFixtures } from '../simulation/support';
import { arenaPlay } from './support';

// The arena through the built `simpsy`, as a user runs it: real processes, a real database,
// the test LLM server playing client, counselors and supervisor.

const SLOW = 120_000;

let server: LlmServer;
beforeAll(async () => {
  server = await startLlmServer({ models: ['test-model', 'alpha', 'beta', 'gamma', 'judge'] });
});
afterAll(() => server.close());

const lastJson = (stdout: string) => JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as Record<string, unknown>;
const chatCalls = () => server.requests.filter((r) => r.path === '/v1/chat/completions').length;

function count(db: string, sql: string): number {
  const raw = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return (raw.prepare(sql).get() as { n: number }).n;
  } catch {
    return 0;
  } finally {
    raw.close();
  }
}

async function setup(db: string, latencyMs = 0) {
  server.reset();
  server.setLatency(latencyMs);
  server.respond(arenaPlay());
  expect(await simpsy(['--db', db, 'endpoints', 'add', '--name', 'local', '--base-url', server.url, '--model', 'test-model'])).toMatchObject({ code: 0 });
  expect(await simpsy(['--db', db, 'cards', 'import', paperFixtures])).toMatchObject({ code: 0 });
  for (const name of ['alpha', 'beta', 'gamma']) {
    expect(await simpsy(['--db', db, 'counselors', 'add', '--name', name, '--endpoint', 'local', '--model', name])).toMatchObject({ code: 0 });
  }
}

describe('simpsy counselors', () => {
  it('adds with a Table 3 preset, the released prompt or a prompt file; lists; removes; refuses bad input with the flag named', async () => {
    const db = tempDbPath();
    server.reset();
    expect(await simpsy(['--db', db, 'endpoints', 'add', '--name', 'local', '--base-url', server.url, '--model', 'test-model'])).toMatchObject({ code: 0 });
    expect(await simpsy(['--db', db, 'counselors', 'add', '--preset', 'SoulChat', '--endpoint', 'local', '--model', 'soulchat'])).toMatchObject({ code: 0 });
    expect(await simpsy(['--db', db, 'counselors', 'add', '--name', 'released', '--endpoint', 'local', '--prompt', 'released', '--temperature', '0.3'])).toMatchObject({ code: 0 });
    const file = join(tempDir(), 'prompt.txt');
    writeFileSync(file, '你是一位温和的心理咨询师。');
    expect(await simpsy(['--db', db, 'counselors', 'add', '--name', 'mine', '--endpoint', 'local', '--prompt', file])).toMatchObject({ code: 0 });
    const listed = JSON.parse((await simpsy(['--db', db, 'counselors', 'list', '--json'])).stdout) as Record<string, unknown>[];
    expect(listed.map((c) => c.name)).toEqual(['mine', 'released', 'SoulChat']);
    expect(listed.find((c) => c.name === 'SoulChat')).toMatchObject({ endpoint: 'local', model: 'soulchat', temperature: 0.95, topP: 0.75, preset: 'SoulChat', promptName: 'default' });
    expect(listed.find((c) => c.name === 'released')).toMatchObject({ model: 'test-model', promptName: 'released', temperature: 0.3, topP: null });
    expect(listed.find((c) => c.name === 'mine')).toMatchObject({ promptName: 'custom', prompt: '你是一位温和的心理咨询师。' });

    const dup = await simpsy(['--db', db, 'counselors', 'add', '--name', 'mine', '--endpoint', 'local']);
    expect(dup).toMatchObject({ code: 1 });
    expect(dup.stderr).toMatch(/A counselor named 'mine' exists already/);
    const badTemp = await simpsy(['--db', db, 'counselors', 'add', '--name', 'x', '--endpoint', 'local', '--temperature', '3']);
    expect(badTemp.stderr).toMatch(/--temperature: must be between 0 and 2/);
    expect((await simpsy(['--db', db, 'counselors', 'add', '--name', 'x', '--endpoint', 'nowhere'])).stderr).toMatch(/No endpoint named 'nowhere'/);
    expect((await simpsy(['--db', db, 'counselors', 'add', '--name', 'x', '--endpoint', 'local', '--preset', 'ChatGPT'])).stderr).toMatch(/No preset named 'ChatGPT'. Presets \(paper Table 3\): SoulChat, MeChat/);
    expect((await simpsy(['--db', db, 'counselors', 'add', '--name', 'x', '--endpoint', 'local', '--prompt', '/no/such/file'])).stderr).toMatch(/--prompt: cannot read \/no\/such\/file \(ENOENT\)/);

    expect(await simpsy(['--db', db, 'counselors', 'remove', 'mine'])).toMatchObject({ code: 0 });
    const gone = await simpsy(['--db', db, 'counselors', 'remove', 'mine']);
    expect(gone).toMatchObject({ code: 1 });
    expect(gone.stderr).toMatch(/No counselor named 'mine'. Known: released, SoulChat./);
    expect((await simpsy(['--db', db, 'counselors', 'list'])).stdout).toMatch(/SoulChat\s+local\s+soulchat\s+default\s+0.95\s+0.75/);
  }, SLOW);
});

describe('simpsy arena', () => {
  it('runs three counselors on the held-out test cards; the last line is the JSON summary; list, show and export follow', async () => {
    const db = tempDbPath();
    await setup(db);
    const run = await simpsy(['--db', db, 'arena', 'run', '--counselors', 'alpha,beta,gamma', '--client', 'local', '--judge', 'local', '--judge-model', 'judge', '--max-turns', '2', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const sessions = count(db, `SELECT count(*) AS n FROM role_cards WHERE split = 'test'`);
    expect(sessions).toBeGreaterThanOrEqual(3);
    expect(lastJson(run.stdout)).toMatchObject({ arenaId: 1, sessions, battles: 2 * sessions, failedJudgments: 0 });
    expect(count(db, 'SELECT count(*) AS n FROM arena_calls')).toBe(chatCalls());

    // The ratings read the same battles: alpha (this judge's favourite) first, gamma last.
    const rated = await simpsy(['--db', db, 'ratings', '--arena', '1', '--source', 'judge', '--bootstrap', '50', '--json']);
    expect(rated.code).toBe(0);
    const ratings = lastJson(rated.stdout) as { battles: number; models: { name: string; elo: number; battles: number }[] };
    expect(ratings.battles).toBe(2 * sessions);
    const byElo = [...ratings.models].sort((x, y) => y.elo - x.elo).map((m) => m.name);
    expect(byElo).toEqual(['alpha', 'beta', 'gamma']);
    expect((await simpsy(['--db', db, 'ratings', '--arena', '1', '--source', 'humans'])).stderr).toMatch(/--source must be judge, human or all/);

    const list = await simpsy(['--db', db, 'arena', 'list']);
    expect(list.stdout).toMatch(/1\s+done\s+alpha,beta,gamma\s+local\/judge/);
    const show = await simpsy(['--db', db, 'arena', 'show', '1']);
    expect(show.stdout).toMatch(/Arena 1 done: \d+ sessions \(\d+ turn_limit\), \d+ battles, 0 failed judgments, 0 ties\./);

    const dir = tempDir();
    const file = join(dir, 'battles.jsonl');
    expect(await simpsy(['--db', db, 'battles', 'export', file, '--arena', '1'])).toMatchObject({ code: 0 });
    const battles = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(battles).toHaveLength(2 * sessions);
    for (const b of battles) {
      expect(['model_a', 'model_b', 'tie', 'tie (bothbad)']).toContain(b.winner);
      expect(['alpha', 'beta', 'gamma']).toContain(b.model_a);
      expect(b).toHaveProperty('conversation_a');
      expect(b).toHaveProperty('judge_output');
    }
    const again = await simpsy(['--db', db, 'battles', 'export', file, '--arena', '1']);
    expect(again.code).toBe(1);
    const dpo = join(dir, 'dpo.jsonl');
    expect(await simpsy(['--db', db, 'battles', 'export', dpo, '--arena', '1', '--format', 'dpo'])).toMatchObject({ code: 0 });
    const pair = JSON.parse(readFileSync(dpo, 'utf8').split('\n')[0]!) as Record<string, unknown>;
    expect(Object.keys(pair)).toEqual(expect.arrayContaining(['prompt', 'chosen', 'rejected']));
    expect((await simpsy(['--db', db, 'battles', 'export', dpo, '--arena', '1', '--format', 'csv', '--force'])).stderr).toMatch(/--format must be arena, dpo; got 'csv'/);
    expect((await simpsy(['--db', db, 'battles', 'export', dpo, '--arena', '9', '--force'])).stderr).toMatch(/Arena 9 was not found/);
  }, SLOW);

  it('refuses an unknown counselor and a single one, creating nothing', async () => {
    const db = tempDbPath();
    await setup(db);
    const unknown = await simpsy(['--db', db, 'arena', 'run', '--counselors', 'alpha,omega', '--client', 'local', '--judge', 'local']);
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr).toBe("simpsy: No counselor named 'omega'. Known: alpha, beta, gamma.\n");
    const lone = await simpsy(['--db', db, 'arena', 'run', '--counselors', 'alpha', '--client', 'local', '--judge', 'local']);
    expect(lone.stderr).toMatch(/--counselors takes two or more counselor names/);
    expect((await simpsy(['--db', db, 'arena', 'run', '--counselors', 'alpha,beta', '--client', 'local', '--judge', 'local', '--prompt', '3'])).stderr).toMatch(/--prompt must be 1, 2; got '3'/);
    expect(count(db, 'SELECT count(*) AS n FROM arena_runs')).toBe(0);
    expect(chatCalls()).toBe(0);
  }, SLOW);

  it('kill -9 mid-run, then `arena resume`: it finishes, and every call it makes is one that was still missing', async () => {
    const db = tempDbPath();
    await setup(db, 20);
    const cli = startSimpsy(['--db', db, 'arena', 'run', '--counselors', 'alpha,beta,gamma', '--client', 'local', '--judge', 'local', '--judge-model', 'judge', '--max-turns', '4', '--concurrency', '2', '--json']);
    const end = Date.now() + 60_000;
    while (count(db, 'SELECT count(*) AS n FROM arena_calls') < 12) {
      if (Date.now() > end) throw new Error(`no progress: ${cli.output.stderr}`);
      await sleep(10);
    }
    process.kill(cli.pid, 'SIGKILL');
    await cli.exited;
    const stored = count(db, 'SELECT count(*) AS n FROM arena_calls');
    const battlesBefore = count(db, 'SELECT count(*) AS n FROM battles');
    const sessions = count(db, 'SELECT count(*) AS n FROM arena_sessions');
    expect(battlesBefore).toBeLessThan(4 * sessions);
    const before = chatCalls();

    const resumed = await simpsy(['--db', db, 'arena', 'resume', '1', '--json']);
    expect(resumed.code).toBe(0);
    expect(lastJson(resumed.stdout)).toMatchObject({ arenaId: 1, status: 'done', sessions, battles: 4 * sessions, failedJudgments: 0 });
    // What the resume asked the server for is exactly what it stored: nothing completed was asked again.
    expect(count(db, 'SELECT count(*) AS n FROM arena_calls')).toBe(stored + (chatCalls() - before));
    // And the arena as a whole holds exactly the calls Algorithm 2 needs: 4 turns × 3 calls, 3 client answers, per session.
    expect(count(db, 'SELECT count(*) AS n FROM arena_calls')).toBe(sessions * (4 * 3 + 3));
    const check = await simpsy(['--db', db, 'db', 'check']);
    expect(check.code).toBe(0);
  }, SLOW);

  it('Ctrl-C pauses (exit 130, the JSON says paused), `arena resume` finishes it, `arena cancel` then has nothing to do', async () => {
    const db = tempDbPath();
    await setup(db, 20);
    const cli = startSimpsy(['--db', db, 'arena', 'run', '--counselors', 'alpha,beta', '--client', 'local', '--judge', 'local', '--max-turns', '3', '--concurrency', '2', '--json']);
    const end = Date.now() + 60_000;
    while (count(db, 'SELECT count(*) AS n FROM arena_calls') < 4) {
      if (Date.now() > end) throw new Error(`no progress: ${cli.output.stderr}`);
      await sleep(10);
    }
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(130);
    expect(lastJson(cli.output.stdout)).toMatchObject({ arenaId: 1, status: 'paused' });
    expect(cli.output.stderr).toMatch(/Arena 1 is paused. Resume it with: simpsy arena resume 1/);
    const resumed = await simpsy(['--db', db, 'arena', 'resume', '1', '--json']);
    expect(lastJson(resumed.stdout)).toMatchObject({ status: 'done', failedJudgments: 0 });
    expect((await simpsy(['--db', db, 'arena', 'resume', '1'])).stderr).toMatch(/Arena 1 is finished; there is nothing to resume/);
    expect((await simpsy(['--db', db, 'arena', 'cancel', '1'])).stdout).toBe('Arena 1 is finished; there was nothing to cancel.\n');
  }, SLOW);
});
