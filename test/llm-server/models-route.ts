import { sendJson } from './http-util';
import { modelNotFound, type RouteContext } from './route-context';

// A fixed timestamp keeps responses byte-for-byte reproducible.
const CREATED = 1_700_000_000;

function modelObject(id: string, ownedBy: string) {
  return { id, object: 'model', created: CREATED, owned_by: ownedBy };
}

export async function handleListModels(ctx: RouteContext): Promise<void> {
  if (!(await ctx.wait())) return;
  sendJson(ctx.res, 200, { object: 'list', data: [...ctx.models].map((id) => modelObject(id, ctx.ownedBy)) });
}

export async function handleRetrieveModel(ctx: RouteContext, id: string): Promise<void> {
  if (!ctx.models.has(id)) return modelNotFound(ctx, id);
  if (!(await ctx.wait())) return;
  sendJson(ctx.res, 200, modelObject(id, ctx.ownedBy));
}
