import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type Monitor, type MonitorStateRow, monitors, monitorStatesTable, quotas } from '@/db/schema';
import {
  type CreateMonitorInput,
  checkMonitorMetric,
  type MonitorDto,
  monitorDefinition,
  type UpdateMonitorInput,
} from '@/lib/contract';
import { iso } from '@/lib/time';
import { type AuditActor, audited } from '../audit/audit';
import { AppError, notFound } from '../errors';

type WithStates = { monitor: Monitor; states: MonitorStateRow[] };

export function toMonitorDto({ monitor: m, states }: WithStates): MonitorDto {
  const firing = states
    .filter((s) => s.state === 'firing')
    .map((s) => ({
      subject: m.perSubject ? s.subject : null,
      state: s.state,
      value: s.value,
      since: s.since.toISOString(),
    }));
  return {
    id: m.id,
    name: m.name,
    metric: m.metric,
    scoreName: m.scoreName,
    quotaId: m.quotaId,
    filters: m.filters,
    windowSeconds: m.windowSeconds,
    comparator: m.comparator,
    threshold: m.threshold,
    perSubject: m.perSubject,
    cooldownSeconds: m.cooldownSeconds,
    noData: m.noData,
    enabled: m.enabled,
    state: firing.length > 0 ? 'firing' : 'ok',
    firing,
    lastEvaluatedAt: iso(m.lastEvaluatedAt),
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

/** The definition's columns; a metric's unused reference is cleared. */
function columns(input: CreateMonitorInput) {
  return {
    name: input.name,
    metric: input.metric,
    scoreName: input.metric.startsWith('score_') ? (input.scoreName ?? null) : null,
    quotaId: input.metric === 'quota_use' ? (input.quotaId ?? null) : null,
    filters: input.filters,
    windowSeconds: input.windowSeconds,
    comparator: input.comparator,
    threshold: input.threshold,
    perSubject: input.perSubject,
    cooldownSeconds: input.cooldownSeconds,
    noData: input.noData,
    enabled: input.enabled,
  };
}

/** 400 unless a quota_use monitor names a quota of this project. */
export async function checkQuota(db: DbOrTx, projectId: string, quotaId: string | null | undefined) {
  if (!quotaId) return;
  const [q] = await db
    .select({ id: quotas.id })
    .from(quotas)
    .where(and(eq(quotas.id, quotaId), eq(quotas.projectId, projectId)));
  if (!q)
    throw new AppError('bad_request', 'quotaId does not name a quota of this project', [
      { path: ['quotaId'], code: 'not_found', message: 'No quota of this project has this id' },
    ]);
}

export async function listMonitors(db: DbOrTx, projectId: string): Promise<WithStates[]> {
  const [rows, states] = await Promise.all([
    db.select().from(monitors).where(eq(monitors.projectId, projectId)).orderBy(asc(monitors.createdAt)),
    db.select().from(monitorStatesTable).where(eq(monitorStatesTable.projectId, projectId)),
  ]);
  return rows.map((monitor) => ({ monitor, states: states.filter((s) => s.monitorId === monitor.id) }));
}

export async function getMonitor(db: DbOrTx, projectId: string, id: string): Promise<WithStates> {
  const [monitor] = await db
    .select()
    .from(monitors)
    .where(and(eq(monitors.projectId, projectId), eq(monitors.id, id)));
  if (!monitor) throw notFound('Monitor');
  const states = await db
    .select()
    .from(monitorStatesTable)
    .where(and(eq(monitorStatesTable.projectId, projectId), eq(monitorStatesTable.monitorId, id)));
  return { monitor, states };
}

export async function createMonitor(
  db: DbOrTx,
  projectId: string,
  input: CreateMonitorInput,
  actor: AuditActor,
): Promise<WithStates> {
  await checkQuota(db, projectId, input.metric === 'quota_use' ? input.quotaId : null);
  return audited(db, { actor, projectId }, 'monitor.created', async (tx) => {
    const [row] = await tx
      .insert(monitors)
      .values({ projectId, ...columns(input) })
      .returning();
    const value = { monitor: row!, states: [] };
    return { value, target: row!.id, after: toMonitorDto(value) };
  });
}

/**
 * Changes the fields given; the result must be a valid monitor (else 400, nothing stored). A changed
 * definition (anything but the name or `enabled`) drops the states: it is measured afresh from ok.
 */
export async function updateMonitor(
  db: DbOrTx,
  projectId: string,
  id: string,
  patch: UpdateMonitorInput,
  actor: AuditActor,
): Promise<WithStates> {
  return audited(db, { actor, projectId }, 'monitor.updated', async (tx) => {
    const before = await getMonitor(tx, projectId, id);
    const m = before.monitor;
    const merged = monitorDefinition.superRefine(checkMonitorMetric).safeParse({
      name: m.name,
      metric: m.metric,
      scoreName: m.scoreName,
      quotaId: m.quotaId,
      filters: m.filters,
      windowSeconds: m.windowSeconds,
      comparator: m.comparator,
      threshold: m.threshold,
      perSubject: m.perSubject,
      cooldownSeconds: m.cooldownSeconds,
      noData: m.noData,
      enabled: m.enabled,
      ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
    });
    if (!merged.success) {
      throw new AppError(
        'bad_request',
        'The monitor would not be valid',
        merged.error.issues.map((i) => ({ path: i.path.map(String), code: i.code, message: i.message })),
      );
    }
    const input = merged.data;
    if (input.metric === 'quota_use') await checkQuota(tx, projectId, input.quotaId);
    const redefined = Object.keys(patch).some((k) => k !== 'name' && k !== 'enabled');
    const [row] = await tx
      .update(monitors)
      .set({ ...columns(input), updatedAt: new Date() })
      .where(and(eq(monitors.projectId, projectId), eq(monitors.id, id)))
      .returning();
    if (redefined)
      await tx
        .delete(monitorStatesTable)
        .where(and(eq(monitorStatesTable.projectId, projectId), eq(monitorStatesTable.monitorId, id)));
    const value = { monitor: row!, states: redefined ? [] : before.states };
    return { value, target: id, before: toMonitorDto(before), after: toMonitorDto(value) };
  });
}

/** Deletes the monitor with its states and incidents (foreign keys cascade). */
export async function deleteMonitor(
  db: DbOrTx,
  projectId: string,
  id: string,
  actor: AuditActor,
): Promise<void> {
  await audited(db, { actor, projectId }, 'monitor.deleted', async (tx) => {
    const before = await getMonitor(tx, projectId, id);
    await tx.delete(monitors).where(and(eq(monitors.projectId, projectId), eq(monitors.id, id)));
    return { value: undefined, target: id, before: toMonitorDto(before) };
  });
}
