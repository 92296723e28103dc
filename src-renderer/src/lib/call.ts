import type { Result } from '@contract';

/**
 * Runs one window.api request and always resolves to a Result. Main never throws across
 * the boundary, but the transport can (IPC torn down, bridge unreachable); callers then
 * handle one shape only.
 */
export async function call<T>(request: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await request();
  } catch (error) {
    return { ok: false, error: { code: 'internal', message: error instanceof Error ? error.message : String(error) } };
  }
}

/** Drops undefined values: main parses inputs with strict schemas and we send only what the user set. */
export function compact<T extends Record<string, unknown>>(input: T): T {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as T;
}
