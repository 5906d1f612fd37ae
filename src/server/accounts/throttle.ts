import 'server-only';
import { and, desc, eq, gt, inArray, lt } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { signInFailures } from '@/db/schema';

/**
 * Sign-in throttling as OWASP recommends: failures slow down the pair (account, address) and the
 * address with delays that double after a few free attempts, so someone guessing from elsewhere never
 * locks the owner out of their own address; a high per-account ceiling (from any address) only stops
 * guessing spread over many addresses. Failures older than the window no longer count.
 */
export const THROTTLE = {
  windowMs: 15 * 60_000,
  /** Failures of one account from one address before the delays start. */
  perPair: 5,
  /** Failures from one address (any accounts) before the delays start. */
  perAddress: 20,
  /** Failures of one account from all addresses together that refuse it until the window moves on. */
  perAccount: 100,
  /** The first delay; each further failure doubles it, up to maxDelayMs. */
  firstDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
} as const;

export type ThrottleKeys = { email: string; address: string | null };

type Rule = { key: string; free: number; kind: 'delay' | 'ceiling' };

const normalEmail = (email: string) => email.trim().toLowerCase();

function rules(k: ThrottleKeys): Rule[] {
  const email = normalEmail(k.email);
  const address = k.address ?? 'unknown';
  return [
    { key: `pair:${email}|${address}`, free: THROTTLE.perPair, kind: 'delay' },
    ...(k.address ? [{ key: `ip:${k.address}`, free: THROTTLE.perAddress, kind: 'delay' } as const] : []),
    { key: `email:${email}`, free: THROTTLE.perAccount, kind: 'ceiling' },
  ];
}

/** The delay after `n` failures of a delay rule: none for the free ones, then 1 s, 2 s, 4 s … */
export function delayAfter(n: number, free: number): number {
  if (n < free) return 0;
  return Math.min(THROTTLE.maxDelayMs, THROTTLE.firstDelayMs * 2 ** Math.min(n - free, 30));
}

/** Milliseconds until an attempt for these keys is allowed again; 0 when it is allowed now. */
export async function throttleWait(db: DbOrTx, keys: ThrottleKeys, now = new Date()): Promise<number> {
  const since = new Date(now.getTime() - THROTTLE.windowMs);
  let wait = 0;
  for (const rule of rules(keys)) {
    // Enough rows to know the delay (it stops growing after ~10 doublings) or the ceiling.
    const rows = await db
      .select({ at: signInFailures.at })
      .from(signInFailures)
      .where(and(eq(signInFailures.key, rule.key), gt(signInFailures.at, since)))
      .orderBy(desc(signInFailures.at))
      .limit(rule.kind === 'ceiling' ? rule.free : rule.free + 12);
    if (rows.length === 0) continue;
    const until =
      rule.kind === 'ceiling'
        ? // Refused until the oldest of the last `free` failures leaves the window.
          rows.length >= rule.free
          ? rows.at(-1)!.at.getTime() + THROTTLE.windowMs
          : 0
        : rows[0]!.at.getTime() + delayAfter(rows.length, rule.free);
    wait = Math.max(wait, until - now.getTime());
  }
  return wait;
}

export async function recordFailure(db: DbOrTx, keys: ThrottleKeys, now = new Date()): Promise<void> {
  await db.insert(signInFailures).values(rules(keys).map(({ key }) => ({ key, at: now })));
  // Keep the table small: failures older than the window no longer count.
  await db.delete(signInFailures).where(lt(signInFailures.at, new Date(now.getTime() - THROTTLE.windowMs)));
}

/** A successful sign-in forgives this address's failures for the account (not the address's others). */
export async function clearPairFailures(db: DbOrTx, keys: ThrottleKeys): Promise<void> {
  const pair = rules(keys).filter((r) => r.key.startsWith('pair:'));
  await db.delete(signInFailures).where(
    inArray(
      signInFailures.key,
      pair.map((r) => r.key),
    ),
  );
}

export const throttleMessage = (waitMs: number) => {
  if (waitMs < 60_000) {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    return `Too many attempts, try again in ${seconds} second${seconds === 1 ? '' : 's'}`;
  }
  const minutes = Math.ceil(waitMs / 60_000);
  return `Too many attempts, try again in ${minutes} minute${minutes === 1 ? '' : 's'}`;
};
