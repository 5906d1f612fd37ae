import { and, eq, sql } from 'drizzle-orm';
import { queryRows } from '@/db/sql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GET as listDeliveriesRoute } from '@/app/api/v1/destinations/[id]/deliveries/route';
import { DELETE as deleteRoute } from '@/app/api/v1/destinations/[id]/route';
import { POST as testRoute } from '@/app/api/v1/destinations/[id]/test/route';
import { GET as listRoute, POST as createRoute } from '@/app/api/v1/destinations/route';
import { POST as redeliverRoute } from '@/app/api/v1/deliveries/[id]/redeliver/route';
import { alertDeliveries, alertEvents, auditLog, webhookDestinations } from '@/db/schema';
import { env } from '@/lib/env';
import { forcedLedgerBatchSql, putQuota, recordUsage, usageRows } from '@/server/usage';
import { defaultDeliveryOptions, type DeliveryOptions, runDeliveryPass } from '@/server/webhooks';
import { pruneAlertEvents } from '@/server/webhooks/delivery';
import { bearer, callHandler, useApiHandlers } from '../helpers/api-handler';
import { describeEachDb } from '../helpers/db';
import { makeProject } from '../helpers/fixtures';
import { startReceiver } from '../helpers/webhook-receiver';

// The receivers listen on loopback, which destinations may only use with this setting.
Object.assign(env(), { RUNLEDGER_WEBHOOK_ALLOW_PRIVATE: true });

