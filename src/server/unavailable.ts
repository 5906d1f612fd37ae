import 'server-only';
import { pgErrorCode } from '@/db/sql';
import { AppError, isAppError } from './errors';

/** Seconds a client is told to wait (`Retry-After`) while the database is unreachable. */
export const RETRY_AFTER_SECONDS = 2;

/** Node socket errors and postgres.js's own codes for a connection that failed, broke or timed out. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);

/**
 * SQLSTATEs that mean "the server is not there right now": class 08 (connection exception), 57P01-03
 * (admin/crash shutdown, cannot connect now: starting up or shutting down), 53300 (too many
 * connections).
 */
function isUnavailableSqlState(code: string): boolean {
  return (
    code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300'
  );
}

function causes(err: unknown): unknown[] {
  const out: unknown[] = [];
  let e: unknown = err;
  for (let i = 0; i < 5 && e && typeof e === 'object'; i++) {
    out.push(e);
    // AggregateError (a connect to several addresses) carries the real errors in `errors`.
    const inner = (e as { errors?: unknown }).errors;
    if (Array.isArray(inner)) out.push(...inner);
    e = (e as { cause?: unknown }).cause;
  }
  return out;
}

/** True when `err` (a driver error, possibly wrapped by Drizzle) means the database is unreachable. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (isAppError(err)) return err.code === 'service_unavailable';
  const sqlState = pgErrorCode(err);
  if (sqlState && isUnavailableSqlState(sqlState)) return true;
  return causes(err).some((e) => {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' && CONNECTION_CODES.has(code);
  });
}

export function serviceUnavailable(message: string, retryAfterSeconds = RETRY_AFTER_SECONDS): AppError {
  return new AppError('service_unavailable', message, undefined, {
    'retry-after': String(retryAfterSeconds),
  });
}

/**
 * The one place where a failure to reach the database becomes the contract's 503 (with
 * `Retry-After`); anything else is returned unchanged.
 */
export function toAppError(err: unknown): unknown {
  if (isAppError(err) || !isDatabaseUnavailable(err)) return err;
  return serviceUnavailable('The database is unreachable; retry shortly');
}
