import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext } from '../../src-main/app/context';
import type { Result } from '../../src-main/contract';
import { createDispatch } from '../../src-main/ipc/dispatch';
import { createHandlerTable } from '../../src-main/ipc/handlers';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { simpsy, startSimpsy } from '../support/cli';
import { tempDbPath } from '../support/temp';
import { agentOf, longTalk, paperFixtures } from './support';

// Runs cannot get stuck, doubled or unfinishable (issue 7, item 3), through the built
// `simpsy` as a user runs it: real processes, a real database, the test LLM server.

/** Each test starts several CLI processes; on a busy 2-core machine that takes a while. */
const SLOW = 120_000;

let server: LlmServer;
beforeAll(async () => {
  server = await startLlmServer();
});
afterAll(() => server.close());

/** Processes a test started outside the CLI helper (sleep, sh), ended after each test. */
const strays: number[] = [];
afterEach(() => {
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

async function setup(db: string, latencyMs = 0, model = 'test-model') {
  server.reset();
  server.setLatency(latencyMs);
  expect(await simpsy(['--db', db, 'endpoints', 'add', '--name', 'local', '--base-url', server.url, '--model', model])).toMatchObject({ code: 0 });
  expect(await simpsy(['--db', db, 'cards', 'import', paperFixtures])).toMatchObject({ code: 0 });
}

const lastJson = (stdout: string) => JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as Record<string, unknown>;
const chatRequests = () => server.requests.filter((r) => r.path === '/v1/chat/completions');

function query<T>(db: string, sql: string, ...params: unknown[]): T {
  const raw = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return raw.prepare(sql).get(...params) as T;
  } finally {
    raw.close();
  }
}

function write(db: string, sql: string, ...params: unknown[]): void {
  const raw = new Database(db, { fileMustExist: true });
  try {
    raw.pragma('busy_timeout = 5000');
    raw.prepare(sql).run(...params);
  } finally {
    raw.close();
  }
}

const calls = (db: string) => {
  try {
    return query<{ n: number }>(db, 'SELECT count(*) AS n FROM sim_calls').n;
  } catch {
    return 0;
  }
};

async function until(check: () => boolean, ms = 20_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(10);
  }
}

/** A run of the six test cards, paused by Ctrl-C after a few calls. */
async function pausedRun(db: string, maxTurns: number) {
  const child = startSimpsy(['--db', db, 'simulate', '--client', 'local', '--counselor', 'local', '--cards', 'test', '--max-turns', String(maxTurns), '--concurrency', '3', '--json']);
  await until(() => calls(db) >= 6);
  child.child.kill('SIGINT');
  expect(await child.exited).toBe(130);
  expect(lastJson(child.output.stdout)).toMatchObject({ runId: 1, status: 'paused' });
}

/** Starts a process whose child is `command`; the parent never reaps it, as an init that does not reap. */
function startUnreaped(command: string[]): Promise<{ pid: number; parent: number }> {
  const quoted = command.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const sh = spawn('sh', ['-c', `${quoted} >/dev/null 2>&1 & echo $!; exec sleep 120`], { stdio: ['ignore', 'pipe', 'ignore'] });
  strays.push(sh.pid!);
  return new Promise((resolve, reject) => {
    let out = '';
    sh.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve({ pid: Number(out.trim()), parent: sh.pid! });
    });
    sh.on('error', reject);
  });
}

const procState = (pid: number): string | null => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
};

