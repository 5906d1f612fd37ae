export const errorStatus = {
  bad_request: 400,
  unauthorized: 401,
  /** Signed in and a member, but the role does not allow this. */
  forbidden: 403,
  not_found: 404,
  /** Extension of the contract: a known path with a method it does not serve (see Allow). */
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  quota_exceeded: 429,
  internal: 500,
} as const;

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

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
