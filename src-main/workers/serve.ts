import { parentPort, workerData, type TransferListItem } from 'node:worker_threads';
import { errorData, taskControl, unwrapOutput, type TaskRegistry } from './task';
import type { FromWorker, ToWorker, WorkerData } from './messages';

/**
 * The worker thread's side: runs the tasks the pool sends, one at a time, and answers each
 * with progress, then its result or its error. A cancel is a flag in memory shared with the
 * pool, read by the task's checkpoint() without a message round trip, so a task busy in a
 * loop sees it at once.
 */
export function serveTasks(registry: TaskRegistry): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks() runs in a worker thread started by the worker pool');
  const cancelled = new Int32Array((workerData as WorkerData).cancel);
  const send = (message: FromWorker, transfer: TransferListItem[] = []) => port.postMessage(message, transfer);

  port.on('message', (message: ToWorker) => {
    const { id, name, input } = message;
    void (async () => {
      try {
        const task = registry[name];
        if (!task) throw new Error(`No worker task is named '${name}'`);
        const control = taskControl(
          (progress) => send({ type: 'progress', id, progress }),
          () => Atomics.load(cancelled, 0) === 1,
        );
        const { value, transfer } = unwrapOutput(await task(input as never, control));
        send({ type: 'result', id, value }, transfer);
      } catch (error) {
        send({ type: 'error', id, error: errorData(error) });
      }
    })();
  });
}