describe('claiming a run is atomic', () => {
  it('four `runs resume` of one paused run at once: one goes ahead, the others exit 1 with one line naming who has it, and no call is made twice', async () => {
    const db = tempDbPath();
    await setup(db, 30);
    server.respond(longTalk);
    await pausedRun(db, 16);
    const before = chatRequests().length;
    expect(before).toBe(calls(db)); // paused cleanly: every answered call was saved

    // Hold the write lock while the four start, so they reach the database together rather
    // than one process start-up apart (on main this made two of them run the same calls).
    const gate = new Database(db);
    gate.exec('BEGIN IMMEDIATE');
    const racers = Array.from({ length: 4 }, () => startSimpsy(['--db', db, 'runs', 'resume', '1', '--json']));
    await sleep(2500); // less than the CLI's busy timeout (5 s)
    gate.exec('COMMIT');
    gate.close();
    const codes = await Promise.all(racers.map((r) => r.exited));
    expect(codes.filter((c) => c === 0)).toHaveLength(1);
    expect(codes.filter((c) => c === 1)).toHaveLength(3);
    const winner = racers[codes.indexOf(0)]!;
    expect(lastJson(winner.output.stdout)).toMatchObject({ runId: 1, status: 'done', sessions: 6, completed: 6, failed: 0 });
    for (const loser of racers.filter((r) => r !== winner)) {
      expect(loser.output.stdout).toBe('');
      const lines = loser.output.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^simpsy: Run 1 is running in process ${winner.pid} on \\S+ \\(since .+\\); pause it there, or wait\\.$`));
    }
    // Each call was made once: six sessions of 16 turns are 6 × 31 calls, and the server saw no more.
    expect(calls(db)).toBe(6 * 31);
    expect(chatRequests()).toHaveLength(6 * 31);
    expect(query<{ status: string; error: string | null }>(db, 'SELECT status, error FROM jobs WHERE id = 1')).toEqual({ status: 'done', error: null });
  }, SLOW);
});

describe('ownership is a lease, not a pid', () => {
  it('kill -9 mid-run leaves a zombie nobody reaps; `runs resume` at once continues the run', async () => {
    const db = tempDbPath();
    await setup(db, 20);
    server.respond(longTalk);
    const cli = await startUnreaped([process.execPath, 'bin/simpsy.cjs', '--db', db, 'simulate', '--client', 'local', '--counselor', 'local', '--cards', 'test', '--max-turns', '6', '--concurrency', '3']);
    await until(() => calls(db) >= 10);
    process.kill(cli.pid, 'SIGKILL');
    await until(() => procState(cli.pid) === 'Z', 5000);

    const resumed = await simpsy(['--db', db, 'runs', 'resume', '1', '--json']);
    expect(resumed.stderr).not.toMatch(/already running|is running in process/);
    expect(resumed.code).toBe(0);
    expect(lastJson(resumed.stdout)).toMatchObject({ runId: 1, status: 'done', completed: 6 });
    expect(procState(cli.pid)).toBe('Z'); // it was never reaped: the lease, not the pid, decided
    expect(calls(db)).toBe(6 * 11);
  }, SLOW);

  it('a run whose owner pid now belongs to another live process: refused while its heartbeat is fresh, resumable once it is stale', async () => {
    const db = tempDbPath();
    await setup(db);
    server.respond(longTalk);
    await pausedRun(db, 4);
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    strays.push(other.pid!);
    // As after a reboot or a crash: the row says running, owned by a pid that is now someone else's.
    const own = (heartbeatAgoMs: number) =>
      write(db, `UPDATE jobs SET status = 'running', owner_pid = ?, owner_token = 'gone', owner_host = ?, heartbeat_at = ? WHERE id = 1`, other.pid, hostname(), Date.now() - heartbeatAgoMs);

    own(1_000);
    const refused = await simpsy(['--db', db, 'runs', 'resume', '1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`^simpsy: Run 1 is running in process ${other.pid} on \\S+ \\(since .+\\); pause it there, or wait\\.\\n$`));

    own(10 * 60_000);
    const list = JSON.parse((await simpsy(['--db', db, 'runs', 'list', '--json'])).stdout) as { id: number; status: string }[];
    expect(list).toMatchObject([{ id: 1, status: 'paused' }]);
    own(10 * 60_000);
    const resumed = await simpsy(['--db', db, 'runs', 'resume', '1', '--json']);
    expect(resumed.code).toBe(0);
    expect(lastJson(resumed.stdout)).toMatchObject({ status: 'done', completed: 6 });

    // cancel and remove are not stuck either.
    write(db, `UPDATE jobs SET status = 'running', finished_at = NULL WHERE id = 1`);
    own(10 * 60_000);
    expect(await simpsy(['--db', db, 'runs', 'remove', '1'])).toMatchObject({ code: 0, stdout: 'Removed run 1.\n' });
  }, SLOW);
});

describe('honest endings', () => {
  it('calls that all come back as malformed 200s: the run fails with the commonest reason (exit 1) and resumes once the server is fixed', async () => {
    const db = tempDbPath();
    await setup(db);
    server.respond(() => ({ fault: 'malformed' }));
    const failed = await simpsy(['--db', db, 'simulate', '--client', 'local', '--counselor', 'local', '--cards', '1,2,3', '--max-retries', '1', '--max-turns', '3', '--json']);
    expect(failed.code).toBe(1);
    expect(lastJson(failed.stdout)).toMatchObject({ runId: 1, status: 'failed', sessions: 3, failed: 3 });
    expect(failed.stderr).toMatch(/^simpsy: 3 of 3 sessions ended in error, most often bad_response \(3\): .*not an OpenAI-compatible response.* \(simpsy runs resume 1\)$/m);
    expect((await simpsy(['--db', db, 'runs', 'show', '1'])).stdout).toMatch(/status\s+failed \(3 of 3 sessions ended in error/);

    server.respond(longTalk);
    const resumed = await simpsy(['--db', db, 'runs', 'resume', '1', '--json']);
    expect(resumed.code).toBe(0);
    expect(lastJson(resumed.stdout)).toMatchObject({ runId: 1, status: 'done', completed: 3, failed: 0 });
  }, SLOW);
});

describe('fixable means resumable', () => {
  it('a run that failed on a wrong model name finishes with `runs resume --counselor-model --client-model`, and `runs show` lists the change', async () => {
    const db = tempDbPath();
    await setup(db, 0, 'test-modle');
    server.respond(longTalk);
    const failed = await simpsy(['--db', db, 'simulate', '--client', 'local', '--counselor', 'local', '--cards', '1,2', '--max-turns', '2']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/no model 'test-modle' \(404\)/);
    expect(failed.stderr).toMatch(/simpsy runs resume 1 --client-model M --counselor-model M/);

    expect(await simpsy(['--db', db, 'runs', 'resume', '1', '--counselor-model', ' '])).toMatchObject({ code: 1, stderr: expect.stringMatching(/^simpsy: --counselor-model: /) });
    const resumed = await simpsy(['--db', db, 'runs', 'resume', '1', '--counselor-model', 'test-model', '--client-model', 'test-model', '--json']);
    expect(resumed.code).toBe(0);
    expect(lastJson(resumed.stdout)).toMatchObject({ status: 'done', completed: 2 });
    expect(chatRequests().filter((r) => (r.body as { model: string }).model === 'test-model').length).toBe(2 * 3);

    const show = (await simpsy(['--db', db, 'runs', 'show', '1'])).stdout;
    expect(show).toMatch(/counselor\s+local: test-model/);
    expect(show).toMatch(/history\s+[\s\S]*client model test-modle → test-model/);
    expect(show).toMatch(/counselor model test-modle → test-model/);
    const detail = JSON.parse((await simpsy(['--db', db, 'runs', 'show', '1', '--json'])).stdout) as { history: { kind: string; role?: string; from?: string; to?: string }[] };
    expect(detail.history).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'model_changed', role: 'client', from: 'test-modle', to: 'test-model' }),
        expect.objectContaining({ kind: 'model_changed', role: 'counselor', from: 'test-modle', to: 'test-model' }),
      ]),
    );
  }, SLOW);

  it('`runs retry` continues the sessions that ended in error from their last saved turn, repeating no completed call', async () => {
    const db = tempDbPath();
    await setup(db);
    // The first session to ask for its second counselor reply fails there for good; the others finish.
    let broken = true;
    let doomed: string | undefined;
    server.respond((ctx) => {
      if (broken && agentOf(ctx) === 'counselor' && ctx.messages.length === 4) {
        doomed ??= ctx.lastUserMessage;
        if (ctx.lastUserMessage === doomed) return { fault: 'server_error', status: 500 };
      }
      return longTalk(ctx);
    });
    const run = await simpsy(['--db', db, 'simulate', '--client', 'local', '--counselor', 'local', '--cards', '1,2,3', '--max-turns', '3', '--max-retries', '0', '--concurrency', '1', '--json']);
    expect(run.code).toBe(0);
    expect(lastJson(run.stdout)).toMatchObject({ status: 'done', completed: 2, failed: 1 });
    const errored = query<{ id: number; messages: number }>(db, `SELECT id, message_count AS messages FROM sim_sessions WHERE end_reason = 'error'`);
    expect(errored.messages).toBe(3);
    const callsBefore = calls(db);
    const requestsBefore = chatRequests().length;
    const costBefore = query<{ calls: number }>(db, 'SELECT calls FROM sim_runs WHERE id = 1').calls;

    broken = false;
    const retried = await simpsy(['--db', db, 'runs', 'retry', '1']);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toMatch(/^Run 1 done: 3 sessions, 3 completed, 0 failed\./);
    expect(retried.stderr).toMatch(/^Retrying 1 session of run 1 that ended in error\./);
    // The session went on from its third message: 3 more calls (counselor, client, counselor), none repeated.
    expect(calls(db) - callsBefore).toBe(3);
    expect(chatRequests().length - requestsBefore).toBe(3);
    expect(query<{ calls: number }>(db, 'SELECT calls FROM sim_runs WHERE id = 1').calls).toBe(costBefore + 3);
    expect(query<{ n: number }>(db, 'SELECT count(*) AS n FROM sim_messages WHERE session_id = ?', errored.id).n).toBe(6);
    expect((await simpsy(['--db', db, 'runs', 'show', '1'])).stdout).toMatch(/history\s+[\s\S]*retried 1 session that ended in error/);
    expect(await simpsy(['--db', db, 'runs', 'retry', '1'])).toMatchObject({ code: 1, stderr: 'simpsy: Run 1 has no session that ended in error; there is nothing to retry.\n' });
  }, SLOW);
});

describe('pause from anywhere', () => {
  it('the app pauses a run the CLI is running: the CLI finishes its calls in flight, saves them and stops', async () => {
    const db = tempDbPath();
    await setup(db, 30);
    server.respond(longTalk);
    const cli = startSimpsy(['--db', db, 'simulate', '--client', 'local', '--counselor', 'local', '--cards', 'test', '--max-turns', '20', '--concurrency', '3', '--json']);
    await until(() => calls(db) >= 6);
    const app = createAppContext({ dbPath: db });
    try {
      const dispatch = createDispatch(createHandlerTable(), app, () => {});
      const paused = (await dispatch('simulation:pause', { id: 1 })) as Result<{ status: string }>;
      expect(paused).toMatchObject({ ok: true, value: { status: 'running' } });
      expect(await cli.exited).toBe(1);
      expect(lastJson(cli.output.stdout)).toMatchObject({ runId: 1, status: 'paused' });
      expect(cli.output.stderr).toMatch(/Run 1 is paused\. Resume it with: simpsy runs resume 1/);
      expect(chatRequests().length).toBe(calls(db)); // calls in flight finished and were saved
      expect(app.simulation.summary(1).status).toBe('paused');
    } finally {
      app.close();
    }
    expect(lastJson((await simpsy(['--db', db, 'runs', 'resume', '1', '--json'])).stdout)).toMatchObject({ status: 'done', completed: 6 });
  }, SLOW);
});
