import type { ApiError, ErrorCode, ErrorKey, ErrorParams, FieldIssue, Said, Thing } from '../contract/errors';

/**
 * An error a person can act on. Domain code throws it; the IPC layer turns it into an
 * ApiError value and the CLI prints its message on one line. Errors people meet in the app
 * also carry a `said` (key and params) so the window shows them in the user's language.
 */
export class DomainError extends Error {
  constructor(
    readonly code: Exclude<ErrorCode, 'internal'>,
    message: string,
    readonly issues?: FieldIssue[],
    readonly said?: Said,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toApiError(): ApiError {
    return {
      code: this.code,
      message: this.message,
      ...(this.said ? { key: this.said.key, params: this.said.params } : {}),
      ...(this.issues ? { issues: this.issues } : {}),
    };
  }
}

/** A keyed sentence, typed so params match the key. */
export const said = <K extends ErrorKey>(key: K, params: ErrorParams[K]): Said => ({ key, params }) as Said;

/** A DomainError the app words in the user's language; `message` is the English for the CLI and logs. */
export function keyedError<K extends ErrorKey>(
  code: Exclude<ErrorCode, 'internal'>,
  key: K,
  params: ErrorParams[K],
  message: string,
  issues?: FieldIssue[],
): DomainError {
  return new DomainError(code, message, issues, said(key, params));
}

const thingNames: Record<Thing, string> = {
  roleCard: 'Role card',
  run: 'Run',
  session: 'Session',
  dialogue: 'Dialogue',
  job: 'Job',
  endpoint: 'Endpoint',
};

/** `id` may list several ("3, 7, 12…"). */
export const notFound = (thing: Thing, id: number | string) =>
  keyedError('not_found', 'notFound', { thing, id: String(id) }, `${thingNames[thing]} ${id} was not found; it may have been removed. Refresh and try again.`);
