import { saveChart } from '../../evaluation/chart-file';
import type { HandlerPart } from '../handler-table';

type EvaluationChannel =
  | 'evaluation:measures'
  | 'evaluation:run'
  | 'evaluation:list'
  | 'evaluation:get'
  | 'evaluation:remove'
  | 'evaluation:report'
  | 'evaluation:saveChart'
  | 'evaluation:plan'
  | 'evaluation:start'
  | 'evaluation:pause'
  | 'evaluation:resume'
  | 'evaluation:ofJob';

export const evaluationHandlers: HandlerPart<EvaluationChannel> = {
  'evaluation:measures': (_input, ctx) => ctx.evaluation.measures(),
  // Overlap's segmenting runs as a job on the worker pool: the window shows its progress and can cancel it.
  'evaluation:run': (input, ctx) => ctx.evaluation.run(input),
  'evaluation:list': ({ measure }, ctx) => ctx.evaluation.results.list(measure),
  'evaluation:get': ({ id }, ctx) => ctx.evaluation.results.get(id),
  'evaluation:remove': ({ id }, ctx) => {
    ctx.evaluation.results.remove(id);
    return { removed: true as const };
  },
  'evaluation:report': (input, ctx) => ctx.evaluation.report(input, [ctx.dbPath]),
  'evaluation:saveChart': (input, ctx) => saveChart(input, [ctx.dbPath]),
  // Nothing is called to plan; start answers at once with the job, which runs in the background
  // (progress, pause, cancel through the jobs events); its evaluation is kept when it is done.
  'evaluation:plan': (input, ctx) => ctx.evaluation.models.plan(input),
  'evaluation:start': (input, ctx) => ctx.evaluation.models.start(input),
  'evaluation:pause': ({ jobId }, ctx) => ctx.evaluation.models.pause(jobId),
  'evaluation:resume': ({ jobId }, ctx) => ctx.evaluation.models.resume(jobId),
  'evaluation:ofJob': ({ jobId }, ctx) => {
    ctx.evaluation.models.measureOf(jobId);
    return { job: ctx.jobs.get(jobId), evaluationId: ctx.evaluation.models.evaluationOf(jobId) };
  },
};
