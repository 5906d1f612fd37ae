import 'server-only';
import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { serviceUnavailable } from './unavailable';

/** A health check must answer fast even when the database hangs: it gives up after this. */
const PING_TIMEOUT_MS = 2_000;

/** One round trip to the database (`select 1`); a failure or no answer within 2 s is a 503 AppError. */
export async function pingDatabase(db: Db): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(serviceUnavailable(`The database did not answer within ${PING_TIMEOUT_MS} ms`)),
      PING_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([db.execute(sql`select 1`), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
