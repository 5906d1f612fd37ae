import { pgErrorCode } from './sql';

/** What a driver error means for reachability: no AppError here (src/server maps it). */

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
export function isConnectionError(err: unknown): boolean {
  const sqlState = pgErrorCode(err);
  if (sqlState && isUnavailableSqlState(sqlState)) return true;
  return causes(err).some((e) => {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' && CONNECTION_CODES.has(code);
  });
}
