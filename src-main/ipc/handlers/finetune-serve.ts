import type { HandlerPart } from '../handler-table';
import { serveDeps, serveModel, unserveModel } from '../../ssh/serve';

// finetune:serve can take minutes (the model loads on the GPU server); the window shows it
// as busy until the counselor is ready or the reason it is not.
export const finetuneServeHandlers: HandlerPart<'finetune:serve' | 'finetune:unserve'> = {
  'finetune:serve': async (input, ctx) => {
    const served = await serveModel(serveDeps(ctx), {
      jobId: input.jobId,
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.port !== undefined ? { port: input.port } : {}),
      ...(input.template !== undefined ? { template: input.template } : {}),
    });
    return {
      jobId: served.jobId,
      endpointId: served.endpointId,
      endpointName: served.endpointName,
      counselorName: served.counselorName,
      model: served.model,
      remotePort: served.remotePort,
      startedAt: served.startedAt,
    };
  },
  'finetune:unserve': async ({ jobId }, ctx) => ({ stopped: await unserveModel(serveDeps(ctx), jobId) }),
};
