import type { ErrorData, TaskProgress } from './task';

// The messages between the pool and a worker thread. A worker runs one task at a time; `id`
// ties each answer to its task, so an answer from a task cancelled a moment ago is ignored.

export interface WorkerData {
  /** One Int32: 1 while the task in hand is cancelled. The pool clears it before each task. */
  cancel: SharedArrayBuffer;
}

export interface ToWorker {
  id: number;
  name: string;
  input: unknown;
}

export type FromWorker =
  | { type: 'progress'; id: number; progress: TaskProgress }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: ErrorData };
