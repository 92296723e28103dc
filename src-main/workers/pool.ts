import { availableParallelism } from 'node:os';
import { Worker, type TransferListItem } from 'node:worker_threads';
import type { JobControl } from '../jobs/runner';
import { findWorkerEntry, type WorkerEntry } from './entry';
import type { FromWorker, ToWorker, WorkerData } from './messages';
import { reviveError, TaskCancelled, taskControl, unwrapOutput, type TaskInput, type TaskOutput, type TaskProgress, type TaskRegistry } from './task';

// A small pool of worker threads for CPU-heavy work, so the thread that answers the window
// (Electron's main process, the CLI's progress line) never waits on it. See README.md.

export interface RunOptions {
  /** Aborting it cancels the task: the promise rejects with TaskCancelled at once. */
  signal?: AbortSignal;
  onProgress?: (progress: TaskProgress) => void;
  /** Buffers of the input to move to the worker instead of copying them; the caller can no longer use them. */
  transfer?: TransferListItem[];
  /**
   * Runs the task in this thread: for inputs so small that starting a worker and copying the
   * input costs more than the work. Same task, same control; it blocks this thread meanwhile.
   */
  inline?: boolean;
}

/** A task run for a job: its progress is the job's, and cancelling the job cancels it. */
export const forJob = (control: Pick<JobControl, 'signal' | 'progress'>): RunOptions => ({
  signal: control.signal,
  onProgress: (p) => control.progress(p.done, p.total, p.message),
});

export interface WorkerPoolOptions<R extends TaskRegistry> {
  registry: R;
  /** Threads at most; default: one fewer than the cores (the main thread needs one), at least 1, at most 4. */
  size?: number;
  /** The worker script; default: found beside the code (entry.ts). */
  entry?: WorkerEntry;
}

/** A task that reaches no checkpoint this long after a cancel (one long parse) has its thread stopped. */
export const CANCEL_GRACE_MS = 500;

export const defaultPoolSize = (): number => Math.max(1, Math.min(availableParallelism() - 1, 4));

interface Pending {
  id: number;
  name: string;
  input: unknown;
  options: RunOptions;
  settled: boolean;
  settle(outcome: { value: unknown } | { error: Error }): void;
}

interface Slot {
  worker: Worker;
  cancel: Int32Array;
  task?: Pending;
  cancelTimer?: NodeJS.Timeout;
}

export class WorkerPool<R extends TaskRegistry> {
  readonly size: number;
  private readonly registry: R;
  private entry: WorkerEntry | undefined;
  private readonly queue: Pending[] = [];
  private readonly slots = new Set<Slot>();
  private nextId = 1;
  private closed = false;

  constructor(options: WorkerPoolOptions<R>) {
    this.registry = options.registry;
    this.size = Math.max(1, options.size ?? defaultPoolSize());
    this.entry = options.entry;
  }

