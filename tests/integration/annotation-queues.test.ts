/**
 * Annotation queues: made from a selection or a history filter, worked through by reviewers who never
 * get the same item at once, through the server functions and the API's route handlers.
 */
import { desc, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import * as itemRoute from '@/app/api/v1/annotation-queues/[id]/items/[itemId]/route';
import * as nextRoute from '@/app/api/v1/annotation-queues/[id]/next/route';
import * as queueRoute from '@/app/api/v1/annotation-queues/[id]/route';
import * as queuesRoute from '@/app/api/v1/annotation-queues/route';
import { auditLog } from '@/db/schema';
import { createAnnotationQueueBody } from '@/lib/contract';
import {
  createAnnotationQueue,
  finishAnnotationItem,
  getAnnotationQueue,
  nextAnnotationItem,
  reviewedItems,
  setQueueAssignees,
} from '@/server/annotation';
import { isAppError } from '@/server/errors';
import { purgeExpired, putRetention } from '@/server/retention';
import { makeUser } from '../helpers/accounts';
import { bearer, callHandler, useApiHandlers } from '../helpers/api-handler';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';

const T0 = new Date('2026-11-20T10:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const alice = { id: 'user-alice', email: 'alice@example.test' };
const bob = { id: 'user-bob', email: 'bob@example.test' };

const codeOf = (err: unknown) => (isAppError(err) ? err.code : String(err));

describeEachDb('annotation queues', ({ db, driver }) => {
  beforeAll(async () => {
    useApiHandlers(db, driver);
    await makeProject(db());
  });

  it('two reviewers work through a queue: one item each at a time, leases, skip, progress', async () => {
    const p = await makeProject(db());
    const runs = [];
    for (let i = 0; i < 4; i++) runs.push(await makeRun(db(), p.id, { name: `r${i}` }));
    const q = await createAnnotationQueue(
      db(),
      p.id,
      createAnnotationQueueBody.parse({
        name: 'week 47',
        scoreNames: ['helpfulness'],
        runs: { runIds: runs.map((r) => r.id) },
      }),
      alice,
    );
    expect(q.progress).toMatchObject({ total: 4, pending: 4, done: 0 });

    const a1 = await nextAnnotationItem(db(), p.id, q.id, alice.id, alice, at(0));
    const b1 = await nextAnnotationItem(db(), p.id, q.id, bob.id, bob, at(0));
    expect(a1!.runId).toBe(runs[0]!.id);
    expect(b1!.runId).toBe(runs[1]!.id);
    // Asking again gives each their own item back, not a new one.
    expect((await nextAnnotationItem(db(), p.id, q.id, alice.id, alice, at(1)))!.id).toBe(a1!.id);
    expect((await getAnnotationQueue(db(), p.id, q.id, at(1))).progress).toMatchObject({ inReview: 2 });

    // Bob cannot finish Alice's item.
    const stolen = await finishAnnotationItem(db(), p.id, q.id, a1!.id, bob.id, 'complete', bob, at(2)).catch(
      (e: unknown) => e,
    );
    expect(codeOf(stolen)).toBe('conflict');
    await finishAnnotationItem(db(), p.id, q.id, a1!.id, alice.id, 'complete', alice, at(2));
    await finishAnnotationItem(db(), p.id, q.id, b1!.id, bob.id, 'skip', bob, at(2));
    const again = await finishAnnotationItem(db(), p.id, q.id, a1!.id, alice.id, 'skip', alice, at(3)).catch(
      (e: unknown) => e,
    );
    expect(codeOf(again)).toBe('conflict');

    // Alice leaves her next item; once the lease runs out, Bob gets it.
    const a2 = await nextAnnotationItem(db(), p.id, q.id, alice.id, alice, at(3));
    expect(a2!.runId).toBe(runs[2]!.id);
    const b2 = await nextAnnotationItem(db(), p.id, q.id, bob.id, bob, at(4));
    expect(b2!.runId).toBe(runs[3]!.id);
    await finishAnnotationItem(db(), p.id, q.id, b2!.id, bob.id, 'complete', bob, at(5));
    expect(await nextAnnotationItem(db(), p.id, q.id, bob.id, bob, at(10))).toBeNull();
    const b3 = await nextAnnotationItem(db(), p.id, q.id, bob.id, bob, at(19));
    expect(b3!.id).toBe(a2!.id);
    const late = await finishAnnotationItem(
      db(),
      p.id,
      q.id,
      a2!.id,
      alice.id,
      'complete',
      alice,
      at(20),
    ).catch((e: unknown) => e);
    expect(codeOf(late)).toBe('conflict');
    await finishAnnotationItem(db(), p.id, q.id, b3!.id, bob.id, 'complete', bob, at(20));

    expect((await getAnnotationQueue(db(), p.id, q.id, at(21))).progress).toEqual({
      total: 4,
      pending: 0,
      done: 3,
      skipped: 1,
      inReview: 0,
      byReviewer: [
        { reviewer: alice.id, done: 1, skipped: 0 },
        { reviewer: bob.id, done: 2, skipped: 1 },
      ].sort((x, y) => x.reviewer.localeCompare(y.reviewer)),
    });
    expect((await reviewedItems(db(), p.id, q.id, bob.id)).map((i) => i.runId)).toEqual([
      runs[2]!.id,
      runs[3]!.id,
      runs[1]!.id,
    ]);
    const actions = await db()
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.projectId, p.id))
      .orderBy(desc(auditLog.id));
    expect(actions.filter((a) => a.action.startsWith('annotation_queue.')).length).toBe(1 + 5 + 4);
  });

  it('concurrent reviewers asking at once get different items', async () => {
    const p = await makeProject(db());
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push((await makeRun(db(), p.id)).id);
    const q = await createAnnotationQueue(
      db(),
      p.id,
      createAnnotationQueueBody.parse({ name: 'race', runs: { runIds: ids } }),
      null,
    );
    const items = await Promise.all(
      ['r1', 'r2', 'r3', 'r4'].map((r) => nextAnnotationItem(db(), p.id, q.id, r, null, at(0))),
    );
    expect(new Set(items.map((i) => i!.id)).size).toBe(4);
  });

  it('the API: made from a history filter or a sample, 404 for another project, audited with the key', async () => {
    const p = await makeProject(db(), 'aq-api');
    const other = await makeProject(db(), 'aq-other');
    const auth = await bearer(db(), p.id, 'reviewer-bot');
    for (let i = 0; i < 5; i++) await makeRun(db(), p.id, { name: `tagged ${i}`, tags: ['review'] });
    await makeRun(db(), p.id, { name: 'untagged' });
    const foreign = await makeRun(db(), other.id);

    const post = (body: unknown) =>
      callHandler(queuesRoute.POST, { path: '/api/v1/annotation-queues', auth, body });
    const made = await post({ name: 'tagged', runs: { filter: { tag: 'review' } } });
    expect(made.status).toBe(201);
    const { queue } = await made.json();
    expect(queue.progress).toMatchObject({ total: 5, pending: 5 });
    const sampled = await (
      await post({ name: 'sample', runs: { filter: { tag: 'review' }, sample: 2 } })
    ).json();
    expect(sampled.queue.progress.total).toBe(2);
    expect((await post({ name: 'tagged', runs: { filter: { tag: 'review' } } })).status).toBe(409);
    expect((await post({ name: 'none', runs: { filter: { tag: 'nope' } } })).status).toBe(400);
    expect((await post({ name: 'foreign', runs: { runIds: [foreign.id] } })).status).toBe(404);
    expect((await post({ name: 'x', runs: { filter: {}, max: 5000 } })).status).toBe(400);

    const next = await callHandler(nextRoute.POST, {
      path: `/api/v1/annotation-queues/${queue.id}/next`,
      auth,
      method: 'POST',
      params: { id: queue.id },
    });
    const { item } = await next.json();
    expect(item).toMatchObject({ queueId: queue.id, status: 'pending' });
    const done = await callHandler(itemRoute.POST, {
      path: `/api/v1/annotation-queues/${queue.id}/items/${item.id}`,
      auth,
      body: { action: 'complete' },
      params: { id: queue.id, itemId: item.id },
    });
    expect(await done.json()).toMatchObject({ item: { status: 'done' } });
    const got = await (
      await callHandler(queueRoute.GET, {
        path: `/api/v1/annotation-queues/${queue.id}`,
        auth,
        params: { id: queue.id },
      })
    ).json();
    expect(got.queue.progress).toMatchObject({ done: 1, pending: 4 });
    expect(got.queue.progress.byReviewer[0].reviewer).toMatch(/^key:/);

    // Another project's key sees no such queue.
    const otherAuth = await bearer(db(), other.id);
    const hidden = await callHandler(queueRoute.GET, {
      path: `/api/v1/annotation-queues/${queue.id}`,
      auth: otherAuth,
      params: { id: queue.id },
    });
    expect(hidden.status).toBe(404);
    const deleted = await callHandler(queueRoute.DELETE, {
      path: `/api/v1/annotation-queues/${queue.id}`,
      auth,
      method: 'DELETE',
      params: { id: queue.id },
    });
    expect(deleted.status).toBe(204);
    const audit = await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.projectId, p.id))
      .orderBy(desc(auditLog.id));
    expect(audit.slice(0, 4).map((e) => [e.action, e.actorName])).toEqual([
      ['annotation_queue.deleted', 'reviewer-bot'],
      ['annotation_queue.item_completed', 'reviewer-bot'],
      ['annotation_queue.item_leased', 'reviewer-bot'],
      ['annotation_queue.created', 'reviewer-bot'],
    ]);
  });

  it('a queue assigned to members leases only to them; owners and editors change who, audited; the API too', async () => {
    const p = await makeProject(db(), 'aq-assign');
    const [owner, ed, ed2, viewer] = [
      await makeUser(db(), { projectId: p.id, role: 'owner' }),
      await makeUser(db(), { projectId: p.id, role: 'editor' }),
      await makeUser(db(), { projectId: p.id, role: 'editor' }),
      await makeUser(db(), { projectId: p.id, role: 'viewer' }),
    ];
    const stranger = await makeUser(db());
    const actor = (u: { id: string; email: string }) => ({ id: u.id, email: u.email });
    const runs = await Promise.all([0, 1, 2].map((i) => makeRun(db(), p.id, { name: `a${i}` })));
    const body = (assignees: string[]) =>
      createAnnotationQueueBody.parse({
        name: `q-${assignees.length}`,
        assignees,
        runs: { runIds: runs.map((r) => r.id) },
      });
    // Assignees must be members who can review: a viewer or a stranger is refused, naming each.
    const refused = await createAnnotationQueue(
      db(),
      p.id,
      body([ed.id, viewer.id, stranger.id]),
      actor(owner),
    ).catch((e: unknown) => e);
    expect(codeOf(refused)).toBe('bad_request');
    expect(isAppError(refused) && refused.details).toEqual([
      { path: ['assignees', 1], message: 'A viewer cannot review' },
      { path: ['assignees', 2], message: 'Not a member of this project' },
    ]);
    expect(await db().query.annotationQueues.findMany({ where: (q, o) => o.eq(q.projectId, p.id) })).toEqual(
      [],
    );

    const q = await createAnnotationQueue(db(), p.id, body([ed.id, ed.id]), actor(owner));
    expect(q.assignees).toEqual([ed.id]);
    // Only the assignee leases; another editor, the owner and an API key are refused and nothing changes.
    for (const who of [ed2.id, owner.id, 'key:some-key'])
      expect(codeOf(await nextAnnotationItem(db(), p.id, q.id, who, null, at(0)).catch((e) => e))).toBe(
        'forbidden',
      );
    expect((await getAnnotationQueue(db(), p.id, q.id, at(0))).progress.inReview).toBe(0);
    const item = await nextAnnotationItem(db(), p.id, q.id, ed.id, actor(ed), at(0));
    expect(item!.runId).toBe(runs[0]!.id);

    // Reassigned: the new assignee leases, the former one no longer does (the item they hold they may finish).
    const moved = await setQueueAssignees(db(), p.id, q.id, [ed2.id], actor(owner));
    expect(moved.assignees).toEqual([ed2.id]);
    expect((await nextAnnotationItem(db(), p.id, q.id, ed2.id, actor(ed2), at(1)))!.runId).toBe(runs[1]!.id);
    expect(codeOf(await nextAnnotationItem(db(), p.id, q.id, ed.id, actor(ed), at(1)).catch((e) => e))).toBe(
      'forbidden',
    );
    expect(
      (await finishAnnotationItem(db(), p.id, q.id, item!.id, ed.id, 'complete', actor(ed), at(2))).status,
    ).toBe('done');
    // A refused change changes nothing; an empty list opens the queue to every editor again.
    expect(codeOf(await setQueueAssignees(db(), p.id, q.id, [viewer.id], actor(owner)).catch((e) => e))).toBe(
      'bad_request',
    );
    expect((await getAnnotationQueue(db(), p.id, q.id)).assignees).toEqual([ed2.id]);
    await setQueueAssignees(db(), p.id, q.id, [], actor(ed2));
    expect((await nextAnnotationItem(db(), p.id, q.id, owner.id, actor(owner), at(3)))!.runId).toBe(
      runs[2]!.id,
    );
    const changes = await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'annotation_queue.assignees_changed'))
      .orderBy(auditLog.id);
    expect(changes.filter((c) => c.target === q.id).map((c) => [c.actorId, c.before, c.after])).toEqual([
      [owner.id, { assignees: [ed.id] }, { assignees: [ed2.id] }],
      [ed2.id, { assignees: [ed2.id] }, { assignees: [] }],
    ]);

    // The API: PATCH names the assignees (404 elsewhere, 400 for a non-member), the queue shows them,
    // and a key may not lease an assigned queue.
    const auth = await bearer(db(), p.id, 'assigner');
    const patch = (id: string, assignees: unknown, a = auth) =>
      callHandler(queueRoute.PATCH, {
        path: `/api/v1/annotation-queues/${id}`,
        auth: a,
        method: 'PATCH',
        body: { assignees },
        params: { id },
      });
    const patched = await patch(q.id, [ed.id]);
    expect(patched.status).toBe(200);
    expect((await patched.json()).queue).toMatchObject({ id: q.id, assignees: [ed.id] });
    const bad = await patch(q.id, [stranger.id]);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details).toEqual([
      { path: ['assignees', 0], message: 'Not a member of this project' },
    ]);
    expect((await patch(q.id, 'everyone')).status).toBe(400);
    const otherProject = await makeProject(db(), 'aq-assign-other');
    expect((await patch(q.id, [], await bearer(db(), otherProject.id))).status).toBe(404);
    const leased = await callHandler(nextRoute.POST, {
      path: `/api/v1/annotation-queues/${q.id}/next`,
      auth,
      method: 'POST',
      params: { id: q.id },
    });
    expect(leased.status).toBe(403);
    expect((await leased.json()).error.code).toBe('forbidden');
    const [last] = await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.projectId, p.id))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect([last!.action, last!.actorName, last!.after]).toEqual([
      'annotation_queue.assignees_changed',
      'assigner',
      { assignees: [ed.id] },
    ]);
  });

  it('retention removes a run’s queue items with it', async () => {
    const p = await makeProject(db());
    await putRetention(db(), p.id, { runDays: 30, usageDays: 400 });
    const old = await makeRun(db(), p.id);
    const q = await createAnnotationQueue(
      db(),
      p.id,
      createAnnotationQueueBody.parse({ name: 'old', runs: { runIds: [old.id] } }),
      null,
    );
    const later = new Date(Date.now() + 40 * 86_400_000);
    const [purged] = await purgeExpired(db(), { now: later, batchSize: 5, projectId: p.id });
    expect(purged).toMatchObject({ runs: 1 });
    expect((await getAnnotationQueue(db(), p.id, q.id, T0)).progress.total).toBe(0);
  });
});
