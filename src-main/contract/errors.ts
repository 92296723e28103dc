// Errors crossing the process boundary are plain values: the renderer shows `message`
// and, for validation errors, each field's problem beside the field.

export type ErrorCode =
  | 'validation' // the payload did not match the channel's schema
  | 'not_found'
  | 'conflict' // e.g. a name that is already taken
  | 'unavailable' // e.g. encryption is not available on this system
  | 'internal'; // a bug: the message is generic, details go to the log

export interface FieldIssue {
  /** Dotted path of the offending field, '' for the payload itself. */
  path: string;
  message: string;
}

export interface ApiError {
  code: ErrorCode;
  message: string;
  issues?: FieldIssue[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** The issue path of an export refused because its target exists: the field that lifts the refusal. */
export const OVERWRITE_ISSUE = 'overwrite';

/** An export refused because its target exists: the app asks the person, then resends with `overwrite: true`. */
export const targetExists = (error: ApiError): boolean => error.code === 'conflict' && (error.issues ?? []).some((i) => i.path === OVERWRITE_ISSUE);
