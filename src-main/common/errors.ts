import type { ApiError, ErrorCode, FieldIssue } from '../contract/errors';

/**
 * An error a person can act on. Domain code throws it; the IPC layer turns it into an
 * ApiError value and the CLI prints its message on one line.
 */
export class DomainError extends Error {
  constructor(
    readonly code: Exclude<ErrorCode, 'internal'>,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toApiError(): ApiError {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
  }
}

export const notFound = (what: string) => new DomainError('not_found', `${what} was not found; it may have been removed. Refresh and try again.`);
