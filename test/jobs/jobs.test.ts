import { describe, expect, it } from 'vitest';
import type { JobProgressEvent } from '../../src-main/contract';
import { createAppContext, type AppContext } from '../../src-main/app/context';
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

  it('refuse moves the status machine does not allow', () => {
    const ctx = open();
    const job = ctx.jobs.create('k', 't');
    ctx.jobs.transition(job.id, 'running');
    ctx.jobs.transition(job.id, 'done');
    expect(() => ctx.jobs.transition(job.id, 'running')).toThrow(/is done and cannot become running/);
    ctx.close();
  });

  it('after a crash, pause running jobs of dead processes and leave live ones alone', () => {
    const dbPath = tempDbPath();
    const first = open(dbPath);
    const crashed = first.jobs.create('sim', 'Crashed run');
    const cancelling = first.jobs.create('sim', 'Was cancelling');
    const live = first.jobs.create('sim', 'Still running elsewhere');
    for (const j of [crashed, cancelling, live]) first.jobs.transition(j.id, 'running');
    first.jobs.requestCancel(cancelling.id);
    // Pretend the first two belonged to a process that died and the third to one still alive.
    first.db.prepare('UPDATE jobs SET owner_pid = ? WHERE id IN (?, ?)').run(999_999_999, crashed.id, cancelling.id);
    first.close();

    const second = open(dbPath); // recovery runs when the context opens
    expect(second.jobs.get(crashed.id)).toMatchObject({ status: 'paused', message: expect.stringMatching(/resume/) });
    expect(second.jobs.get(cancelling.id).status).toBe('cancelled');
    expect(second.jobs.get(live.id).status).toBe('running');
    second.close();
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
