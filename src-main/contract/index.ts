import { z } from 'zod';
import type { EventChannel, RequestChannel } from './channels';
import type { Result } from './errors';
import {
  endpointCreateInput,
  endpointUpdateInput,
  type ConnectionTest,
  type EndpointView,
} from './endpoint';
import { jobStatuses, type JobProgressEvent, type JobView } from './job';
import { settingsUpdateInput, type AppInfo, type Settings } from './settings';

export * from './channels';
export * from './errors';
export * from './endpoint';
export * from './job';
export * from './settings';

// The one contract between renderer and main: every request channel with its input
// schema (main parses every payload with it, strictly) and its result type.

/** A phantom marker carrying a result type; it has no runtime content. */
const returns = <T>() => null as unknown as T;

const none = z.strictObject({});
const byId = z.strictObject({ id: z.number().int().positive() });

export const contract = {
  'app:info': { input: none, result: returns<AppInfo>() },
  'settings:get': { input: none, result: returns<Settings>() },
  'settings:update': { input: settingsUpdateInput, result: returns<Settings>() },
  'endpoints:list': { input: none, result: returns<EndpointView[]>() },
  'endpoints:create': { input: endpointCreateInput, result: returns<EndpointView>() },
  'endpoints:update': { input: endpointUpdateInput, result: returns<EndpointView>() },
  'endpoints:remove': { input: byId, result: returns<{ removed: true }>() },
  'endpoints:test': { input: byId, result: returns<ConnectionTest>() },
  'jobs:list': {
    input: z.strictObject({
      kind: z.string().max(64).optional(),
      status: z.enum(jobStatuses).optional(),
      limit: z.number().int().min(1).max(1000).optional(),
    }),
    result: returns<JobView[]>(),
  },
  'jobs:cancel': { input: byId, result: returns<JobView>() },
} satisfies Record<RequestChannel, { input: z.ZodType; result: unknown }>;

export interface EventPayloads {
  'jobs:progress': JobProgressEvent;
  'jobs:changed': { jobId: number };
}
// Compile-time check that every event channel has a payload type and no extra ones exist.
type _Events = [EventChannel] extends [keyof EventPayloads]
  ? [keyof EventPayloads] extends [EventChannel] ? true : never
  : never;
const _eventsComplete: _Events = true;
void _eventsComplete;

export type Contract = typeof contract;
/** What the renderer sends (before defaults and trimming). */
export type ChannelInput<C extends RequestChannel> = z.input<Contract[C]['input']>;
/** What the handler receives, after parsing. */
export type ParsedInput<C extends RequestChannel> = z.output<Contract[C]['input']>;
export type ChannelResult<C extends RequestChannel> = Contract[C]['result'];
export type EventPayload<E extends EventChannel> = EventPayloads[E];

type Namespace = (RequestChannel | EventChannel) extends `${infer N}:${string}` ? N : never;
type Requests<N extends string> = {
  [C in RequestChannel as C extends `${N}:${infer V}` ? V : never]: {} extends ChannelInput<C>
    ? (input?: ChannelInput<C>) => Promise<Result<ChannelResult<C>>>
    : (input: ChannelInput<C>) => Promise<Result<ChannelResult<C>>>;
};
type Subscriptions<N extends string> = {
  [E in EventChannel as E extends `${N}:${infer V}` ? `on${Capitalize<V>}` : never]: (
    listener: (payload: EventPayload<E>) => void,
  ) => () => void;
};

/** The shape of `window.api`, exposed by the preload. */
export type Api = { [N in Namespace]: Requests<N> & Subscriptions<N> };
