import type { z } from 'zod';
import type { errorBody } from '@/lib/contract/common';

/** The contract declares the codes (src/lib/contract/common.ts); this maps each one to its status. */
export const errorStatus = {
  bad_request: 400,
  unauthorized: 401,
  not_found: 404,
  /** Extension of the contract: a known path with a method it does not serve (see Allow). */
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  quota_exceeded: 429,
  internal: 500,
  /** The database cannot be reached, or the server is shutting down: retry after `Retry-After`. */
  service_unavailable: 503,
} as const satisfies Record<z.infer<typeof errorBody>['error']['code'], number>;

export type ErrorCode = keyof typeof errorStatus;

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

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
