import { desc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  changeMember,
  createInvite,
  removeMember,
  revokeInvite,
} from '@/app/(dashboard)/p/[slug]/settings/members/actions';
import { removePrice, savePrice, seedPrices } from '@/app/(dashboard)/p/[slug]/settings/prices/actions';
import { saveRetention } from '@/app/(dashboard)/p/[slug]/settings/retention/actions';
import {
  addDestination,
  redeliverDelivery,
  removeDestination,
  testDestination,
} from '@/app/(dashboard)/p/[slug]/settings/destinations/actions';
import { previewAction, removeMonitor, saveMonitor } from '@/app/(dashboard)/p/[slug]/monitors/actions';
import { GET as exportRuns } from '@/app/(dashboard)/p/[slug]/runs/export/route';
import { createKey, revokeKey } from '@/app/(dashboard)/p/[slug]/settings/keys/actions';
import { changeQuota, createQuota, removeQuota } from '@/app/(dashboard)/p/[slug]/usage/actions';
import { saveAssignees } from '@/app/(dashboard)/p/[slug]/review/actions';
import { deleteRunAction, loadEvents } from '@/app/(dashboard)/p/[slug]/runs/[id]/actions';
import { GET as eventRange } from '@/app/(dashboard)/p/[slug]/runs/[id]/events/route';
import { appendEvents } from '@/server/events';
import { PAGE_ROLES, requireProject } from '@/app/(dashboard)/_lib/project';
import { FOREIGN_ORIGIN } from '@/app/_lib/session';
import {
  alertDeliveries,
  alertEvents,
  auditLog,
  monitors,
  type ProjectRole,
  webhookDestinations,
} from '@/db/schema';
import { env } from '@/lib/env';
import { hasRole } from '@/server/access';
import { createAnnotationQueue } from '@/server/annotation';
import { createApiKey } from '@/server/api-keys';
import { createInvite as makeInvite } from '@/server/members';
import { upsertPrice } from '@/server/prices';
import { getRetention } from '@/server/retention';
import { putQuota } from '@/server/usage';
import { makeUser, signInCookie } from '../../helpers/accounts';
import { describeEachDb } from '../../helpers/db';
import { makeProject, makeRun } from '../../helpers/fixtures';
import { setRequest, useTestDatabase } from '../../helpers/next-request';

