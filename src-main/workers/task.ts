import type { TransferListItem } from 'node:worker_threads';
import { DomainError } from '../common/errors';
import type { FieldIssue, Said } from '../contract/errors';

// What a task is, on both sides of the thread boundary: a function of a structured-cloneable
// input and a control, answering with a cloneable output. The same function runs in a worker
// thread or, for small inputs, inline in the caller's thread (pool.ts decides nothing about
// that; the caller says).

/** A task's view of its caller: where to report progress, and whether to stop. */
export interface TaskControl {
  /** How far the task is. Sent at most every PROGRESS_EVERY_MS, and always at the first call and when done reaches total. */
  progress(done: number, total: number, message?: string): void;
  /** Throws TaskCancelled once the caller cancelled. Call it between steps, every few milliseconds of work. */
  checkpoint(): void;
}

/** For a task called directly, with nobody to report to and nothing to cancel it. */
export const noTaskControl: TaskControl = { progress: () => undefined, checkpoint: () => undefined };

export interface TaskProgress {
  done: number;
  total: number;
  message?: string;
}

export type Task<I, O> = (input: I, control: TaskControl) => O | Promise<O>;

/** Tasks by name. (`never`: any task's input fits.) */
export type TaskRegistry = Record<string, Task<never, unknown>>;

const transferMark = Symbol('transferred');
export interface Transferred<T> {
  readonly [transferMark]: true;
  readonly value: T;
  readonly transfer: readonly TransferListItem[];
}

/** An output whose buffers move to the caller instead of being copied (large typed arrays: bootstrap samples). */
export const withTransfer = <T>(value: T, transfer: readonly TransferListItem[]): Transferred<T> => ({ [transferMark]: true, value, transfer });

export function unwrapOutput(output: unknown): { value: unknown; transfer: TransferListItem[] } {
  if (output !== null && typeof output === 'object' && transferMark in output) {
    const t = output as Transferred<unknown>;
    return { value: t.value, transfer: [...t.transfer] };
  }
  return { value: output, transfer: [] };
}

type Unwrapped<O> = O extends Transferred<infer T> ? T : O;
export type TaskInput<R extends TaskRegistry, N extends keyof R> = Parameters<R[N]>[0];
export type TaskOutput<R extends TaskRegistry, N extends keyof R> = Unwrapped<Awaited<ReturnType<R[N]>>>;

/** The caller cancelled the task (or the pool closed under it). */
export class TaskCancelled extends Error {
  constructor(message = 'Cancelled') {
    super(message);
    this.name = 'TaskCancelled';
  }
}

export const PROGRESS_EVERY_MS = 50;

/** A control over `send` and `isCancelled`: the same in a worker and inline. */
export function taskControl(send: (progress: TaskProgress) => void, isCancelled: () => boolean): TaskControl {
  let last = -Infinity;
  return {
    progress(done, total, message) {
      const now = performance.now();
      if (now - last < PROGRESS_EVERY_MS && done < total) return;
      last = now;
      send(message === undefined ? { done, total } : { done, total, message });
    },
    checkpoint() {
      if (isCancelled()) throw new TaskCancelled();
    },
  };
}

/** An error as it crosses the thread boundary: plain data, so nothing of it is lost to structured cloning. */
export interface ErrorData {
  name: string;
  message: string;
  stack?: string;
  code?: DomainError['code'];
  issues?: FieldIssue[];
  said?: Said;
}

export function errorData(error: unknown): ErrorData {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const data: ErrorData = { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  if (error instanceof DomainError) {
    data.code = error.code;
    if (error.issues) data.issues = error.issues;
    if (error.said) data.said = error.said;
  }
  return data;
}

/** The error again on the caller's side: a DomainError stays one (code, message, issues, key), so IPC and the CLI word it as usual. */
export function reviveError(data: ErrorData): Error {
  if (data.name === 'DomainError' && data.code) return new DomainError(data.code, data.message, data.issues, data.said);
  if (data.name === 'TaskCancelled') return new TaskCancelled(data.message);
  const error = new Error(data.message);
  error.name = data.name;
  if (data.stack) error.stack = data.stack;
  return error;
}
