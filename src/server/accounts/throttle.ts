import 'server-only';
import { and, desc, eq, gt, lt } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { signInFailures } from '@/db/schema';

/** Failed sign-ins allowed per key within the window before further attempts are refused. */
export const THROTTLE = { windowMs: 15 * 60_000, perAccount: 5, perAddress: 20 } as const;

export type ThrottleKeys = { email: string; address: string | null };

const keyList = (k: ThrottleKeys) => [
  { key: `email:${k.email.trim().toLowerCase()}`, limit: THROTTLE.perAccount },
  ...(k.address ? [{ key: `ip:${k.address}`, limit: THROTTLE.perAddress }] : []),
];

/** Milliseconds until an attempt for these keys is allowed again; 0 when it is allowed now. */
export async function throttleWait(db: DbOrTx, keys: ThrottleKeys, now = new Date()): Promise<number> {
  const since = new Date(now.getTime() - THROTTLE.windowMs);
  let wait = 0;
  for (const { key, limit } of keyList(keys)) {
    const rows = await db
      .select({ at: signInFailures.at })
      .from(signInFailures)
      .where(and(eq(signInFailures.key, key), gt(signInFailures.at, since)))
      .orderBy(desc(signInFailures.at))
      .limit(limit);
    // Allowed again once the oldest of the last `limit` failures leaves the window.
    if (rows.length >= limit)
      wait = Math.max(wait, rows.at(-1)!.at.getTime() + THROTTLE.windowMs - now.getTime());
  }
  return wait;
}

export async function recordFailure(db: DbOrTx, keys: ThrottleKeys, now = new Date()): Promise<void> {
  await db.insert(signInFailures).values(keyList(keys).map(({ key }) => ({ key, at: now })));
  // Keep the table small: failures older than the window no longer count.
  await db.delete(signInFailures).where(lt(signInFailures.at, new Date(now.getTime() - THROTTLE.windowMs)));
}

/** A successful sign-in forgives the account's earlier failures (not the address's). */
export async function clearAccountFailures(db: DbOrTx, email: string): Promise<void> {
  await db.delete(signInFailures).where(eq(signInFailures.key, `email:${email.trim().toLowerCase()}`));
}

export const throttleMessage = (waitMs: number) => {
  const minutes = Math.max(1, Math.ceil(waitMs / 60_000));
  return `Too many attempts, try again in ${minutes} minute${minutes === 1 ? '' : 's'}`;
};
