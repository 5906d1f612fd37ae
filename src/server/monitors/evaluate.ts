import 'server-only';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type Monitor, monitorIncidents, monitors, monitorStatesTable, projects } from '@/db/schema';
import { queryRows } from '@/db/sql';
import { enqueueAlertEvent } from '../alerts/outbox';
import { writeAudits } from '../audit/audit';
import { dashboardUrl } from '../webhooks/message';
import { type Change, decide } from './decide';
import { incidentPath } from './links';
import { metricRowsSql, ts } from './metric';

export type EvaluateOptions = {
  now: Date;
  /** Only this project's monitors (tests, the dashboard); default every project's. */
  projectId?: string;
  /** Monitors measured per statement. */
  batchSize?: number;
};

type Loaded = Monitor & { slug: string };

/** The current value of each monitor, per subject: one statement per batch of monitors. */
async function measure(
  db: DbOrTx,
  batch: Loaded[],
  now: Date,
): Promise<Map<string, Map<string, number | null>>> {
  const parts = batch.map((m) => {
    const start = new Date(now.getTime() - m.windowSeconds * 1000);
    return sql`select ${m.id}::uuid as monitor_id, subject, value from (${metricRowsSql(m, ts(start), ts(now))}) v`;
  });
  const rows = await queryRows<{ monitor_id: string; subject: string | null; value: number | string | null }>(
    db,
    sql.join(parts, sql` union all `),
  );
  const out = new Map<string, Map<string, number | null>>();
  for (const m of batch) out.set(m.id, new Map());
  for (const r of rows) {
    out.get(r.monitor_id)!.set(r.subject ?? '', r.value === null ? null : Number(r.value));
  }
  return out;
}

/** Writes one monitor's changes with their incidents, outbox events and audit entries, together. */
async function apply(db: DbOrTx, m: Loaded, changes: Change[], now: Date): Promise<void> {
  const windowStart = new Date(now.getTime() - m.windowSeconds * 1000);
  await db.transaction(async (tx) => {
    const incidents = await tx
      .insert(monitorIncidents)
      .values(
        changes.map((c) => ({
          projectId: m.projectId,
          monitorId: m.id,
          subject: c.subject,
          kind: c.kind,
          value: c.value,
          threshold: m.threshold,
          windowStart,
          windowEnd: now,
          createdAt: now,
        })),
      )
      .returning({ id: monitorIncidents.id });
    await tx
      .insert(monitorStatesTable)
      .values(
        changes.map((c) => ({
          projectId: m.projectId,
          monitorId: m.id,
          subject: c.subject,
          state: c.kind === 'firing' ? ('firing' as const) : ('ok' as const),
          value: c.value,
          since: now,
          lastFiredAt: c.kind === 'firing' ? now : null,
          updatedAt: now,
        })),
      )
      .onConflictDoUpdate({
        target: [monitorStatesTable.projectId, monitorStatesTable.monitorId, monitorStatesTable.subject],
        set: {
          state: sql`excluded.state`,
          value: sql`excluded.value`,
          since: sql`excluded.since`,
          lastFiredAt: sql`coalesce(excluded.last_fired_at, ${monitorStatesTable.lastFiredAt})`,
          updatedAt: sql`excluded.updated_at`,
        },
      });
    for (const [i, c] of changes.entries()) {
      const incidentId = incidents[i]!.id;
      await enqueueAlertEvent(tx, {
        projectId: m.projectId,
        type: c.kind === 'firing' ? 'monitor.firing' : 'monitor.resolved',
        data: {
          monitorId: m.id,
          name: m.name,
          metric: m.metric,
          value: c.value,
          comparator: m.comparator,
          threshold: m.threshold,
          subject: m.perSubject ? c.subject : null,
          windowStart: windowStart.toISOString(),
          windowEnd: now.toISOString(),
          incidentId,
          link: dashboardUrl(incidentPath(m.slug, m, { subject: c.subject, windowStart, windowEnd: now })),
        },
        dedupeKey: `incident:${incidentId}`,
        now,
      });
    }
    await writeAudits(
      tx,
      changes.map((c, i) => ({
        projectId: m.projectId,
        actor: null,
        action: c.kind === 'firing' ? 'monitor.fired' : 'monitor.resolved',
        target: m.id,
        after: { incidentId: incidents[i]!.id, subject: m.perSubject ? c.subject : null, value: c.value },
      })),
    );
  });
}

/**
 * One evaluation of the enabled monitors at `now`: each metric measured over its window ending at
 * `now` (batched statements), state changes written per monitor with their incidents, `monitor.firing`
 * / `monitor.resolved` outbox events and audit entries in one transaction. Safe to repeat: a second
 * run at the same `now` finds the states already changed.
 */
export async function evaluateMonitors(
  db: DbOrTx,
  opts: EvaluateOptions,
): Promise<{ evaluated: number; changes: number }> {
  const { now } = opts;
  const loaded: Loaded[] = (
    await db
      .select({ m: monitors, slug: projects.slug })
      .from(monitors)
      .innerJoin(projects, eq(projects.id, monitors.projectId))
      .where(
        and(eq(monitors.enabled, true), opts.projectId ? eq(monitors.projectId, opts.projectId) : undefined),
      )
  ).map((r) => ({ ...r.m, slug: r.slug }));
  if (loaded.length === 0) return { evaluated: 0, changes: 0 };
  const stateRows = await db
    .select()
    .from(monitorStatesTable)
    .where(
      inArray(
        monitorStatesTable.monitorId,
        loaded.map((m) => m.id),
      ),
    );
  const stored = new Map<string, Map<string, (typeof stateRows)[number]>>();
  for (const r of stateRows) {
    if (!stored.has(r.monitorId)) stored.set(r.monitorId, new Map());
    stored.get(r.monitorId)!.set(r.subject, r);
  }
  const size = opts.batchSize ?? 25;
  const batches: Loaded[][] = [];
  for (let i = 0; i < loaded.length; i += size) batches.push(loaded.slice(i, i + size));
  // The batches' statements at once (Postgres runs them on several connections); writes after.
  const measured = await Promise.all(batches.map((b) => measure(db, b, now)));
  let changed = 0;
  for (const [i, batch] of batches.entries()) {
    for (const m of batch) {
      const changes = decide(m, stored.get(m.id) ?? new Map(), measured[i]!.get(m.id)!, now);
      if (changes.length === 0) continue;
      await apply(db, m, changes, now);
      changed += changes.length;
    }
  }
  // One statement per project, naming it (one shard on a distributed database).
  for (const projectId of [...new Set(loaded.map((m) => m.projectId))].sort()) {
    await db
      .update(monitors)
      .set({ lastEvaluatedAt: now })
      .where(
        and(
          eq(monitors.projectId, projectId),
          inArray(
            monitors.id,
            loaded.filter((m) => m.projectId === projectId).map((m) => m.id),
          ),
        ),
      );
  }
  return { evaluated: loaded.length, changes: changed };
}
