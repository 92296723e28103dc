import type { Task } from '../workers/task';
import type { Dataset } from './dataset';
import { overlapEvaluation, type OverlapResult } from './overlap';

// The vocabulary overlap of one or two datasets as a worker task: segmenting thousands of
// sessions with jieba is the CPU-heavy part of the evaluation, so the app runs it off the
// thread that answers the window. The datasets are read by the caller (the worker has no
// database) and arrive as plain data; progress counts sessions over both datasets.

export interface OverlapTaskInput {
  datasets: Dataset[];
  seed: number;
  stopwords: string[] | null;
}

export const overlapTask: Task<OverlapTaskInput, OverlapResult[]> = (input, control) => {
  const total = input.datasets.reduce((n, d) => n + d.sessions.length, 0);
  const stopwords = input.stopwords ? new Set(input.stopwords.map((w) => w.toLowerCase())) : undefined;
  let before = 0;
  return input.datasets.map((dataset) => {
    const offset = before;
    before += dataset.sessions.length;
    const result = overlapEvaluation(dataset, {
      seed: input.seed,
      ...(stopwords ? { stopwords } : {}),
      control: { checkpoint: () => control.checkpoint(), progress: (done) => control.progress(offset + done, total) },
    });
    control.progress(before, total);
    return result;
  });
};
