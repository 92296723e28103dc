import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobProgressEvent } from '../../src-main/contract';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import type { LeaseTiming } from '../../src-main/jobs/lease';
import { tempDbPath } from '../support/temp';

const open = (dbPath = tempDbPath()): AppContext => createAppContext({ dbPath });

describe('durable jobs', () => {
  it('run to done, reporting progress as events and in the table', async () => {
    const ctx = open();
    const seen: JobProgressEvent[] = [];
    ctx.events.on('jobs:progress', (e) => seen.push(e));
    const job = ctx.jobs.create('count', 'Count to three', { to: 3 }, 3);
    const finished = await ctx.runner.run(job.id, async (control) => {
      const { to } = ctx.jobs.params<{ to: number }>(job.id);
      for (let i = 1; i <= to; i++) {
        control.checkpoint();
        control.progress(i, to, `step ${i}`);
      }
      return 'counted';
    });
    expect(finished).toMatchObject({ status: 'done', done: 3, total: 3, message: 'counted' });
    expect(finished.startedAt).not.toBeNull();
    expect(finished.finishedAt).not.toBeNull();
    expect(seen.map((e) => [e.status, e.done])).toEqual([
      ['running', 0],
      ['running', 1],
      ['running', 2],
      ['running', 3],
      ['done', 3],
    ]);
    ctx.close();
  });

  it('record a thrown error as failed, with its message', async () => {
    const ctx = open();
    const job = ctx.jobs.create('boom', 'Fails');
    const finished = await ctx.runner.run(job.id, async () => {
      throw new Error('the endpoint vanished');
    });
    expect(finished).toMatchObject({ status: 'failed', error: 'the endpoint vanished' });
    ctx.close();
  });

  it('stop at the next checkpoint when cancelled, aborting calls in flight', async () => {
    const ctx = open();
    const job = ctx.jobs.create('slow', 'Slow');
    let steps = 0;
    let aborted = false;
    const running = ctx.runner.run(job.id, async (control) => {
      control.signal.addEventListener('abort', () => (aborted = true));
      for (;;) {
        control.checkpoint();
        steps++;
        await new Promise((r) => setTimeout(r, 5));
      }
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(ctx.runner.cancel(job.id).cancelRequested).toBe(true);
    const finished = await running;
    expect(finished.status).toBe('cancelled');
    expect(aborted).toBe(true);
    expect(steps).toBeGreaterThan(0);
    expect(ctx.runner.isRunning(job.id)).toBe(false);
    ctx.close();
  });

  it('cancel a queued job at once', () => {
    const ctx = open();
    const job = ctx.jobs.create('later', 'Later');
    expect(ctx.runner.cancel(job.id).status).toBe('cancelled');
    ctx.close();
  });

  it('refuse moves the status machine does not allow, and start a job only by claiming it', () => {
    const ctx = open();
    const job = ctx.jobs.create('k', 't');
    expect(() => ctx.jobs.transition(job.id, 'running')).toThrow(/is queued and cannot become running/);
    ctx.jobs.claim(job.id, ['queued']);
    ctx.jobs.finish(job.id, 'cancelled');
    expect(() => ctx.jobs.claim(job.id, ['queued', 'paused', 'failed', 'done'])).toThrow(/Job 1 is cancelled; it cannot be started/);
    expect(() => ctx.jobs.transition(job.id, 'paused')).toThrow(/is cancelled and cannot become paused/);
    ctx.close();
  });

  it('keep a remote id so remote work survives a restart', () => {
    const dbPath = tempDbPath();
    const first = open(dbPath);
    const job = first.jobs.create('train', 'Fine-tune');
    first.jobs.setRemoteId(job.id, 'gpu-host:4242');
    first.close();
    const second = open(dbPath);
    expect(second.jobs.get(job.id).remoteId).toBe('gpu-host:4242');
    second.close();
  });
});

// ---------------------------------------------------------------------------------------
// Ownership is a lease (owner token + heartbeat), not a process id.

const fast: LeaseTiming = { heartbeatMs: 20, staleMs: 150 };

/** A process that exists but is not the job's owner, as after a reboot or pid reuse. */
function otherProcess(): ChildProcess {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

/** A zombie: a child that exited and whose parent (`sleep`, after exec) never reaps it. */
async function zombie(): Promise<number> {
  const sh = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(sh);
  const pid = await new Promise<number>((resolve) => sh.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  for (let i = 0; i < 200 && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '); i++) await sleep(10);
  expect(readFileSync(`/proc/${pid}/stat`, 'utf8')).toContain(') Z ');
  return pid;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

/** Writes a running lease as another owner would have left it. */
function leaveRunning(ctx: AppContext, id: number, lease: { pid: number; heartbeatAgoMs: number | null; cancel?: boolean; host?: string }) {
  ctx.db
    .prepare(`UPDATE jobs SET status = 'running', owner_token = 'another', owner_pid = ?, owner_host = ?, heartbeat_at = ?, cancel_requested = ? WHERE id = ?`)
    .run(lease.pid, lease.host ?? hostname(), lease.heartbeatAgoMs === null ? null : Date.now() - lease.heartbeatAgoMs, lease.cancel ? 1 : 0, id);
}

describe('job leases', () => {
  it('on open, settle jobs whose lease is stale or whose process is gone, whatever their pid now is; keep live owners', async () => {
    const dbPath = tempDbPath();
    const first = open(dbPath);
    const names = ['stale, pid reused', 'stale, cancelling', 'gone', 'zombie', 'no heartbeat (older build)', 'live', 'live on another host'];
    const ids = Object.fromEntries(names.map((n) => [n, first.jobs.create('sim', n).id]));
    const reused = otherProcess().pid!;
    leaveRunning(first, ids['stale, pid reused']!, { pid: reused, heartbeatAgoMs: 60_000 });
    leaveRunning(first, ids['stale, cancelling']!, { pid: reused, heartbeatAgoMs: 60_000, cancel: true });
    leaveRunning(first, ids.gone!, { pid: 999_999_999, heartbeatAgoMs: 0 });
    leaveRunning(first, ids.zombie!, { pid: await zombie(), heartbeatAgoMs: 0 });
    leaveRunning(first, ids['no heartbeat (older build)']!, { pid: reused, heartbeatAgoMs: null });
    leaveRunning(first, ids.live!, { pid: reused, heartbeatAgoMs: 1_000 });
    // Another host's pid means nothing here: only its heartbeat counts.
    leaveRunning(first, ids['live on another host']!, { pid: 999_999_999, heartbeatAgoMs: 1_000, host: 'elsewhere' });
    first.close();

    const second = open(dbPath); // recovery runs when the context opens
    const status = (n: string) => second.jobs.get(ids[n]!).status;
    expect(second.jobs.get(ids['stale, pid reused']!)).toMatchObject({ status: 'paused', owner: null, message: expect.stringMatching(/its process stopped \(its last heartbeat: .*\); resume to continue/) });
    expect(status('stale, cancelling')).toBe('cancelled');
    expect(status('gone')).toBe('paused');
    expect(status('zombie')).toBe('paused');
    expect(status('no heartbeat (older build)')).toBe('paused');
    expect(second.jobs.get(ids.live!)).toMatchObject({ status: 'running', owner: { pid: reused, host: hostname() } });
    expect(status('live on another host')).toBe('running');
    second.close();
  });

  it('renew the heartbeat while a job runs, so a live owner keeps it long past the stale limit', async () => {
    const dbPath = tempDbPath();
    const owner = createAppContext({ dbPath, jobLease: fast });
    const other = createAppContext({ dbPath, jobLease: fast });
    const job = owner.jobs.create('slow', 'Slow');
    const beats = new Set<number>();
    const running = owner.runner.run(job.id, async (control) => {
      for (let i = 0; i < 50; i++) {
        control.checkpoint();
        beats.add((owner.db.prepare('SELECT heartbeat_at AS h FROM jobs WHERE id = ?').get(job.id) as { h: number }).h);
        await sleep(10);
      }
    });
    // Three stale limits pass; the other process sees a live owner the whole time.
    for (let i = 0; i < 9; i++) {
      await sleep(fast.staleMs / 3);
      expect(other.jobs.get(job.id).status).toBe('running');
      expect(() => other.runner.run(job.id, async () => undefined)).toThrow(new RegExp(`^Job ${job.id} is running in process ${process.pid} on .*heartbeat \\d+ s ago\\); pause it there, or wait\\.$`));
    }
    expect((await running).status).toBe('done');
    expect(beats.size).toBeGreaterThan(5);
    expect(other.jobs.get(job.id)).toMatchObject({ status: 'done', owner: null });
    owner.close();
    other.close();
  });

  it('let exactly one of several owners claim a job at once', () => {
    const dbPath = tempDbPath();
    const contexts = Array.from({ length: 4 }, () => open(dbPath));
    const job = contexts[0]!.jobs.create('sim', 'Contested');
    contexts[0]!.jobs.transition(job.id, 'paused');
    const outcomes = contexts.map((c) => {
      try {
        c.jobs.claim(job.id, ['paused']);
        return 'claimed';
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(outcomes.filter((o) => o === 'claimed')).toHaveLength(1);
    for (const o of outcomes.filter((o) => o !== 'claimed')) expect(o).toMatch(/^Job 1 is running in process \d+ on /);
    for (const c of contexts) c.close();
  });

  it('an owner that lost its lease (frozen past the stale limit, taken over) stops at once and writes nothing more', async () => {
    const dbPath = tempDbPath();
    // This owner renews far too rarely, as a suspended laptop would.
    const frozen = createAppContext({ dbPath, jobLease: { heartbeatMs: 60_000, staleMs: 60_000 } });
    const other = createAppContext({ dbPath, jobLease: fast });
    const job = frozen.jobs.create('slow', 'Slow', {}, 100);
    let stepsAfterLoss = 0;
    let takenOver = false;
    const running = frozen.runner.run(job.id, async (control) => {
      for (let i = 0; ; i++) {
        control.checkpoint();
        if (takenOver) stepsAfterLoss++;
        control.progress(i, 100);
        await sleep(5);
      }
    });
    await sleep(fast.staleMs + 50);
    const { previous } = other.jobs.claim(job.id, ['paused']);
    takenOver = true;
    expect(previous).toMatchObject({ status: 'running', owner: { pid: process.pid } });
    const ended = await running;
    expect(ended).toMatchObject({ status: 'running', owner: { pid: process.pid } });
    expect(stepsAfterLoss).toBe(0);
    // The row is the new owner's: the old one neither ended it nor reported progress.
    const row = other.db.prepare('SELECT status, done, owner_token AS token FROM jobs WHERE id = ?').get(job.id) as { status: string; done: number; token: string };
    expect(row).toMatchObject({ status: 'running', token: other.jobs.owner.token });
    other.jobs.progress(job.id, 42, 100);
    expect(other.jobs.finish(job.id, 'done')).toMatchObject({ status: 'done', done: 42 });
    expect(frozen.jobs.finish(job.id, 'failed', { error: 'late' })).toBeNull();
    frozen.close();
    other.close();
  });

  it('pause a job running in another process: a flag its owner sees at the next checkpoint', async () => {
    const dbPath = tempDbPath();
    const owner = open(dbPath);
    const app = open(dbPath);
    const job = owner.jobs.create('slow', 'Slow');
    let steps = 0;
    const running = owner.runner.run(job.id, async (control) => {
      for (;;) {
        control.checkpoint();
        steps++;
        await sleep(5);
      }
    });
    await sleep(30);
    expect(app.runner.pause(job.id)).toMatchObject({ status: 'running', pauseRequested: true, message: 'Pausing: finishing the calls in flight' });
    expect(await running).toMatchObject({ status: 'paused', pauseRequested: false, owner: null });
    expect(steps).toBeGreaterThan(0);
    // Claiming it again clears the flag, so the next run is not paused at once.
    const again = await owner.runner.run(job.id, async (control) => control.checkpoint());
    expect(again.status).toBe('done');
    owner.close();
    app.close();
  });
});
