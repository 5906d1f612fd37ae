import 'server-only';
import { cookies } from 'next/headers';
import type { Db } from '@/db/client';
import { getReadDb, withReadDb } from '@/db/read';
import { env } from '@/lib/env';

/** Set on a user's write (server actions): until it expires, that browser's pages read the primary. */
const WROTE_COOKIE = 'rl_wrote';

/**
 * After a write by this browser's user: for DATABASE_READ_AFTER_WRITE_SECONDS its pages read the
 * primary, so a change never seems to vanish while the replica catches up. Only with a replica.
 */
export async function markOwnWrite(): Promise<void> {
  const e = env();
  if (!e.DATABASE_READ_URL || e.DATABASE_READ_AFTER_WRITE_SECONDS <= 0) return;
  (await cookies()).set(WROTE_COOKIE, '1', {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    maxAge: e.DATABASE_READ_AFTER_WRITE_SECONDS,
  });
}

/**
 * A dashboard read of settled data (history, search, charts, a finished run's replay, exports): on
 * the replica when one is configured, reachable and within its lag bound, unless this browser's user
 * wrote recently or `primary` asks for the primary (a live run); a replica failing under the read
 * falls back to the primary (src/db/read.ts).
 */
export async function dashboardRead<T>(
  fn: (db: Db) => Promise<T>,
  opts: { primary?: boolean } = {},
): Promise<T> {
  const primary = opts.primary || (await cookies()).has(WROTE_COOKIE);
  return withReadDb(fn, { primary });
}

/** The handle for a streamed read (an export), chosen as dashboardRead chooses; no fallback mid-stream. */
export async function dashboardDb(opts: { primary?: boolean } = {}): Promise<Db> {
  return getReadDb({ primary: opts.primary || (await cookies()).has(WROTE_COOKIE) });
}
