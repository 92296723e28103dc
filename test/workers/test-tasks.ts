import { threadId } from 'node:worker_threads';
import { keyedError } from '../../src-main/common/errors';
import { withTransfer, type TaskControl, type TaskRegistry } from '../../src-main/workers/task';

// Tasks that exercise the pool itself: each does one thing a real task may do.

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

export const testTasks = {
  echo: (input: unknown) => input,
  /** Which thread ran it, after `ms` busy milliseconds. */
  thread: (input: { ms: number }) => {
    busy(input.ms);
    return threadId;
  },
  /** `steps` steps of `ms` busy milliseconds each, reporting progress and honouring a cancel between them. */
  count: (input: { steps: number; ms: number }, control: TaskControl) => {
    for (let i = 0; i < input.steps; i++) {
      control.checkpoint();
      control.progress(i, input.steps, `step ${i}`);
      busy(input.ms);
    }
    control.progress(input.steps, input.steps, 'done');
    return input.steps;
  },
  /** Busy for `ms` without a single checkpoint: one long parse. */
  spin: (input: { ms: number }) => {
    busy(input.ms);
    return 'spun';
  },
  refuse: () => {
    throw keyedError('validation', 'importNothingAt', { path: '/nowhere/cards.json' }, 'Nothing is at /nowhere/cards.json', [{ path: 'path', message: 'no such file' }]);
  },
  bug: () => {
    throw new TypeError('a bug in a task');
  },
  exit: () => process.exit(3),
  /** Doubles the numbers; the answer's buffer moves back instead of being copied. */
  double: (input: { values: Float64Array }) => {
    const out = input.values.map((v) => v * 2);
    return withTransfer({ values: out, byteLength: input.values.byteLength }, [out.buffer]);
  },
} satisfies TaskRegistry;
