import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import { type WindowKind, windowEnd, windowKinds, windowStart } from '@/lib/windows';
import { AppError } from '@/server/errors';
import {
  commitReservation,
  createReservation,
  deleteQuota,
  putQuota,
  recordUsage,
  releaseReservation,
  sweepExpiredReservations,
} from '@/server/usage';
import { describeEachDb } from '../../helpers/db';
import { makeProject } from '../../helpers/fixtures';
import { counterMismatches, missingCounters, rollupMismatches } from '../../helpers/usage';

/** mulberry32: a small seeded generator, so a failing sequence can be replayed from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  return { next, int, pick };
}

const METRIC = 'tokens';
const SUBJECTS = ['alice', 'bob'] as const;
type QuotaModel = { id: string; limit: number; mode: 'hard' | 'soft' };

/** Usage of a subject in the window containing `at`: the ledger plus holds that are still open at `at`. */
async function windowUsage(db: DbOrTx, projectId: string, subject: string, window: WindowKind, at: Date) {
  const start = windowStart(window, at).toISOString();
  const end = windowEnd(window, at).toISOString();
  const [row] = await queryRows<{ used: number }>(
    db,
    sql`select (coalesce((select sum(amount) from usage_events where project_id = ${projectId}::uuid
          and subject = ${subject} and metric = ${METRIC}
          and occurred_at >= ${start}::timestamptz and occurred_at < ${end}::timestamptz), 0)
        + coalesce((select sum(amount) from usage_reservations where project_id = ${projectId}::uuid
          and subject = ${subject} and metric = ${METRIC} and status = 'held'
          and expires_at > ${at.toISOString()}::timestamptz
          and created_at >= ${start}::timestamptz and created_at < ${end}::timestamptz), 0))::float8 as used`,
  );
  return Number(row!.used);
}

async function ledgerRows(db: DbOrTx, projectId: string) {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select ((select count(*) from usage_events where project_id = ${projectId}::uuid)
        + (select count(*) from usage_reservations where project_id = ${projectId}::uuid))::int as n`,
  );
  return Number(row!.n);
}

describeEachDb('usage counters under random quota changes (property)', ({ db }) => {
  for (const seed of [1, 7, 2026]) {
    it(`every counter and rollup row equals its ledger sum and no hard limit is passed (seed ${seed})`, async () => {
      const rnd = prng(seed);
      const p = await makeProject(db());
      const quotas = new Map<string, QuotaModel>();
      const reservations: string[] = [];
      const applicable = (subject: string, window: WindowKind) =>
        quotas.get(`${subject}|${window}`) ?? quotas.get(`*|${window}`);
      // Starts two minutes before midnight at the end of a month, so every window kind rolls over.
      let now = new Date('2026-11-30T23:58:10.000Z');
      const counts = { refused: 0, recorded: 0, held: 0, committed: 0, released: 0, quotaChanges: 0 };

      /** After a non-forced write of `subject`: every hard window that applies is within its limit. */
      const checkWithinLimits = async (subject: string) => {
        for (const window of windowKinds) {
          const q = applicable(subject, window);
          if (q?.mode !== 'hard') continue;
          const used = await windowUsage(db(), p.id, subject, window, now);
          expect(used, `${subject} ${window} within ${q.limit}`).toBeLessThanOrEqual(q.limit);
        }
      };
      /** After a refusal: nothing was written, and some hard window really had no room for `amount`. */
      const checkRefusalJustified = async (subject: string, amount: number, rowsBefore: number) => {
        expect(await ledgerRows(db(), p.id)).toBe(rowsBefore);
        let blocked = false;
        for (const window of windowKinds) {
          const q = applicable(subject, window);
          if (q?.mode === 'hard' && (await windowUsage(db(), p.id, subject, window, now)) + amount > q.limit)
            blocked = true;
        }
        expect(blocked, `refusal of ${amount} for ${subject} has a full hard window`).toBe(true);
      };

      for (let step = 0; step < 120; step++) {
        now = new Date(now.getTime() + rnd.int(0, 25) * 1000);
        const subject = rnd.pick(SUBJECTS);
        const r = rnd.next();
        const label = `seed ${seed} step ${step}`;
        if (r < 0.15) {
          const who = rnd.next() < 0.4 ? '*' : subject;
          const window = rnd.pick(windowKinds);
          const input = {
            subject: who,
            metric: METRIC,
            window,
            limit: rnd.int(0, 300),
            mode: rnd.next() < 0.8 ? ('hard' as const) : ('soft' as const),
          };
          const q = await putQuota(db(), p.id, input, { now });
          quotas.set(`${who}|${window}`, { id: q.id, limit: input.limit, mode: input.mode });
          counts.quotaChanges++;
        } else if (r < 0.25 && quotas.size > 0) {
          const key = rnd.pick([...quotas.keys()]);
          await deleteQuota(db(), p.id, quotas.get(key)!.id);
          quotas.delete(key);
          counts.quotaChanges++;
        } else if (r < 0.55) {
          const amount = rnd.int(1, 60);
          const force = rnd.next() < 0.1;
          const idempotencyKey = rnd.next() < 0.3 ? `${label}` : undefined;
          const before = await ledgerRows(db(), p.id);
          try {
            await recordUsage(
              db(),
              p.id,
              { subject, metric: METRIC, amount, idempotencyKey },
              { now, force },
            );
            counts.recorded++;
            if (!force) await checkWithinLimits(subject);
          } catch (err) {
            if (!(err instanceof AppError) || err.code !== 'quota_exceeded' || force) throw err;
            counts.refused++;
            await checkRefusalJustified(subject, amount, before);
          }
        } else if (r < 0.72) {
          const amount = rnd.int(1, 60);
          const before = await ledgerRows(db(), p.id);
          try {
            const { reservation } = await createReservation(
              db(),
              p.id,
              { subject, metric: METRIC, amount, ttlSeconds: rnd.int(5, 120) },
              { now },
            );
            reservations.push(reservation.id);
            counts.held++;
            await checkWithinLimits(subject);
          } catch (err) {
            if (!(err instanceof AppError) || err.code !== 'quota_exceeded') throw err;
            counts.refused++;
            await checkRefusalJustified(subject, amount, before);
          }
        } else if (r < 0.95 && reservations.length > 0) {
          const id = rnd.pick(reservations);
          try {
            if (rnd.next() < 0.6) {
              await commitReservation(db(), p.id, id, { amount: rnd.int(0, 80) }, { now });
              counts.committed++;
            } else {
              await releaseReservation(db(), p.id, id, { now });
              counts.released++;
            }
          } catch (err) {
            // Settling a reservation a second time is refused; anything else is a failure.
            if (!(err instanceof AppError) || err.code !== 'conflict') throw err;
          }
        } else {
          await sweepExpiredReservations(db(), p.id, { now });
        }
        expect(await counterMismatches(db(), p.id), label).toEqual([]);
        expect(await missingCounters(db(), p.id), label).toEqual([]);
        expect(await rollupMismatches(db(), p.id), label).toEqual([]);
      }
      // The sequence really exercised every path.
      for (const [name, n] of Object.entries(counts)) expect(n, name).toBeGreaterThan(0);
    }, 120_000);
  }
});
