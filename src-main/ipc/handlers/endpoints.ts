import type { HandlerPart } from '../handler-table';
import { detectLocalServers, portsFromEnv } from '../../endpoints/detect';
import { toView } from '../../endpoints/repository';
import { testConnection } from '../../endpoints/test-connection';

export const endpointHandlers: HandlerPart<
  'endpoints:list' | 'endpoints:create' | 'endpoints:update' | 'endpoints:remove' | 'endpoints:test' | 'endpoints:detect'
> = {
  'endpoints:list': (_input, ctx) => ctx.endpoints.list().map(toView),
  'endpoints:create': (input, ctx) => toView(ctx.endpoints.create(input)),
  'endpoints:update': (input, ctx) => toView(ctx.endpoints.update(input)),
  'endpoints:remove': ({ id }, ctx) => {
    ctx.endpoints.remove(id);
    return { removed: true };
  },
  'endpoints:test': ({ id }, ctx) => testConnection(ctx.endpoints.get(id), ctx.secrets, ctx.env),
  'endpoints:detect': async (_input, ctx) => {
    const ports = portsFromEnv(ctx.env);
    return { ports, servers: await detectLocalServers(ctx.endpoints.list(), { ports }) };
  },
};
