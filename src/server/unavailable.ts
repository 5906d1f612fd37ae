import { isConnectionError } from '@/db/connection-errors';
import { isAppError } from './errors';

export { RETRY_AFTER_SECONDS, serviceUnavailable } from './errors';

/** True when `err` (an AppError or a driver error, possibly wrapped by Drizzle) means the database is unreachable. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (isAppError(err)) return err.code === 'service_unavailable';
  return isConnectionError(err);
}
