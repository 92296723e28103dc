import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../src-main/common/errors';
import { findWorkerEntry, sourceEntry } from '../../src-main/workers/entry';
import { WorkerPool } from '../../src-main/workers/pool';
import { TaskCancelled, type TaskProgress } from '../../src-main/workers/task';
import { tempDir } from '../support/temp';
import { testTasks } from './test-tasks';

// The pool with tasks made to test it (test-tasks.ts), run from TypeScript sources through
// tsx as every test does; the built worker is tested with the built CLI.

const pools: WorkerPool<typeof testTasks>[] = [];
const pool = (size = 1) => {
  const p = new WorkerPool({ registry: testTasks, size, entry: sourceEntry(join(__dirname, 'test-worker.ts')) });
  pools.push(p);
  return p;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

const after = (ms: number) => new Promise((r) => setTimeout(r, ms));
const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a failure'); }, (error: unknown) => error as Error);

describe('the worker pool', () => {
  it('runs a task in a worker thread, or inline in this one when asked', async () => {
    const p = pool();
    const there = await p.run('thread', { ms: 0 });
    expect(there).not.toBe(threadId);
    expect(await p.run('thread', { ms: 0 }, { inline: true })).toBe(threadId);
    expect(await p.run('echo', { text: '焦虑', list: [1, 2], nested: { ok: true } })).toEqual({ text: '焦虑', list: [1, 2], nested: { ok: true } });
    // The thread is kept for the next task.
    expect(await p.run('thread', { ms: 0 })).toBe(there);
    expect(p.threads).toBe(1);
  });

  it('reports progress as the task goes, at most every 50 ms, with the first and the last step', async () => {
    const seen: TaskProgress[] = [];
    expect(await pool().run('count', { steps: 40, ms: 5 }, { onProgress: (p) => seen.push(p) })).toBe(40);
    expect(seen[0]).toEqual({ done: 0, total: 40, message: 'step 0' });
    expect(seen.at(-1)).toEqual({ done: 40, total: 40, message: 'done' });
    expect(seen.length).toBeLessThan(40);
    expect(seen.map((p) => p.done)).toEqual([...seen.map((p) => p.done)].sort((a, b) => a - b));
  });

  it('cancels a running task at its next checkpoint; the thread stays for the next task', async () => {
    const p = pool();
    const first = await p.run('thread', { ms: 0 });
    const abort = new AbortController();
    const started = new Promise<void>((resolve) => {
      void failure(p.run('count', { steps: 10_000, ms: 5 }, { signal: abort.signal, onProgress: () => resolve() })).then((error) => cancelled.push(error));
    });
    const cancelled: Error[] = [];
    await started;
    abort.abort();
    await after(0);
    expect(cancelled[0]).toBeInstanceOf(TaskCancelled);
    // The same thread answers next: the task stopped at a checkpoint (well before its 50 s),
    // within CANCEL_GRACE_MS, or the thread would have been replaced.
    expect(await p.run('thread', { ms: 0 })).toBe(first);
  });

  it('stops a thread that reaches no checkpoint after a cancel, and starts a new one', async () => {
    const p = pool();
    const first = await p.run('thread', { ms: 0 });
    const abort = new AbortController();
    const spinning = failure(p.run('spin', { ms: 20_000 }, { signal: abort.signal }));
    await after(200);
    const at = performance.now();
    abort.abort();
    expect(await spinning).toBeInstanceOf(TaskCancelled);
    const next = await p.run('thread', { ms: 0 });
    expect(next).not.toBe(first);
    expect(performance.now() - at).toBeLessThan(15_000);
  });

  it('cancels a queued task before it starts, and refuses an already aborted signal', async () => {
    const p = pool(1);
    const running = p.run('thread', { ms: 300 });
    const abort = new AbortController();
    const queued = failure(p.run('echo', 'never', { signal: abort.signal }));
    abort.abort();
    expect(await queued).toBeInstanceOf(TaskCancelled);
    await running;
    expect(await failure(p.run('echo', 'never', { signal: abort.signal }))).toBeInstanceOf(TaskCancelled);
  });

  it('gives a DomainError back as the DomainError it was: code, message, issues and key', async () => {
    const error = await failure(pool().run('refuse', undefined));
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).toApiError()).toEqual({
      code: 'validation',
      message: 'Nothing is at /nowhere/cards.json',
      key: 'importNothingAt',
      params: { path: '/nowhere/cards.json' },
      issues: [{ path: 'path', message: 'no such file' }],
    });
  });

  it('gives any other error back with its name, message and stack, not as a DomainError', async () => {
    const error = await failure(pool().run('bug', undefined));
    expect(error).not.toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ name: 'TypeError', message: 'a bug in a task' });
    expect(error.stack).toContain('test-tasks.ts');
  });

  it('fails the task of a thread that dies, and carries on with a new thread', async () => {
    const p = pool();
    const error = await failure(p.run('exit', undefined));
    expect(error.message).toMatch(/The worker thread running 'exit' stopped: it exited with code 3/);
    expect(await p.run('echo', 'still here')).toBe('still here');
  });

  it('moves transferred buffers instead of copying them, both ways', async () => {
    const values = Float64Array.from({ length: 100_000 }, (_, i) => i);
    const answer = await pool().run('double', { values }, { transfer: [values.buffer] });
    expect(values.byteLength).toBe(0); // moved to the worker
    expect(answer.byteLength).toBe(800_000);
    expect(answer.values[99_999]).toBe(199_998);
  });

  it('queues tasks beyond its size and runs up to `size` at once', async () => {
    const one = pool(1);
    const [a, b] = await Promise.all([one.run('thread', { ms: 100 }), one.run('thread', { ms: 100 })]);
    expect(a).toBe(b);
    const two = pool(2);
    const [c, d] = await Promise.all([two.run('thread', { ms: 300 }), two.run('thread', { ms: 300 })]);
    expect(c).not.toBe(d);
    expect(two.threads).toBe(2);
  });

  it('rejects what is queued or running when it closes, and refuses new tasks', async () => {
    const p = pool(1);
    const running = failure(p.run('count', { steps: 1000, ms: 5 }));
    const queued = failure(p.run('echo', 'later'));
    await after(100);
    await p.close();
    expect(await running).toBeInstanceOf(TaskCancelled);
    expect(await queued).toBeInstanceOf(TaskCancelled);
    expect(await failure(p.run('echo', 'after'))).toBeInstanceOf(TaskCancelled);
    expect(p.threads).toBe(0);
  });

  it('lets a process end while its threads are idle', async () => {
    const script = join(tempDir(), 'idle.ts');
    writeFileSync(
      script,
      `import { WorkerPool } from ${JSON.stringify(join(__dirname, '../../src-main/workers/pool'))};
       import { sourceEntry } from ${JSON.stringify(join(__dirname, '../../src-main/workers/entry'))};
       import { testTasks } from ${JSON.stringify(join(__dirname, 'test-tasks'))};
       const pool = new WorkerPool({ registry: testTasks, entry: sourceEntry(${JSON.stringify(join(__dirname, 'test-worker.ts'))}) });
       pool.run('echo', 'done').then((v) => console.log(v));`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: join(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect({ code, out: out.trim() }).toEqual({ code: 0, out: 'done' });
  });
});

describe('the worker script', () => {
  it('is worker.ts through tsx from sources, and the built worker.js beside the bundle or its chunks', () => {
    const fromSources = findWorkerEntry(join(__dirname, '../../src-main/workers'));
    expect(fromSources.file).toMatch(/src-main\/workers\/worker\.ts$/);
    expect(fromSources.execArgv).toEqual(['--require', expect.stringMatching(/tsx/)]);

    const out = join(tempDir(), 'out/main');
    mkdirSync(join(out, 'chunks'), { recursive: true });
    writeFileSync(join(out, 'worker.js'), '');
    expect(findWorkerEntry(out)).toEqual({ file: join(out, 'worker.js'), execArgv: [] });
    expect(findWorkerEntry(join(out, 'chunks'))).toEqual({ file: join(out, 'worker.js'), execArgv: [] });
    expect(() => findWorkerEntry(tempDir())).toThrow(/The worker script is missing.*npm run build/);
  });
});
