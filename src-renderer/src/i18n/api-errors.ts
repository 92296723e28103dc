import type { ErrorKey, ErrorParams } from '@contract';

/** One sentence per keyed error main can send (contract/errors.ts); the compiler checks each language has all. */
export type ApiErrorSentences = { [K in ErrorKey]: (p: ErrorParams[K]) => string };
