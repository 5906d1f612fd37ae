import 'server-only';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { jobLeases } from '@/db/schema';
import { queryRows } from '@/db/sql';

export type LeaseOptions = {
  /** Names this process on its leases (processHolder()). */
  holder: string;
  /** How long a lease lasts without renewal: a holder that stopped loses its units after this. */
  ttlMs: number;
  now: () => Date;
};

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** This process's name on leases: unique per process, readable in the table. */
export function processHolder(): string {
  const slot = globalThis as { __runledgerHolder?: string };
  slot.__runledgerHolder ??= `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  return slot.__runledgerHolder;
}

/**
 * Takes the named lease if nobody holds it (no row, or its lease ran out), in one statement: of
 * processes racing for it exactly one gets it. True when this holder now holds it.
 */
export async function tryAcquire(db: DbOrTx, name: string, opts: LeaseOptions): Promise<boolean> {
  const now = opts.now();
  const until = new Date(now.getTime() + opts.ttlMs);
  const rows = await queryRows<{ holder: string }>(
    db,
    sql`insert into job_leases (name, holder, lease_until, acquired_at)
        values (${name}, ${opts.holder}, ${at(until)}, ${at(now)})
        on conflict (name) do update
          set holder = excluded.holder, lease_until = excluded.lease_until, acquired_at = excluded.acquired_at
          where job_leases.lease_until <= ${at(now)}
        returning holder`,
  );
  return rows.length > 0;
}

/** Extends a lease this holder still holds; false when it lost it (another process took it over). */
export async function renew(db: DbOrTx, name: string, opts: LeaseOptions): Promise<boolean> {
  const until = new Date(opts.now().getTime() + opts.ttlMs);
  const rows = await db
    .update(jobLeases)
    .set({ leaseUntil: until })
    .where(and(eq(jobLeases.name, name), eq(jobLeases.holder, opts.holder)))
    .returning({ name: jobLeases.name });
  return rows.length > 0;
}

/** A one-off unit is done: its row goes. */
export async function release(db: DbOrTx, name: string, holder: string): Promise<void> {
  await db.delete(jobLeases).where(and(eq(jobLeases.name, name), eq(jobLeases.holder, holder)));
}

/**
 * A periodic job's pass ended: the row stays held until the next pass is due, so no process repeats
 * it; a failed pass (`ok` false) is not counted and its lease ends at `nextDue` (now: retried).
 */
export async function finishPass(
  db: DbOrTx,
  name: string,
  holder: string,
  nextDue: Date,
  now: Date,
  ok: boolean,
) {
  await db
    .update(jobLeases)
    .set(
      ok
        ? { leaseUntil: nextDue, doneAt: now, passes: sql`${jobLeases.passes} + 1` }
        : { leaseUntil: nextDue },
    )
    .where(and(eq(jobLeases.name, name), eq(jobLeases.holder, holder)));
}

/** Expired leases of one-off units named `<kind>:<key>`: units whose holder stopped before finishing. */
export async function orphans(db: DbOrTx, kind: string, now: Date, limit = 20): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select name from job_leases
        where name like ${`${kind}:%`} and lease_until <= ${at(now)}
        order by lease_until limit ${limit}`,
  );
  return rows.map((r) => r.name.slice(kind.length + 1));
}