describeEachDb('webhook destinations and delivery', ({ db, driver }) => {
  let projectId: string;
  let auth: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let clock = Date.now();
  const opts: DeliveryOptions = { ...defaultDeliveryOptions, workerId: 'test', now: () => new Date(clock) };
  const pass = () => runDeliveryPass(db(), opts);
  const call = (
    handler: Parameters<typeof callHandler>[0],
    path: string,
    init: { method?: string; body?: unknown; params?: Record<string, string>; key?: string } = {},
  ) =>
    callHandler(handler, {
      path,
      auth: init.key ?? auth,
      method: init.method,
      body: init.body,
      params: init.params,
    });

  async function addDestination(url: string, format = 'standard') {
    const res = await call(createRoute, '/api/v1/destinations', { body: { url, format } });
    expect(res.status).toBe(201);
    return (await res.json()) as { destination: { id: string }; secret: string };
  }

  beforeAll(async () => {
    useApiHandlers(db, driver);
    projectId = (await makeProject(db(), 'hooks')).id;
    auth = await bearer(db(), projectId);
    receiver = await startReceiver();
  });
  afterAll(() => receiver.stop());

  it('refuses bad destinations with 400 and stores nothing; secrets are shown once', async () => {
    const bad = [
      { url: 'ftp://example.com/hook' },
      { url: 'not a url' },
      { url: receiver.url, format: 'xml' },
      { url: receiver.url, extra: 1 },
    ];
    for (const body of bad) {
      const res = await call(createRoute, '/api/v1/destinations', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json()).error.code).toBe('bad_request');
    }
    // Private and metadata addresses, with the setting off (the default).
    Object.assign(env(), { RUNLEDGER_WEBHOOK_ALLOW_PRIVATE: false });
    try {
      for (const url of [
        receiver.url,
        'http://169.254.169.254/latest',
        'http://[::1]:9/x',
        'http://10.1.2.3/x',
        'http://[fd00::1]/',
      ]) {
        const res = await call(createRoute, '/api/v1/destinations', { body: { url } });
        expect(res.status, url).toBe(400);
        expect((await res.json()).error.message).toMatch(/private address/);
      }
    } finally {
      Object.assign(env(), { RUNLEDGER_WEBHOOK_ALLOW_PRIVATE: true });
    }
    expect(
      await db().select().from(webhookDestinations).where(eq(webhookDestinations.projectId, projectId)),
    ).toEqual([]);

    const { destination, secret } = await addDestination(receiver.url);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const listed = await (await call(listRoute, '/api/v1/destinations')).json();
    expect(listed.data).toEqual([
      expect.objectContaining({
        id: destination.id,
        url: receiver.url,
        format: 'standard',
        disabledAt: null,
      }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(secret);
    const [stored] = await db()
      .select()
      .from(webhookDestinations)
      .where(eq(webhookDestinations.id, destination.id));
    expect(stored!.secretCipher).not.toContain(secret.slice(6, 20));
    // Another project's key sees none of it.
    const other = await bearer(db(), (await makeProject(db(), 'other')).id);
    const params = { id: destination.id };
    expect((await call(deleteRoute, '/x', { method: 'DELETE', params, key: other })).status).toBe(404);
    expect((await call(listDeliveriesRoute, '/x', { params, key: other })).status).toBe(404);
    expect((await call(deleteRoute, '/x', { method: 'DELETE', params })).status).toBe(204);
    const actions = (await db().select().from(auditLog).where(eq(auditLog.projectId, projectId))).map(
      (a) => a.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['destination.created', 'destination.deleted']));
  });

  it('quota events: soft crossing and hard refusal once per window, signed, delivered after the receiver comes back with the same ids', async () => {
    const { destination, secret } = await addDestination(receiver.url);
    const at = new Date(clock);
    await putQuota(db(), projectId, {
      subject: '*',
      metric: 'calls',
      window: 'day',
      limit: 10,
      mode: 'soft',
    });
    const hard = await putQuota(db(), projectId, {
      subject: 'ann',
      metric: 'credits',
      window: 'hour',
      limit: 5,
    });
    for (const amount of [4, 4, 4, 4])
      await recordUsage(db(), projectId, { subject: 'bob', metric: 'calls', amount }, { now: at });
    await recordUsage(db(), projectId, { subject: 'ann', metric: 'credits', amount: 5 }, { now: at });
    for (let i = 0; i < 3; i++)
      await expect(
        recordUsage(
          db(),
          projectId,
          { subject: 'ann', metric: 'credits', amount: 1, idempotencyKey: i === 1 ? 'k' : undefined },
          { now: at },
        ),
      ).rejects.toMatchObject({ code: 'quota_exceeded' });
    // A write rolled back by its caller raises nothing.
    await expect(
      db().transaction(async (tx) => {
        await recordUsage(tx, projectId, { subject: 'cy', metric: 'calls', amount: 50 }, { now: at });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const events = await db().select().from(alertEvents).where(eq(alertEvents.projectId, projectId));
    expect(events.map((e) => [e.type, e.data.subject]).sort()).toEqual([
      ['quota.hard_limit_refused', 'ann'],
      ['quota.soft_limit_crossed', 'bob'],
    ]);
    expect(events.find((e) => e.type === 'quota.hard_limit_refused')!.data).toMatchObject({
      quotaId: hard.id,
      metric: 'credits',
      window: 'hour',
      limit: 5,
      used: 5,
      requested: 1,
    });

    // The receiver is down: the attempt fails and its retry is due within 30 s.
    await receiver.stop();
    let p = await pass();
    expect(p).toMatchObject({ dispatched: 2, claimed: 2, outcomes: { retry: 2 } });
    const waiting = await db()
      .select()
      .from(alertDeliveries)
      .where(eq(alertDeliveries.destinationId, destination.id));
    for (const d of waiting) {
      expect(d).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
      expect(d.nextAttemptAt.getTime() - clock).toBeLessThanOrEqual(30_000);
    }
    clock += 5_000;
    expect((await pass()).outcomes.retry).toBe(2);
    // Up again after 30 s: the next due attempts arrive, signed, with the events' ids.
    await receiver.start();
    clock += 30_000;
    p = await pass();
    expect(p.outcomes.delivered).toBe(2);
    const got = receiver.verified(secret);
    expect(got.map((g) => g.id).sort()).toEqual(events.map((e) => e.id).sort());
    const soft = got.find((g) => g.payload.type === 'quota.soft_limit_crossed')!;
    expect(soft.payload.data).toMatchObject({
      subject: 'bob',
      metric: 'calls',
      window: 'day',
      limit: 10,
      used: 12,
    });
    expect(new Date(soft.payload.timestamp).getTime()).toBe(at.getTime());
    const log = await (await call(listDeliveriesRoute, '/x', { params: { id: destination.id } })).json();
    expect(log.data).toHaveLength(2);
    expect(log.data[0]).toMatchObject({ status: 'delivered', attempts: 3, responseStatus: 200, error: null });
    expect(log.data[0].responseMs).toBeGreaterThanOrEqual(0);
    // Nothing is due any more.
    clock += 3_600_000;
    expect((await pass()).claimed).toBe(0);
    await call(deleteRoute, '/x', { method: 'DELETE', params: { id: destination.id } });
    receiver.received.length = 0;
  });

  it('test events, redelivery with the same id, a Slack message, and a destination disabled after a day of failures', async () => {
    const std = await addDestination(receiver.url);
    const slack = await addDestination(receiver.url.replace('/hook', '/slack'), 'slack');
    const res = await call(testRoute, '/x', { method: 'POST', params: { id: slack.destination.id } });
    expect(res.status).toBe(200);
    const { eventId } = await res.json();
    // The API writes with the wall clock; the job's clock follows it from here.
    clock = Date.now();
    await pass();
    expect(receiver.received).toHaveLength(1);
    const text = JSON.parse(receiver.received[0]!.body).text as string;
    expect(text).toContain('test event');
    expect(text).toMatch(
      /<http:\/\/localhost:\d+\/p\/hooks-[^/]+\/settings\/destinations\|Open in runledger>/,
    );
    expect(receiver.received[0]!.id).toBe(eventId);

    const [delivery] = (
      await (await call(listDeliveriesRoute, '/x', { params: { id: slack.destination.id } })).json()
    ).data;
    const again = await call(redeliverRoute, '/x', { method: 'POST', params: { id: String(delivery.id) } });
    expect(again.status).toBe(200);
    expect((await again.json()).delivery).toMatchObject({ status: 'pending', attempts: 0, eventId });
    clock = Date.now();
    await pass();
    expect(receiver.received.map((r) => r.id)).toEqual([eventId, eventId]);

    // The standard destination answers 500 for a day: retried with backoff, then disabled.
    receiver.answer = (r) => (r.body.includes('"type"') ? 500 : 200);
    const testStd = await call(testRoute, '/x', { method: 'POST', params: { id: std.destination.id } });
    const stdEvent = (await testStd.json()).eventId;
    clock = Date.now();
    const start = clock;
    const gaps: number[] = [];
    let last = clock;
    for (let i = 0; i < 60 && clock - start < 25 * 3_600_000; i++) {
      const before = receiver.received.length;
      await pass();
      if (receiver.received.length > before) {
        gaps.push(clock - last);
        last = clock;
      }
      const [d] = await db().select().from(alertDeliveries).where(eq(alertDeliveries.eventId, stdEvent));
      if (d!.status !== 'pending') break;
      clock = d!.nextAttemptAt.getTime();
    }
    const [dest] = await db()
      .select()
      .from(webhookDestinations)
      .where(eq(webhookDestinations.id, std.destination.id));
    expect(dest!.disabledAt).not.toBeNull();
    const [gaveUp] = await db().select().from(alertDeliveries).where(eq(alertDeliveries.eventId, stdEvent));
    expect(gaveUp).toMatchObject({ status: 'failed', lastStatusCode: 500 });
    expect(gaps.slice(1, 4)).toEqual([5_000, 10_000, 20_000]);
    expect(new Set(receiver.received.filter((r) => r.status === 500).map((r) => r.id))).toEqual(
      new Set([stdEvent]),
    );
    // Disabled: new events are not fanned out to it.
    receiver.answer = () => 200;
    const n = await db()
      .select()
      .from(alertDeliveries)
      .where(eq(alertDeliveries.destinationId, std.destination.id));
    await db().insert(alertEvents).values({ projectId, type: 'test', data: {} });
    await pass();
    expect(
      await db()
        .select()
        .from(alertDeliveries)
        .where(and(eq(alertDeliveries.destinationId, std.destination.id))),
    ).toHaveLength(n.length);
    const actions = (await db().select().from(auditLog).where(eq(auditLog.projectId, projectId))).map(
      (a) => a.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['destination.tested', 'delivery.redelivered']));

    // Events (and their log) are kept 30 days.
    const all = await db().select().from(alertEvents).where(eq(alertEvents.projectId, projectId));
    expect(await pruneAlertEvents(db(), new Date(Date.now() + 29 * 86_400_000))).toBe(0);
    expect(await pruneAlertEvents(db(), new Date(Date.now() + 40 * 86_400_000))).toBe(all.length);
    expect(await db().select().from(alertDeliveries).where(eq(alertDeliveries.projectId, projectId))).toEqual(
      [],
    );
  });

  it('refuses a private address at delivery time too (the host is resolved again for every attempt)', async () => {
    const { destination } = await addDestination(receiver.url);
    const before = receiver.received.length;
    await call(testRoute, '/x', { method: 'POST', params: { id: destination.id } });
    clock = Date.now();
    Object.assign(env(), { RUNLEDGER_WEBHOOK_ALLOW_PRIVATE: false });
    try {
      expect((await pass()).outcomes.retry).toBe(1);
    } finally {
      Object.assign(env(), { RUNLEDGER_WEBHOOK_ALLOW_PRIVATE: true });
    }
    expect(receiver.received.length).toBe(before);
    const [d] = await db()
      .select()
      .from(alertDeliveries)
      .where(eq(alertDeliveries.destinationId, destination.id));
    expect(d).toMatchObject({ status: 'pending', lastStatusCode: null });
    expect(d!.lastError).toMatch(/private address \(127\.0\.0\.1\)/);
  });

  it('raises the soft crossing from the batch ledger write of run usage (forced, many keys at once)', async () => {
    await putQuota(db(), projectId, {
      subject: '*',
      metric: 'forced',
      window: 'month',
      limit: 10,
      mode: 'soft',
    });
    const rows = (amount: number) =>
      usageRows(
        sql`select * from (
          values ('dan', 'forced', null::uuid, ${amount}::bigint, null::text, null::text),
                 ('eve', 'forced', null::uuid, 3::bigint, null::text, null::text))
          as v(subject, metric, run_id, amount, model, idempotency_key)`,
      );
    await queryRows(db(), forcedLedgerBatchSql(projectId, new Date(), rows(6)));
    await queryRows(db(), forcedLedgerBatchSql(projectId, new Date(), rows(6)));
    await queryRows(db(), forcedLedgerBatchSql(projectId, new Date(), rows(6)));
    const raised = await db()
      .select()
      .from(alertEvents)
      .where(and(eq(alertEvents.projectId, projectId), eq(alertEvents.type, 'quota.soft_limit_crossed')));
    const forced = raised.filter((e) => e.data.metric === 'forced');
    expect(forced.map((e) => [e.data.subject, e.data.used])).toEqual([['dan', 12]]);
  });
});
