import { performance } from 'node:perf_hooks';

// Wall-time samples by name and their median, for benchmarks that print ratios against a
// baseline measured in the same run. (Older benches carry their own copy of these lines.)

export function stopwatch() {
  const timings: Record<string, number[]> = {};
  return {
    /** A bench body that times `work` under `name`. */
    timed: (name: string, work: () => void) => () => {
      const start = performance.now();
      work();
      (timings[name] ??= []).push(performance.now() - start);
    },
    median: (name: string): number => {
      const xs = [...(timings[name] ?? [])].sort((a, b) => a - b);
      return xs[Math.floor(xs.length / 2)] ?? Number.NaN;
    },
  };
}
