// Errors crossing the process boundary are plain values. `key` and `params` name the
// sentence; the renderer words it in the user's language (its dictionaries have one entry per
// key, checked by the compiler). `message` is main's English, for the CLI, the logs, and any
// error without a key. For validation errors, `issues` place each problem beside its field.

export type ErrorCode =
  | 'validation' // the payload did not match the channel's schema
  | 'not_found'
  | 'conflict' // e.g. a name that is already taken
  | 'unavailable' // e.g. encryption is not available on this system
  | 'cancelled' // the person stopped the work the request waited for
  | 'internal'; // a bug: the message is generic, details go to the log

export interface FieldIssue {
  /** Dotted path of the offending field, '' for the payload itself. */
  path: string;
  message: string;
}

/** Things that can be looked up by id and be gone. */
export type Thing = 'roleCard' | 'run' | 'session' | 'dialogue' | 'job' | 'endpoint';

/** Every keyed error, with the values its sentence needs. Keys are stable: add, never rename. */
export interface ErrorParams {
  notFound: { thing: Thing; id: string };
  revisionNotFound: { revision: number; card: number };
  cardEditedElsewhere: { id: number; at: string };
  endpointNameTaken: { name: string };
  jobRunningElsewhere: { id: number };
  jobCancelled: { id: number };
  runRunning: { id: number };
  runRunningElsewhere: { id: number };
  runEnded: { id: number; status: 'done' | 'cancelled' };
  runIsImported: { id: number };
  dialoguesInRunningRun: Record<string, never>;
  exportEmpty: Record<string, never>;
  exportFolderMissing: { folder: string };
  cannotWrite: { path: string; why: string };
  importNothingAt: { path: string };
  resourceMissing: { file: string };
  // Model endpoints (llm/failure.ts, llm/client.ts)
  llmRefused: { host: string };
  llmBadPort: { port: string };
  llmDns: { host: string };
  llmNetwork: { host: string; code: string };
  llmCutOff: { host: string };
  llmTimeout: { host: string; seconds: number };
  llmUnauthorized: Record<string, never>;
  llmForbidden: { said: string };
  llmModelNotFound: { model: string };
  llmBadUrl: { url: string };
  llmRateLimited: { said: string; seconds: number | null };
  llmServerError: { status: number; said: string };
  llmRefusedRequest: { status: number; said: string };
  llmNotCompatible: { host: string; detail: string };
  llmNoMessage: Record<string, never>;
  apiKeyEnvUnset: { endpoint: string; variable: string };
  apiKeyOnlyInApp: { endpoint: string };
  // The database file (storage/failure.ts)
  dbCorrupt: { file: string };
  dbNotDatabase: { file: string };
  dbReadOnlyFile: { file: string };
  dbReadOnlyFolder: { file: string; folder: string };
  dbIsFolder: { file: string };
  dbFull: { file: string };
  dbBusy: { file: string; seconds: number };
  dbCannotOpen: { file: string; why: string };
  dbIo: { file: string; code: string };
  internal: Record<string, never>;
  // Offline annotation files (annotation/package.ts)
  annotationCutShort: { file: string };
  annotationNotThisKind: { file: string; kind: 'package' | 'work' };
  annotationChanged: { file: string };
  annotationNotYours: { file: string; owner: string; annotator: string };
}
export type ErrorKey = keyof ErrorParams;

/** A keyed sentence: what the renderer translates. */
export type Said<K extends ErrorKey = ErrorKey> = K extends ErrorKey ? { key: K; params: ErrorParams[K] } : never;

export interface ApiError {
  code: ErrorCode;
  message: string;
  key?: ErrorKey;
  params?: Record<string, string | number | null>;
  issues?: FieldIssue[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** The issue path of an export refused because its target exists: the field that lifts the refusal. */
export const OVERWRITE_ISSUE = 'overwrite';

/** An export refused because its target exists: the app asks the person, then resends with `overwrite: true`. */
export const targetExists = (error: ApiError): boolean => error.code === 'conflict' && (error.issues ?? []).some((i) => i.path === OVERWRITE_ISSUE);
