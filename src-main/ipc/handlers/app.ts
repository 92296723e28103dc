import type { HandlerPart } from '../handler-table';

export const appHandlers: HandlerPart<'app:info' | 'files:choose' | 'settings:get' | 'settings:update'> = {
  'app:info': (_input, ctx) => ({
    version: ctx.version,
    dbPath: ctx.dbPath,
    platform: process.platform,
    systemLocale: ctx.systemLocale,
    canStoreSecrets: ctx.secrets.available,
  }),
  'files:choose': (request, ctx) => ctx.chooseFile(request),
  'settings:get': (_input, ctx) => ctx.settings.get(),
  'settings:update': (patch, ctx) => ctx.settings.update(patch),
};
