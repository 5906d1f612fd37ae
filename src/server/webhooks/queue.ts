import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import { claimPerProject, dueProjectsSql } from '@/server/jobs/claims';
import type { AlertEventType, DestinationFormat } from '@/lib/enums';

/**
 * Fans events out to the destinations of their project: each undispatched event gets one delivery per
 * enabled destination and is marked dispatched, one statement per project with events waiting
 * (claimPerProject shares `limit` across them). Events another worker is fanning out are skipped
 * (SKIP LOCKED). Fanning out here rather than at enqueue keeps the outbox write (on the quota path) a
 * single insert that never reads the destinations.
 */
export async function fanOut(db: DbOrTx, now: Date, limit = 500): Promise<number> {
  const at = now.toISOString();
  const counts = await claimPerProject(
    db,
    dueProjectsSql('alert_events', sql`dispatched_at is null`, 'created_at', limit),
    limit,
    async (projectId, take) => {
      const [row] = await queryRows<{ events: number }>(
        db,
        sql`with picked as (
              select id from alert_events where project_id = ${projectId}::uuid and dispatched_at is null
              order by created_at limit ${take} for update skip locked
            ), ins as (
              insert into alert_deliveries (project_id, event_id, destination_id, next_attempt_at, created_at, updated_at)
              select d.project_id, p.id, d.id, ${at}::timestamptz, ${at}::timestamptz, ${at}::timestamptz
              from picked p join webhook_destinations d on d.project_id = ${projectId}::uuid and d.disabled_at is null
              on conflict (event_id, destination_id, project_id) do nothing
            ), done as (
              update alert_events e set dispatched_at = ${at}::timestamptz from picked
              where e.project_id = ${projectId}::uuid and e.id = picked.id
              returning 1
            )
            select count(*)::int as events from done`,
      );
      return [row?.events ?? 0];
    },
  );
  return counts.reduce((a, b) => a + b, 0);
}

export type Claimed = {
  id: number;
  project_id: string;
  attempts: number;
  created_at: string | Date;
  event_id: string;
  type: AlertEventType;
  data: Record<string, unknown> | string;
  event_created_at: string | Date;
  destination_id: string;
  url: string;
  format: DestinationFormat;
  secret_cipher: string;
  disabled_at: string | Date | null;
  failing_since: string | Date | null;
  slug: string;
};

/**
 * Leases up to `limit` due deliveries (waiting ones, and sending ones whose lease ran out), shared
 * fairly across the projects that have some (claimPerProject): per project one statement, FOR UPDATE
 * SKIP LOCKED, so concurrent workers never take the same row and each attempt is sent once. Returns
 * them with their event and destination.
 */
export async function claimDeliveries(
  db: DbOrTx,
  workerId: string,
  now: Date,
  limit: number,
  leaseMs: number,
): Promise<Claimed[]> {
  const at = now.toISOString();
  const until = new Date(now.getTime() + leaseMs).toISOString();
  const rows = await claimPerProject(
    db,
    dueProjectsSql(
      'alert_deliveries',
      sql`status in ('pending', 'sending') and next_attempt_at <= ${at}::timestamptz`,
      'next_attempt_at',
      limit,
    ),
    limit,
    (projectId, take) =>
      queryRows<Claimed>(
        db,
        sql`with picked as (
              select id from alert_deliveries
              where project_id = ${projectId}::uuid and status in ('pending', 'sending')
                and next_attempt_at <= ${at}::timestamptz
              order by next_attempt_at, id limit ${take}
              for update skip locked
            ), leased as (
              update alert_deliveries d
              set status = 'sending', attempts = d.attempts + 1, leased_by = ${workerId},
                  next_attempt_at = ${until}::timestamptz, updated_at = ${at}::timestamptz
              from picked where d.project_id = ${projectId}::uuid and d.id = picked.id
              returning d.id, d.attempts, d.created_at, d.event_id, d.destination_id
            )
            select l.id, ${projectId}::uuid as project_id, l.attempts, l.created_at, l.event_id, e.type, e.data, e.created_at as event_created_at,
              l.destination_id, w.url, w.format, w.secret_cipher, w.disabled_at, w.failing_since, p.slug
            from leased l
            join alert_events e on e.project_id = ${projectId}::uuid and e.id = l.event_id
            join webhook_destinations w on w.project_id = ${projectId}::uuid and w.id = l.destination_id
            join projects p on p.id = ${projectId}::uuid`,
      ),
  );
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}
