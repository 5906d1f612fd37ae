import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { GET as incidentsRoute } from '@/app/api/v1/incidents/route';
import {
  DELETE as deleteRoute,
  GET as getRoute,
  PATCH as patchRoute,
} from '@/app/api/v1/monitors/[id]/route';
import { POST as previewRoute } from '@/app/api/v1/monitors/preview/route';
import { GET as listRoute, POST as createRoute } from '@/app/api/v1/monitors/route';
import { alertEvents, auditLog, monitorIncidents, monitors, runs, scores } from '@/db/schema';
import { queryRows } from '@/db/sql';
import { evaluateMonitors } from '@/server/monitors';
import { putQuota, recordUsage } from '@/server/usage';
import { bearer, callHandler, useApiHandlers } from '../helpers/api-handler';
import { describeEachDb } from '../helpers/db';
import { makeProject } from '../helpers/fixtures';

const MIN = 60_000;

describeEachDb('monitors', ({ db, driver }) => {
  let projectId: string;
  let auth: string;
  // Every evaluation takes this clock; runs are written at instants relative to it.
  const t0 = new Date('2026-03-02T12:00:00.000Z').getTime();
  const at = (minutes: number) => new Date(t0 + minutes * MIN);
  const call = (
    handler: Parameters<typeof callHandler>[0],
    path: string,
    init: { method?: string; body?: unknown; params?: Record<string, string> } = {},
  ) => callHandler(handler, { path, auth, ...init });

  async function addRuns(
    n: number,
    when: Date,
    fields: Partial<typeof runs.$inferInsert> = {},
  ): Promise<string[]> {
    const rows = await db()
      .insert(runs)
      .values(
        Array.from({ length: n }, () => ({
          projectId,
          name: 'r',
          status: 'succeeded' as const,
          createdAt: when,
          startedAt: when,
          endedAt: new Date(when.getTime() + 100),
          ...fields,
        })),
      )
      .returning({ id: runs.id });
    return rows.map((r) => r.id);
  }

  async function create(body: Record<string, unknown>) {
    const res = await call(createRoute, '/api/v1/monitors', { body });
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as { monitor: { id: string } }).monitor.id;
  }

  const evaluate = (minutes: number) => evaluateMonitors(db(), { now: at(minutes), projectId });

  const incidents = (monitorId: string) =>
    db()
      .select()
      .from(monitorIncidents)
      .where(and(eq(monitorIncidents.projectId, projectId), eq(monitorIncidents.monitorId, monitorId)))
      .orderBy(monitorIncidents.createdAt);

  const events = async (monitorId: string) =>
    (await db().select().from(alertEvents).where(eq(alertEvents.projectId, projectId)))
      .filter((e) => e.data.monitorId === monitorId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());

  beforeAll(async () => {
    useApiHandlers(db, driver);
    projectId = (await makeProject(db(), 'mon')).id;
    auth = await bearer(db(), projectId);
  });

  it('refuses bad definitions with 400 and stores nothing', async () => {
    const good = {
      name: 'errors',
      metric: 'error_rate',
      windowSeconds: 600,
      comparator: 'gt',
      threshold: 10,
    };
    const bad = [
      { ...good, threshold: 'ten' },
      { ...good, threshold: null },
      { ...good, windowSeconds: 60 },
      { ...good, windowSeconds: 86_401 },
      { ...good, metric: 'vibes' },
      { ...good, metric: 'score_mean' },
      { ...good, metric: 'quota_use' },
      { ...good, metric: 'quota_use', quotaId: '00000000-0000-4000-8000-000000000000' },
      { ...good, filters: { status: 'failed' } },
      { ...good, extra: 1 },
    ];
    for (const body of bad) {
      const res = await call(createRoute, '/api/v1/monitors', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json()).error.code).toBe('bad_request');
    }
    const preview = await call(previewRoute, '/api/v1/monitors/preview', {
      body: { ...good, threshold: 'x' },
    });
    expect(preview.status).toBe(400);
    expect(await db().select().from(monitors).where(eq(monitors.projectId, projectId))).toEqual([]);
  });

  it('CRUD through the API, audited; a PATCH making it invalid is refused and changes nothing', async () => {
    const id = await create({
      name: 'slow',
      metric: 'latency_p95',
      windowSeconds: 900,
      comparator: 'gt',
      threshold: 2000,
    });
    const list = await (await call(listRoute, '/api/v1/monitors')).json();
    expect(list.data.map((m: { id: string }) => m.id)).toContain(id);
    const bad = await call(patchRoute, `/api/v1/monitors/${id}`, {
      method: 'PATCH',
      params: { id },
      body: { metric: 'score_mean' },
    });
    expect(bad.status).toBe(400);
    const ok = await call(patchRoute, `/api/v1/monitors/${id}`, {
      method: 'PATCH',
      params: { id },
      body: { threshold: 3000, name: 'slower' },
    });
    expect(ok.status).toBe(200);
    const got = await (await call(getRoute, `/api/v1/monitors/${id}`, { params: { id } })).json();
    expect(got.monitor).toMatchObject({
      name: 'slower',
      threshold: 3000,
      metric: 'latency_p95',
      state: 'ok',
    });
    const del = await call(deleteRoute, `/api/v1/monitors/${id}`, { method: 'DELETE', params: { id } });
    expect(del.status).toBe(204);
    const actions = (
      await db()
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.projectId, projectId), eq(auditLog.target, id)))
    ).map((e) => e.action);
    expect(actions.sort()).toEqual(['monitor.created', 'monitor.deleted', 'monitor.updated']);
  });

  it('crossing, cooldown, recovery: each change an incident and an outbox event', async () => {
    const id = await create({
      name: 'error rate',
      metric: 'error_rate',
      windowSeconds: 600,
      comparator: 'gt',
      threshold: 20,
      cooldownSeconds: 1800,
      filters: { kind: 'workflow' },
    });
    // 3 of 10 workflow runs failed at minute 0; failed chat runs do not count (the filter).
    await addRuns(7, at(0), { kind: 'workflow' });
    const failed = await addRuns(3, at(0), { kind: 'workflow', status: 'failed' });
    await addRuns(20, at(0), { kind: 'chat', status: 'failed' });
    await evaluate(1);
    let rows = await incidents(id);
    expect(rows.map((r) => [r.kind, r.value])).toEqual([['firing', 30]]);
    // Repeating the tick changes nothing.
    await evaluate(1);
    expect(await incidents(id)).toHaveLength(1);
    // The window (10 min) passes: no finished runs is no data, and no data means ok here.
    await evaluate(12);
    rows = await incidents(id);
    expect(rows.map((r) => [r.kind, r.value])).toEqual([
      ['firing', 30],
      ['resolved', null],
    ]);
    // It breaches again within the cooldown (30 min from the firing at minute 1): no new incident.
    await addRuns(1, at(14), { kind: 'workflow', status: 'failed' });
    await evaluate(15);
    expect(await incidents(id)).toHaveLength(2);
    // After the cooldown it fires again.
    await addRuns(1, at(31), { kind: 'workflow', status: 'failed' });
    await evaluate(32);
    rows = await incidents(id);
    expect(rows.map((r) => r.kind)).toEqual(['firing', 'resolved', 'firing']);
    const evs = await events(id);
    expect(evs.map((e) => e.type)).toEqual(['monitor.firing', 'monitor.resolved', 'monitor.firing']);
    expect(evs[0]!.data).toMatchObject({
      monitorId: id,
      name: 'error rate',
      value: 30,
      threshold: 20,
      subject: null,
    });
    expect(String(evs[0]!.data.link)).toMatch(/\/p\/mon[^/]*\/runs\?status=failed&kind=workflow&from=/);
    // The incident's link names the window of the failed runs.
    const listed = await (await call(incidentsRoute, `/api/v1/incidents?monitorId=${id}`)).json();
    expect(listed.data).toHaveLength(3);
    const first = listed.data.at(-1);
    const link = new URL(first.link);
    expect(link.searchParams.get('from')).toBe(at(-9).toISOString());
    expect(link.searchParams.get('to')).toBe(at(1).toISOString());
    const inWindow = await queryRows<{ id: string }>(
      db(),
      sql`select id from runs where project_id = ${projectId} and status = 'failed' and kind = 'workflow'
        and created_at >= ${link.searchParams.get('from')}::timestamptz and created_at < ${link.searchParams.get('to')}::timestamptz`,
    );
    expect(inWindow.map((r) => r.id).sort()).toEqual([...failed].sort());
    const audit = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.projectId, projectId), eq(auditLog.target, id)));
    expect(audit.map((a) => a.action).filter((a) => a !== 'monitor.created')).toEqual([
      'monitor.fired',
      'monitor.resolved',
      'monitor.fired',
    ]);
    await db().delete(monitors).where(eq(monitors.id, id));
  });

  it('no data fires when the monitor says so; a run count of 0 is a value', async () => {
    const latency = await create({
      name: 'latency, no data fires',
      metric: 'latency_p50',
      windowSeconds: 300,
      comparator: 'gt',
      threshold: 1000,
      noData: 'firing',
      filters: { model: 'nothing-uses-this' },
    });
    const quiet = await create({
      name: 'too quiet',
      metric: 'run_count',
      windowSeconds: 300,
      comparator: 'lt',
      threshold: 1,
      filters: { model: 'nothing-uses-this' },
    });
    await evaluate(100);
    expect((await incidents(latency)).map((r) => [r.kind, r.value])).toEqual([['firing', null]]);
    expect((await incidents(quiet)).map((r) => [r.kind, r.value])).toEqual([['firing', 0]]);
    await addRuns(2, at(101), { model: 'nothing-uses-this' });
    await evaluate(102);
    expect((await incidents(latency)).map((r) => [r.kind, r.value])).toEqual([
      ['firing', null],
      ['resolved', 100],
    ]);
    expect((await incidents(quiet)).map((r) => r.kind)).toEqual(['firing', 'resolved']);
    await db().delete(monitors).where(eq(monitors.projectId, projectId));
  });

  it('per subject: each user that crosses fires on its own', async () => {
    const id = await create({
      name: 'tokens per user',
      metric: 'tokens',
      windowSeconds: 3600,
      comparator: 'gte',
      threshold: 1000,
      perSubject: true,
      filters: { tag: 'prod' },
    });
    await addRuns(2, at(200), { userId: 'alice', totalTokens: 600, tags: ['prod'] });
    await addRuns(1, at(200), { userId: 'bob', totalTokens: 900, tags: ['prod'] });
    await addRuns(1, at(200), { userId: 'bob', totalTokens: 5000, tags: ['dev'] });
    await evaluate(201);
    expect((await incidents(id)).map((r) => [r.subject, r.kind, r.value])).toEqual([
      ['alice', 'firing', 1200],
    ]);
    await addRuns(1, at(202), { userId: 'bob', totalTokens: 100, tags: ['prod'] });
    await evaluate(203);
    const rows = await incidents(id);
    expect(rows.map((r) => [r.subject, r.kind])).toEqual([
      ['alice', 'firing'],
      ['bob', 'firing'],
    ]);
    const monitor = (await (await call(getRoute, `/api/v1/monitors/${id}`, { params: { id } })).json())
      .monitor;
    expect(monitor.state).toBe('firing');
    expect(monitor.firing.map((f: { subject: string }) => f.subject).sort()).toEqual(['alice', 'bob']);
    const ev = (await events(id)).find((e) => e.data.subject === 'bob')!;
    expect(new URL(String(ev.data.link)).searchParams.get('user')).toBe('bob');
    // An hour later both windows are empty: both resolve.
    await evaluate(263);
    expect((await incidents(id)).map((r) => [r.subject, r.kind]).slice(2)).toEqual(
      expect.arrayContaining([
        ['alice', 'resolved'],
        ['bob', 'resolved'],
      ]),
    );
    await db().delete(monitors).where(eq(monitors.projectId, projectId));
  });

  it('quota use per subject from the usage counters, `*` quotas included', async () => {
    const now = at(400);
    const star = await putQuota(
      db(),
      projectId,
      { subject: '*', metric: 'tokens', window: 'day', limit: 1000 },
      { now },
    );
    await putQuota(
      db(),
      projectId,
      { subject: 'vip', metric: 'tokens', window: 'day', limit: 100_000 },
      { now },
    );
    await recordUsage(db(), projectId, { subject: 'carol', metric: 'tokens', amount: 850 }, { now });
    await recordUsage(db(), projectId, { subject: 'dave', metric: 'tokens', amount: 100 }, { now });
    await recordUsage(db(), projectId, { subject: 'vip', metric: 'tokens', amount: 5000 }, { now });
    const id = await create({
      name: 'quota 80%',
      metric: 'quota_use',
      quotaId: star.id,
      windowSeconds: 300,
      comparator: 'gte',
      threshold: 80,
      perSubject: true,
    });
    await evaluate(401);
    expect((await incidents(id)).map((r) => [r.subject, r.kind, r.value])).toEqual([['carol', 'firing', 85]]);
    const ev = (await events(id))[0]!;
    expect(String(ev.data.link)).toMatch(/\/usage\?subject=carol$/);
    await db().delete(monitors).where(eq(monitors.projectId, projectId));
  });

  it("a score's mean and pass rate; the preview's series over the range", async () => {
    const ids = await addRuns(4, at(500), { userId: 'erin' });
    await db()
      .insert(scores)
      .values(
        ids.map((runId, i) => ({
          projectId,
          runId,
          name: 'correct',
          dataType: 'boolean' as const,
          value: i === 0 ? 1 : 0,
          source: 'api' as const,
          authorId: 'k',
          createdAt: at(500),
        })),
      );
    const id = await create({
      name: 'correctness',
      metric: 'score_pass_rate',
      scoreName: 'correct',
      windowSeconds: 1800,
      comparator: 'lt',
      threshold: 50,
    });
    await evaluate(501);
    expect((await incidents(id)).map((r) => [r.kind, r.value])).toEqual([['firing', 25]]);
    const res = await call(previewRoute, '/api/v1/monitors/preview', {
      body: {
        metric: 'score_mean',
        scoreName: 'correct',
        windowSeconds: 1800,
        comparator: 'lt',
        threshold: 0.5,
        rangeHours: 1,
        points: 4,
      },
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.points).toHaveLength(4);
    expect(body).toMatchObject({ threshold: 0.5, comparator: 'lt', subjects: [] });
    await db().delete(monitors).where(eq(monitors.projectId, projectId));
  });
});
