import { saveChart } from '../../evaluation/chart-file';
import type { HandlerPart } from '../handler-table';

type EvaluationChannel = 'evaluation:measures' | 'evaluation:run' | 'evaluation:list' | 'evaluation:get' | 'evaluation:remove' | 'evaluation:report' | 'evaluation:saveChart';

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
};
