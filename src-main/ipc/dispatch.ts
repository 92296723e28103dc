import { contract, requestChannels, type RequestChannel, type Result } from '../contract';
import { DomainError } from '../common/errors';
import { describeIssues, fieldIssues } from '../common/zod-issues';
import { databaseFailure } from '../storage/failure';
import type { AppContext } from '../app/context';
import type { HandlerTable } from './handler-table';

/** No request needs more; anything bigger is refused before parsing. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

export type Dispatch = (channel: string, payload: unknown) => Promise<Result<unknown>>;

const isRequestChannel = (c: string): c is RequestChannel => (requestChannels as readonly string[]).includes(c);

/**
 * The one entry point from any renderer transport (Electron IPC, the browser test bridge):
 * checks the channel, parses the payload with the channel's schema, runs the handler and
 * returns a Result. It never throws, so a malformed payload can neither crash main nor
 * reach domain code; unexpected errors are logged with the channel only, never the payload
 * (it may hold an API key).
 */
export function createDispatch(handlers: HandlerTable, ctx: AppContext, log: (line: string) => void = console.error): Dispatch {
  return async (channel, rawPayload) => {
    // A channel without input may be called with nothing at all; null is still malformed.
    const payload = rawPayload === undefined ? {} : rawPayload;
    if (!isRequestChannel(channel)) {
      return { ok: false, error: { code: 'validation', message: `Unknown channel '${String(channel).slice(0, 64)}'.` } };
    }
    let size: number;
    try {
      size = JSON.stringify(payload)?.length ?? 0;
    } catch {
      return { ok: false, error: { code: 'validation', message: 'The request could not be read (not plain data).' } };
    }
    if (size > MAX_PAYLOAD_BYTES) {
      return { ok: false, error: { code: 'validation', message: `The request is too large (${size} bytes; at most ${MAX_PAYLOAD_BYTES}).` } };
    }
    const parsed = contract[channel].input.safeParse(payload);
    if (!parsed.success) {
      const issues = fieldIssues(parsed.error);
      return { ok: false, error: { code: 'validation', message: `Invalid input: ${describeIssues(issues)}`, issues } };
    }
    try {
      const handler = handlers[channel] as (input: unknown, ctx: AppContext) => unknown;
      return { ok: true, value: await handler(parsed.data, ctx) };
    } catch (error) {
      if (error instanceof DomainError) return { ok: false, error: error.toApiError() };
      const database = databaseFailure(error, ctx.dbPath, 'use');
      if (database) return { ok: false, error: database.toApiError() };
      log(`[ipc] ${channel} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return { ok: false, error: { code: 'internal', message: 'Something went wrong in SimPsy Studio; the details are in the log.', key: 'internal', params: {} } };
    }
  };
}