  /**
   * Runs task `name` on `input` in a worker thread (started on first use, then kept for the
   * next task), or inline when asked. Rejects with the task's error as it was thrown (a
   * DomainError keeps its code, key and issues), or TaskCancelled after a cancel.
   */
  run<N extends keyof R & string>(name: N, input: TaskInput<R, N>, options: RunOptions = {}): Promise<TaskOutput<R, N>> {
    if (this.closed) return Promise.reject(new TaskCancelled('The worker pool is closed'));
    if (options.signal?.aborted) return Promise.reject(new TaskCancelled());
    if (options.inline) return this.runInline(name, input, options) as Promise<TaskOutput<R, N>>;
    return new Promise((resolve, reject) => {
      const onAbort = () => this.cancel(task);
      const task: Pending = {
        id: this.nextId++,
        name,
        input,
        options,
        settled: false,
        settle: (outcome) => {
          if (task.settled) return;
          task.settled = true;
          options.signal?.removeEventListener('abort', onAbort);
          if ('error' in outcome) reject(outcome.error);
          else resolve(outcome.value as TaskOutput<R, N>);
        },
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(task);
      this.pump();
    });
  }

  /** Stops every thread; queued and running tasks reject with TaskCancelled. */
  async close(): Promise<void> {
    this.closed = true;
    const closing = new TaskCancelled('The app is closing');
    for (const task of this.queue.splice(0)) task.settle({ error: closing });
    const threads = [...this.slots];
    this.slots.clear();
    for (const slot of threads) {
      clearTimeout(slot.cancelTimer);
      slot.task?.settle({ error: closing });
    }
    await Promise.all(threads.map((slot) => slot.worker.terminate()));
  }

  /** Threads running now (for tests and benchmarks). */
  get threads(): number {
    return this.slots.size;
  }

  private async runInline(name: string, input: unknown, options: RunOptions): Promise<unknown> {
    const task = this.registry[name];
    if (!task) throw new Error(`No worker task is named '${name}'`);
    const control = taskControl((p) => options.onProgress?.(p), () => options.signal?.aborted === true);
    control.checkpoint();
    return unwrapOutput(await task(input as never, control)).value;
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      let slot = [...this.slots].find((s) => !s.task);
      if (!slot) {
        if (this.slots.size >= this.size) return;
        try {
          slot = this.start();
        } catch (error) {
          this.queue.shift()!.settle({ error: error as Error });
          continue;
        }
      }
      this.dispatch(slot, this.queue.shift()!);
    }
  }

  private start(): Slot {
    this.entry ??= findWorkerEntry();
    const cancel = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const workerData: WorkerData = { cancel };
    const worker = new Worker(this.entry.file, { execArgv: this.entry.execArgv, workerData });
    const slot: Slot = { worker, cancel: new Int32Array(cancel) };
    worker.on('message', (message: FromWorker) => this.answer(slot, message));
    worker.on('error', (error) => this.lose(slot, error));
    worker.on('exit', (code) => this.lose(slot, new Error(`it exited with code ${code}`)));
    // An idle thread must not keep a process alive (the CLI ends when its work does).
    worker.unref();
    this.slots.add(slot);
    return slot;
  }

  private dispatch(slot: Slot, task: Pending): void {
    Atomics.store(slot.cancel, 0, 0);
    slot.task = task;
    slot.worker.ref();
    const message: ToWorker = { id: task.id, name: task.name, input: task.input };
    try {
      slot.worker.postMessage(message, task.options.transfer ?? []);
    } catch (error) {
      // The input cannot be cloned (a function, a class instance with private state): a caller's bug.
      this.release(slot);
      task.settle({ error: error as Error });
    }
  }

  private answer(slot: Slot, message: FromWorker): void {
    const task = slot.task;
    // An answer from a task already cancelled and replaced is stale.
    if (!task || task.id !== message.id) return;
    if (message.type === 'progress') {
      if (!task.settled) task.options.onProgress?.(message.progress);
      return;
    }
    this.release(slot);
    task.settle(message.type === 'result' ? { value: message.value } : { error: reviveError(message.error) });
  }

  private release(slot: Slot): void {
    clearTimeout(slot.cancelTimer);
    slot.task = undefined;
    slot.worker.unref();
    this.pump();
  }

  private cancel(task: Pending): void {
    if (task.settled) return;
    const queued = this.queue.indexOf(task);
    if (queued >= 0) this.queue.splice(queued, 1);
    // The caller hears at once; the thread stops at its next checkpoint, or is stopped.
    task.settle({ error: new TaskCancelled() });
    const slot = [...this.slots].find((s) => s.task === task);
    if (!slot) return;
    Atomics.store(slot.cancel, 0, 1);
    slot.cancelTimer = setTimeout(() => {
      if (slot.task !== task) return;
      this.slots.delete(slot);
      void slot.worker.terminate();
      this.pump();
    }, CANCEL_GRACE_MS).unref();
  }

  /** The thread died (an uncaught error, an exit, or terminate()); its task fails and a new thread starts when needed. */
  private lose(slot: Slot, error: Error): void {
    if (!this.slots.delete(slot)) return;
    clearTimeout(slot.cancelTimer);
    slot.task?.settle({ error: new Error(`The worker thread running '${slot.task.name}' stopped: ${error.message}`) });
    this.pump();
  }
}
