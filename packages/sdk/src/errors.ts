import type { errorStatus } from './contract.gen';

/** An error code the API answers with. */
export type ErrorCode = keyof typeof errorStatus;

/** The `code` of an error answered by the API, or raised by the client itself. */
export type RunledgerErrorCode =
  | ErrorCode
  /** The server could not be reached, or the connection broke. */
  | 'network_error'
  /** No answer within `timeoutMs`. */
  | 'timeout'
  /** The request was aborted by the caller's `AbortSignal`. */
  | 'aborted'
  /** The server answered something that is not the contract's JSON (a proxy's HTML page, say). */
  | 'unexpected_response';

/**
 * Every failure of a client call. `status` is the HTTP status, or `0` when no answer arrived
 * (`network_error`, `timeout`, `aborted`).
 */
export class RunledgerError extends Error {
  override readonly name = 'RunledgerError';
  readonly status: number;
  readonly code: RunledgerErrorCode;
  /** The error body's `details` (zod issues for `bad_request`, windows for `quota_exceeded`, ...). */
  readonly details: unknown;
  /** For `429`: seconds until the earliest blocking quota window resets (`Retry-After`). */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: {
    status: number;
    code: RunledgerErrorCode;
    message: string;
    details?: unknown;
    retryAfterSeconds?: number;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }

  /** True for failures worth retrying when the operation is idempotent: no answer, or a 5xx. */
  get transient(): boolean {
    return this.status === 0 ? this.code !== 'aborted' : this.status >= 500;
  }
}

/** A JSON-safe `{ name, message }` of anything thrown (stacks stay out of stored runs). */
export function serializeError(err: unknown): { name: string; message: string } {
  if (err instanceof Error) return { name: err.name, message: err.message };
  if (typeof err === 'string') return { name: 'Error', message: err };
  let message: string;
  try {
    message = JSON.stringify(err) ?? String(err);
  } catch {
    message = String(err);
  }
  return { name: 'Error', message };
}
