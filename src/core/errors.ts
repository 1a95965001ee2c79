// Errors that carry a message for the person using the product. Domain functions throw them;
// the HTTP layer turns them into a page or a JSON body with the right status.
export type DomainErrorCode = 'not_found' | 'invalid' | 'conflict' | 'forbidden' | 'too_many' | 'unauthenticated';

const STATUS: Record<DomainErrorCode, number> = {
  not_found: 404,
  invalid: 422,
  conflict: 409,
  forbidden: 403,
  too_many: 429,
  unauthenticated: 401,
};

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    /** Vietnamese message shown to the user. */
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
  get status(): number {
    return STATUS[this.code];
  }
}

export const notFound = (what: string) => new DomainError('not_found', `Không tìm thấy ${what}.`);
export const invalid = (message: string, details?: Record<string, unknown>) => new DomainError('invalid', message, details);
export const conflict = (message: string) => new DomainError('conflict', message);
