import type { ChannelResult, ParsedInput, RequestChannel } from '../contract';
import type { AppContext } from '../app/context';

export type Handler<C extends RequestChannel> = (
  input: ParsedInput<C>,
  ctx: AppContext,
) => ChannelResult<C> | Promise<ChannelResult<C>>;

/** Every request channel's handler. TypeScript makes the table complete; each domain supplies a part. */
export type HandlerTable = { [C in RequestChannel]: Handler<C> };
export type HandlerPart<C extends RequestChannel> = { [K in C]: Handler<K> };

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
/** Resolves to `true` only when the parts cover every channel; else names what is missing. */
type Covers<P extends Partial<HandlerTable>[]> =
  Exclude<RequestChannel, keyof UnionToIntersection<P[number]>> extends never
    ? P
    : { missingHandlers: Exclude<RequestChannel, keyof UnionToIntersection<P[number]>> };

/**
 * Joins the domains' parts. A channel without a handler fails to compile; a channel handled
 * twice is a wiring bug and throws at start-up.
 */
export function joinHandlers<P extends Partial<HandlerTable>[]>(...parts: P & Covers<P>): HandlerTable {
  const table: Partial<Record<RequestChannel, unknown>> = {};
  for (const part of parts) {
    for (const [channel, handler] of Object.entries(part) as [RequestChannel, unknown][]) {
      if (channel in table) throw new Error(`IPC channel '${channel}' has two handlers`);
      table[channel] = handler;
    }
  }
  return table as HandlerTable;
}