vi.mock('next/headers', async () => {
  const m = await import('../../helpers/next-request');
  return { headers: async () => m.request.headers, cookies: async () => m.cookieStore() };
});
vi.mock('next/cache', () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

type Who = 'admin' | ProjectRole | 'outsider';
const WHO: Who[] = ['admin', 'owner', 'editor', 'viewer', 'outsider'];
/** The role each identity acts with in project P (admin: owner of every project; outsider: none). */
const roleOf = (w: Who): ProjectRole | null => (w === 'admin' ? 'owner' : w === 'outsider' ? null : w);

// biome-ignore lint/suspicious/noExplicitAny: each action has its own state type; the matrix only reads ok/error
type AnyAction = (prev: null, input: Record<string, unknown>) => Promise<any>;

describeEachDb('role matrix', (ctx) => {
  let projectId = '';
  let slug = '';
  const cookies = {} as Record<Who, string>;
  const db = () => ctx.db();

  // Each action with a fresh valid input for project P and the least role it needs.
  const actions: {
    name: string;
    min: ProjectRole;
    write: boolean;
    fn: AnyAction;
    input: () => Promise<Record<string, unknown>>;
  }[] = [
    { name: 'createKey', min: 'editor', write: true, fn: createKey, input: async () => ({ name: 'k' }) },
    {
      name: 'revokeKey',
      min: 'editor',
      write: true,
      fn: revokeKey,
      input: async () => ({ keyId: (await createApiKey(db(), projectId, 'x')).apiKey.id }),
    },
    {
      name: 'createQuota',
      min: 'editor',
      write: true,
      fn: createQuota,
      input: async () => ({
        subject: '*',
        metric: `m${Math.random()}`,
        window: 'day',
        limit: '10',
        mode: 'hard',
      }),
    },
    {
      name: 'changeQuota',
      min: 'editor',
      write: true,
      fn: changeQuota,
      input: async () => ({ id: (await freshQuota()).id, limit: '5', mode: 'soft' }),
    },
    {
      name: 'removeQuota',
      min: 'editor',
      write: true,
      fn: removeQuota,
      input: async () => ({ id: (await freshQuota()).id }),
    },
    {
      name: 'loadEvents',
      min: 'viewer',
      write: false,
      fn: loadEvents,
      input: async () => ({ runId: (await makeRun(db(), projectId)).id, afterSeq: -1 }),
    },
    {
      name: 'deleteRun',
      min: 'editor',
      write: true,
      fn: deleteRunAction,
      input: async () => ({ runId: (await makeRun(db(), projectId)).id }),
    },
    {
      name: 'createInvite',
      min: 'owner',
      write: true,
      fn: createInvite,
      input: async () => ({ role: 'viewer' }),
    },
    {
      name: 'revokeInvite',
      min: 'owner',
      write: true,
      fn: revokeInvite,
      input: async () => ({
        inviteId: (await makeInvite(db(), { projectId, role: 'viewer', createdBy: null })).invite.id,
      }),
    },
    {
      name: 'changeMember',
      min: 'owner',
      write: true,
      fn: changeMember,
      input: async () => ({
        userId: (await makeUser(db(), { projectId, role: 'viewer' })).id,
        role: 'editor',
      }),
    },
    {
      name: 'removeMember',
      min: 'owner',
      write: true,
      fn: removeMember,
      input: async () => ({ userId: (await makeUser(db(), { projectId, role: 'viewer' })).id }),
    },
    {
      name: 'saveRetention',
      min: 'owner',
      write: true,
      fn: saveRetention,
      input: async () => ({ runDays: String(30 + Math.floor(Math.random() * 100)), usageDays: '400' }),
    },
    {
      name: 'savePrice',
      min: 'editor',
      write: true,
      fn: savePrice,
      input: async () => ({
        model: `model-${Math.random()}`,
        inputPerMillion: '1',
        outputPerMillion: '2',
        effectiveFrom: '2026-01-01',
      }),
    },
    {
      name: 'removePrice',
      min: 'editor',
      write: true,
      fn: removePrice,
      input: async () => ({
        priceId: (
          await upsertPrice(db(), projectId, {
            model: `gone-${Math.random()}`,
            inputPerMillion: 1,
            outputPerMillion: 2,
            effectiveFrom: '2026-01-01',
          })
        ).id,
      }),
    },
    { name: 'seedPrices', min: 'editor', write: true, fn: seedPrices, input: async () => ({}) },
    {
      name: 'saveMonitor',
      min: 'editor',
      write: true,
      fn: saveMonitor,
      input: async () => ({ monitor: { ...monitorBody, name: `m ${Math.random()}` } }),
    },
    {
      name: 'removeMonitor',
      min: 'editor',
      write: true,
      fn: removeMonitor,
      input: async () => ({ id: await freshMonitor() }),
    },
    {
      name: 'previewMonitor',
      min: 'viewer',
      write: false,
      fn: previewAction,
      input: async () => ({ ...monitorBody, rangeHours: 1, points: 4 }),
    },
    {
      name: 'addDestination',
      min: 'editor',
      write: true,
      fn: addDestination,
      input: async () => ({ url: 'http://127.0.0.1:9/hook', format: 'standard', name: '' }),
    },
    {
      name: 'testDestination',
      min: 'editor',
      write: true,
      fn: testDestination,
      input: async () => ({ id: await freshDestination() }),
    },
    {
      name: 'removeDestination',
      min: 'editor',
      write: true,
      fn: removeDestination,
      input: async () => ({ id: await freshDestination() }),
    },
    {
      name: 'saveAssignees',
      min: 'editor',
      write: true,
      fn: saveAssignees,
      input: async () => {
        const queue = await createAnnotationQueue(
          db(),
          projectId,
          {
            name: `q-${Math.random()}`,
            scoreNames: [],
            runs: { runIds: [(await makeRun(db(), projectId)).id] },
          },
          null,
        );
        return { id: queue.id };
      },
    },
    {
      name: 'redeliverDelivery',
      min: 'editor',
      write: true,
      fn: redeliverDelivery,
      input: async () => {
        const destinationId = await freshDestination();
        const [event] = await db()
          .insert(alertEvents)
          .values({ projectId, type: 'test', data: {} })
          .returning();
        const [d] = await db()
          .insert(alertDeliveries)
          .values({ projectId, eventId: event!.id, destinationId, status: 'failed' })
          .returning();
        return { id: String(d!.id) };
      },
    },
  ];

  // A destination on loopback (allowed here), inserted directly: the actions under test never send.
  Object.assign(env(), { RUNLEDGER_WEBHOOK_ALLOW_PRIVATE: true });
  const freshDestination = async () =>
    (
      await db()
        .insert(webhookDestinations)
        .values({
          projectId,
          name: 'd',
          url: 'http://127.0.0.1:9/hook',
          format: 'standard',
          secretCipher: 'x',
        })
        .returning()
    )[0]!.id;

  const monitorBody = {
    name: 'm',
    metric: 'run_count',
    windowSeconds: 300,
    comparator: 'gt',
    threshold: 10,
  } as const;
  const freshMonitor = async () =>
    (
      await db()
        .insert(monitors)
        .values({ projectId, ...monitorBody })
        .returning()
    )[0]!.id;

  const freshQuota = () =>
    putQuota(db(), projectId, { subject: '*', metric: `q${Math.random()}`, window: 'day', limit: 100 });
  const auditCount = async () =>
    (await db().select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.projectId, projectId))).length;

  beforeAll(async () => {
    useTestDatabase({ db: db(), driver: ctx.driver, close: async () => {} });
    const project = await makeProject(db(), 'matrix');
    const other = await makeProject(db(), 'other');
    projectId = project.id;
    slug = project.slug;
    const users = {
      admin: await makeUser(db(), { isAdmin: true }),
      owner: await makeUser(db(), { projectId, role: 'owner' }),
      editor: await makeUser(db(), { projectId, role: 'editor' }),
      viewer: await makeUser(db(), { projectId, role: 'viewer' }),
      outsider: await makeUser(db(), { projectId: other.id, role: 'owner' }),
    };
    for (const w of WHO) cookies[w] = await signInCookie(db(), users[w].email);
  });

  for (const action of actions) {
    for (const who of WHO) {
      const role = roleOf(who);
      const allowed = role !== null && hasRole(role, action.min);
      it(`${action.name} × ${who}: ${allowed ? 'allowed' : 'refused'}`, async () => {
        const input = await action.input();
        setRequest({ cookie: cookies[who], project: slug });
        const before = await auditCount();
        // A successful delete redirects to the runs list (thrown as NEXT_REDIRECT): that is its ok.
        const result = await action.fn(null, input).catch((err: Error & { digest?: string }) => {
          if (err.digest?.startsWith('NEXT_REDIRECT')) return { ok: true };
          throw err;
        });
        const after = await auditCount();
        if (allowed) {
          expect(result).toMatchObject({ ok: true });
          if (action.write) expect(after).toBe(before + 1);
        } else {
          // Refused in P: forbidden for a member, not found for an outsider (P's address is not theirs);
          // P is untouched.
          if (who !== 'outsider') expect(result.error).toMatch(/needs the (editor|owner) role/);
          else expect(result.error).toMatch(/not found/i);
          expect(after).toBe(before);
        }
      });
    }
  }

  for (const [page, min] of Object.entries(PAGE_ROLES) as [keyof typeof PAGE_ROLES, ProjectRole][]) {
    for (const who of WHO) {
      const role = roleOf(who);
      const allowed = role !== null && hasRole(role, min);
      it(`page ${page} × ${who}: ${allowed ? 'allowed' : 'refused'}`, async () => {
        // The page under `/p/<P's slug>/`.
        setRequest({ cookie: cookies[who] });
        const result = await requireProject(slug, page).then(
          (r) => r.project.id,
          (err: Error & { digest?: string }) => err.digest ?? err.message,
        );
        if (allowed) expect(result).toBe(projectId);
        else expect(String(result)).toMatch(/404/);
      });
    }
  }

  it('the retention page keeps what the owner saved, with before and after in the audit log', async () => {
    setRequest({ cookie: cookies.owner, project: slug });
    expect(await saveRetention(null, { runDays: '', usageDays: '365' })).toMatchObject({ ok: true });
    expect(await getRetention(db(), projectId)).toMatchObject({ runDays: null, usageDays: 365 });
    const [last] = await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.projectId, projectId))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(last).toMatchObject({ action: 'retention.changed', after: { runDays: null, usageDays: 365 } });
  });

  for (const who of WHO) {
    it(`runs export × ${who}: P's runs, not found for an outsider`, async () => {
      setRequest({ cookie: cookies[who], project: slug });
      const res = await exportRuns(new Request(`http://localhost:3000/p/${slug}/runs/export?format=csv`), {
        params: Promise.resolve({ slug }),
      });
      if (who === 'outsider') {
        expect(res.status).toBe(404);
        return;
      }
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition') ?? '').toContain(`runs-${slug}-`);
      await res.text();
    });
  }

  for (const who of WHO) {
    it(`replay event range × ${who}: the run's events, not found for an outsider`, async () => {
      const run = await makeRun(db(), projectId);
      await appendEvents(db(), projectId, run.id, [
        { seq: 0, type: 'user-message', payload: { text: 'hi' } },
        { seq: 1, type: 'start', payload: {} },
      ]);
      setRequest({ cookie: cookies[who], project: slug });
      const res = await eventRange(
        new Request(`http://localhost:3000/p/${slug}/runs/${run.id}/events?from=0&to=5`),
        {
          params: Promise.resolve({ slug, id: run.id }),
        },
      );
      if (who === 'outsider') {
        expect(res.status).toBe(404);
        return;
      }
      expect(res.status).toBe(200);
      const body = (await res.json()) as { events: { seq: number }[] };
      expect(body.events.map((e) => e.seq)).toEqual([0, 1]);
    });
  }

  it('runs export without a session goes to /login', async () => {
    setRequest({ project: slug });
    const err = await exportRuns(new Request(`http://localhost:3000/p/${slug}/runs/export`), {
      params: Promise.resolve({ slug }),
    }).catch((e) => e);
    expect(String(err.digest)).toMatch(/NEXT_REDIRECT.*\/login/);
  });

  it('replay event range: bad bounds are a 400 with the error body, no session a 401', async () => {
    const run = await makeRun(db(), projectId);
    const range = (query: string) =>
      eventRange(new Request(`http://localhost:3000/p/${slug}/runs/${run.id}/events?${query}`), {
        params: Promise.resolve({ slug, id: run.id }),
      });
    setRequest({ cookie: cookies.viewer, project: slug });
    const bad = await range('from=5&to=2');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { code: 'bad_request', message: expect.stringMatching(/at to/) },
    });
    setRequest({ project: slug });
    const anonymous = await range('from=0&to=2');
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  describe('requests that never reach the role check', () => {
    it('without a session every action asks to sign in again', async () => {
      setRequest({ project: slug });
      for (const action of actions) {
        const result = await action.fn(null, await action.input());
        expect(result.error).toBe('Your session has expired. Sign in again.');
      }
    });

    it('a missing or foreign Origin is refused, forged X-Forwarded-Host or not, and changes nothing', async () => {
      const before = await auditCount();
      setRequest({ cookie: cookies.owner, project: slug, origin: null });
      expect(await createKey(null, { name: 'no-origin' })).toEqual({ error: FOREIGN_ORIGIN });
      setRequest({ cookie: cookies.owner, project: slug, origin: 'https://evil.example' });
      const { request } = await import('../../helpers/next-request');
      request.headers.set('x-forwarded-host', 'evil.example');
      expect(await createKey(null, { name: 'foreign' })).toEqual({ error: FOREIGN_ORIGIN });
      expect(await auditCount()).toBe(before);
    });
  });
});
