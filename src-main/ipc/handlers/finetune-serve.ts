import type { AppContext } from '../../app/context';
import type { ServedModelView } from '../../contract/finetune-serve';
import type { ServedModel } from '../../ssh/served-models';
import type { HandlerPart } from '../handler-table';
import { serveDeps, serveModel, unserveModel } from '../../ssh/serve';

// finetune:serve can take minutes (the model loads on the GPU server); the window shows it
// as busy until the counselor is ready or the reason it is not.

/** A served model as the window sees it: names, not the server's process group or folder. */
export function servedView(ctx: Pick<AppContext, 'endpoints' | 'arena'>, served: ServedModel): ServedModelView {
  const endpointName = ctx.endpoints.get(served.endpointId).name;
  const counselor = served.counselorId === null ? undefined : ctx.arena.counselors.list().find((c) => c.id === served.counselorId);
  return {
    jobId: served.jobId,
    endpointId: served.endpointId,
    endpointName,
    counselorName: counselor?.name ?? null,
    model: served.model,
    remotePort: served.remotePort,
    startedAt: served.startedAt,
    stoppedAt: served.stoppedAt,
  };
}

export const finetuneServeHandlers: HandlerPart<'finetune:serve' | 'finetune:unserve'> = {
  'finetune:serve': async (input, ctx) => {
    const served = await serveModel(serveDeps(ctx), {
      jobId: input.jobId,
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.port !== undefined ? { port: input.port } : {}),
      ...(input.template !== undefined ? { template: input.template } : {}),
    });
    return servedView(ctx, served);
  },
  'finetune:unserve': async ({ jobId }, ctx) => ({ stopped: await unserveModel(serveDeps(ctx), jobId) }),
};
