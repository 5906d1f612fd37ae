/**
 * The own-write cookie (src/app/_lib/read-db.ts): a user's write through a server action sets
 * `rl_wrote` for DATABASE_READ_AFTER_WRITE_SECONDS, and while the browser sends it back that user's
 * dashboard reads go to the primary. The replica is a second real database of the same driver that
 * never receives the primary's writes (a replica that has not caught up yet), so each read shows which
 * database answered it. In-process: real server actions, next/headers played by the test.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { deleteRunAction } from '@/app/(dashboard)/p/[slug]/runs/[id]/actions';
import { scoreRunAction } from '@/app/(dashboard)/p/[slug]/runs/[id]/scoring/actions';
import { dashboardDb, dashboardRead } from '@/app/_lib/read-db';
import type { DbConnection } from '@/db/client';
import { ReadRouter } from '@/db/read';
import { getRunById } from '@/server/runs';
import { makeUser, signInCookie } from '../helpers/accounts';
import { describeEachDb, freshPglite, freshPostgres } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';
import { setRequest, useTestDatabase } from '../helpers/next-request';

type SetCookie = { name: string; value: string; maxAge?: number; httpOnly?: boolean };
const jar = vi.hoisted(() => {
  // A replica is configured (markOwnWrite does nothing without one); the test installs the router
  // itself, so this address is never dialled.
  process.env.DATABASE_READ_URL = 'postgres://replica.invalid:5432/runledger';
  process.env.DATABASE_READ_AFTER_WRITE_SECONDS = '15';
  return { set: [] as SetCookie[] };
});

vi.mock('next/headers', async () => {
  const m = await import('../helpers/next-request');
  return {
    headers: async () => m.request.headers,
    cookies: async () => ({
      ...m.cookieStore(),
      set: (name: string, value: string, opts: Omit<SetCookie, 'name' | 'value'>) =>
        void jar.set.push({ name, value, ...opts }),
    }),
  };
});
vi.mock('next/cache', () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

describeEachDb('a user reads the primary right after their own write', ({ db, driver }) => {
  let replica: DbConnection | undefined;
  let session = '';
  let project: Awaited<ReturnType<typeof makeProject>>;
  let run: Awaited<ReturnType<typeof makeRun>>;

  beforeAll(async () => {
    useTestDatabase({ db: db(), driver, close: async () => {} });
    replica = driver === 'pglite' ? await freshPglite() : await freshPostgres(2);
    // This process's read router (src/db/read.ts keeps it beside the connection), on the stand-in.
    (globalThis as { __runledgerRead?: { router: ReadRouter } }).__runledgerRead = {
      router: new ReadRouter(db(), replica.db, { maxLagSeconds: 10, checkEveryMs: 0, timeoutMs: 2000 }),
    };
    project = await makeProject(db(), 'own-write');
    run = await makeRun(db(), project.id, { name: 'on the primary only' });
    const user = await makeUser(db(), { projectId: project.id, role: 'editor' });
    session = await signInCookie(db(), user.email);
  });
  afterAll(async () => {
    delete (globalThis as { __runledgerRead?: unknown }).__runledgerRead;
    await replica?.close();
  });

  const readRun = () => dashboardRead((d) => getRunById(d, project.id, run.id));
  const wrote = () => jar.set.filter((c) => c.name === 'rl_wrote');

  it('a write sets the cookie; with it the reads go to the primary, without it to the replica', async () => {
    setRequest({ cookie: session, project: project.slug });
    expect(await readRun()).toBeNull();
    expect(await dashboardDb()).toBe(replica!.db);

    jar.set = [];
    const res = await scoreRunAction(null, { runId: run.id, seq: null, name: 'quality', value: 1 });
    expect(res.ok).toBe(true);
    expect(wrote()).toEqual([expect.objectContaining({ value: '1', maxAge: 15, httpOnly: true })]);

    // The browser sends it back until it expires.
    setRequest({ cookie: `${session}; rl_wrote=1`, project: project.slug });
    expect((await readRun())?.name).toBe('on the primary only');
    expect(await dashboardDb()).toBe(db());
    setRequest({ cookie: session, project: project.slug });
    expect(await readRun()).toBeNull();
  });

  it('a write that ends in a redirect (deleting a run) sets it too', async () => {
    const doomed = await makeRun(db(), project.id);
    setRequest({ cookie: session, project: project.slug });
    jar.set = [];
    await expect(deleteRunAction(null, { runId: doomed.id })).rejects.toThrow('NEXT_REDIRECT');
    expect(await getRunById(db(), project.id, doomed.id)).toBeNull();
    expect(wrote()).toEqual([expect.objectContaining({ value: '1', maxAge: 15 })]);
  });
});
