import { pgErrorCode } from '@/db/sql';
import { type ErrorCode, errorStatus } from '@/lib/enums';

export { type ErrorCode, errorStatus };

export type ErrorBody = { error: { code: ErrorCode; message: string; details?: unknown } };

/** The one error type for user-facing failures; its code maps to an HTTP status and the contract's body. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  /** Extra response headers (Retry-After, RateLimit-*). */
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, message: string, details?: unknown, headers?: Record<string, string>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.headers = headers;
  }

  get status(): number {
    return errorStatus[this.code];
  }

  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message };
    if (this.details !== undefined) error.details = this.details;
    return { error };
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/**
 * What a thrown value means for the caller: an AppError as it is, a database error the input caused as
 * its AppError, anything else (a bug) undefined. The one place where SQLSTATEs become answers; domain
 * functions translate the violations they expect (unique, foreign key) themselves, with their message.
 */
export function toAppError(err: unknown): AppError | undefined {
  if (isAppError(err)) return err;
  const code = pgErrorCode(err);
  if (!code) return undefined;
  // A data exception (class 22) or a too-deep value (54001) is the input's fault. The domain and the
  // body checks catch the known cases first; the driver's message is never passed on.
  if (code.startsWith('22') || code === '54001') {
    console.warn('[runledger] database refused a value', code, err);
    return new AppError('bad_request', 'The request contains a value the database cannot store');
  }
  return undefined;
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
