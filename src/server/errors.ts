import { isConnectionError } from '@/db/connection-errors';
import { pgErrorCode } from '@/db/sql';
import { type ErrorCode, errorStatus, RETRY_AFTER_SECONDS } from '@/lib/enums';

export { type ErrorCode, errorStatus, RETRY_AFTER_SECONDS };

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

/**
 * Also by name: Next.js bundles this module into several chunks (instrumentation, each route), so an
 * AppError thrown by code shared through globalThis (the startup state) may come from another copy.
 */
export function isAppError(err: unknown): err is AppError {
  if (err instanceof AppError) return true;
  const e = err as Partial<AppError> | null;
  return (
    err instanceof Error &&
    err.name === 'AppError' &&
    typeof e?.code === 'string' &&
    e.code in errorStatus &&
    typeof e.toBody === 'function'
  );
}

export function serviceUnavailable(message: string, retryAfterSeconds = RETRY_AFTER_SECONDS): AppError {
  return new AppError('service_unavailable', message, undefined, {
    'retry-after': String(retryAfterSeconds),
  });
}

/**
 * What a thrown value means for the caller: an AppError as it is, a database error the input caused as
 * its AppError, anything else (a bug) undefined. The one place where SQLSTATEs become answers; domain
 * functions translate the violations they expect (unique, foreign key) themselves, with their message.
 */
export function toAppError(err: unknown): AppError | undefined {
  if (isAppError(err)) return err;
  // The database cannot be reached (refused, reset, timed out, shutting down): the contract's 503.
  if (isConnectionError(err)) return serviceUnavailable('The database is unreachable; retry shortly');
  const code = pgErrorCode(err);
  if (!code) return undefined;
  // A data exception (class 22) or a too-deep value (54001) is the input's fault. The domain and the
  // body checks catch the known cases first; the driver's message is never passed on (and the caller
  // logs the error's code, never the refused value).
  if (code.startsWith('22') || code === '54001') {
    return new AppError('bad_request', 'The request contains a value the database cannot store');
  }
  return undefined;
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
