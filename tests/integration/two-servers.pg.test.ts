/**
 * Two real app servers (the built app, two processes) on one fresh PostgreSQL database, with requests
 * alternating between them as a round-robin load balancer would send them (no sticky sessions):
 * sessions, sign-in throttling, quotas, live runs and API-key revocation hold across the servers, and
 * the background jobs (short leases and checks, through the environment) do each unit of work once; a
 * server killed (-9) in the middle of the retention pass has it finished by the other (the last test:
 * it leaves one server).
 * Postgres-only (`*.pg.test.ts`: run with TEST_DATABASE_URL, as in CI); needs `npm run build`.
 */
import { type Browser, chromium, type Page } from '@playwright/test';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbConnection } from '@/db/client';
import { connectPostgres } from '@/db/client';
import { queryRows } from '@/db/sql';
import { projectPath } from '@/lib/project-path';
import { DEFAULT_ADMIN_EMAIL } from '@/server/accounts/owner';
import { THROTTLE } from '@/server/accounts/throttle';
import { createRecomputeJob } from '@/server/prices';
import { putRetention } from '@/server/retention';
import { type BuiltApp, startBuiltApp } from '../../scripts/lib/built-app';
import { chromiumLaunchOptions } from '../../scripts/lib/chromium';
import { makeUser, PASSWORD } from '../helpers/accounts';
import { makeProject, makeRun } from '../helpers/fixtures';
import { waitFor } from '../helpers/ingest';
import { prepareTestDatabase, type TestDatabase } from '../helpers/server';
import { counterMismatches } from '../helpers/usage';

const KEY_CACHE_SECONDS = 2;
const LEASE_SECONDS = 3;
/** Expired runs for the retention pass: 4 batches of 1,000 with a pause after each, a few seconds. */
const OLD_RUNS = 4000;
/** Runs a price recompute goes through: 3 batches of 500. */
const PRICED_RUNS = 1200;
/** A test's time: on a busy machine each server's first render of a page takes seconds. */
const SLOW = 120_000;

const serverEnv = (db: TestDatabase) => ({
  ...db.env,
  DATABASE_POOL_SIZE: '5',
  RUNLEDGER_API_KEY_CACHE_SECONDS: String(KEY_CACHE_SECONDS),
  RUNLEDGER_JOB_LEASE_SECONDS: String(LEASE_SECONDS),
  RUNLEDGER_JOB_CHECK_SECONDS: '0.5',
  RUNLEDGER_RETENTION_INTERVAL_MINUTES: '60',
  RUNLEDGER_RETENTION_PAUSE_MS: '600',
});

const startServer = (db: TestDatabase) =>
  startBuiltApp({ purpose: 'The two-server test', env: serverEnv(db) });

const sessionCookie = async (page: Page) => {
  const c = (await page.context().cookies()).find((x) => x.name === 'rl.session_token');
  if (!c) throw new Error('no session cookie');
  return `${c.name}=${c.value}`;
};

async function signIn(page: Page, base: string, email: string, password: string) {
  await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/p\/[^/]+\/runs/);
}

describe('two app servers on one PostgreSQL database [round-robin, no sticky sessions]', () => {
  let database: TestDatabase;
  let conn: DbConnection;
  let browser: Browser;
  /** Every server started (the killed one included, for its logs). */
  const started: BuiltApp[] = [];
  /** The two servers up: requests alternate between them. */
  let a: BuiltApp;
  let b: BuiltApp;
  const slugs: Record<string, string> = {};
  const jobs = { projectId: '', keptRunId: '', pricesProjectId: '', recomputeId: '', longRunId: '' };

  const count = async (q: ReturnType<typeof sql>) =>
    Number((await queryRows<{ n: number }>(conn.db, q))[0]!.n);
  const oldLeft = () =>
    count(
      sql`select count(*) as n from runs where project_id = ${jobs.projectId}::uuid and name like 'old %'`,
    );
  const retentionLease = async () =>
    (
      await queryRows<{ holder: string; passes: number; done_at: string | null; minutes: number }>(
        conn.db,
        sql`select holder, passes, done_at, extract(epoch from lease_until - now()) / 60 as minutes
          from job_leases where name = 'retention'`,
      )
    )[0];
  const failuresOf = (email: string) =>
    count(sql`select count(*) as n from sign_in_failures where key = ${`email:${email}`}`);
  let owner: Promise<Page> | undefined;
  /** A browser signed in as the owner on B; its cookie goes to A as well (cookies ignore the port). */
  const ownerPage = () => {
    owner ??= browser.newPage().then(async (page) => {
      await signIn(page, b.baseUrl, DEFAULT_ADMIN_EMAIL, database.env.RUNLEDGER_ADMIN_PASSWORD!);
      return page;
    });
    return owner;
  };
  const holderPid = (holder: string) => Number(holder.split(':').at(-2));
  const logLines = (text: string) =>
    started.flatMap((s) => s.logs().split('\n')).filter((l) => l.includes(text));

  beforeAll(async () => {
    database = await prepareTestDatabase('postgres', ['main', 'revocable']);
    conn = connectPostgres(database.databaseUrl!, 4);
    const db = conn.db;
    for (const [name, id] of Object.entries(database.projectIds)) {
      const [row] = await queryRows<{ slug: string }>(
        db,
        sql`select slug from projects where id = ${id}::uuid`,
      );
      slugs[name] = row!.slug;
    }
    // Retention: a project whose runs expire after a day, with OLD_RUNS runs three days old. The pass is
    // not due yet (a pass done by an earlier server, held until the hour is over); the test makes it due
    // once both servers are up.
    const p = await makeProject(db, 'jobs');
    jobs.projectId = p.id;
    await putRetention(db, p.id, { runDays: 1, usageDays: 400 });
    await db.execute(sql`insert into runs (project_id, name, status, created_at)
      select ${p.id}::uuid, 'old ' || g, 'succeeded', now() - interval '3 days' from generate_series(1, ${OLD_RUNS}) g`);
    jobs.keptRunId = (await makeRun(db, p.id)).id;
    await db.execute(sql`insert into job_leases (name, holder, lease_until, acquired_at, done_at, passes)
      values ('retention', 'earlier:0:x', now() + interval '1 hour', now(), now(), 0)`);
    // A price recompute nobody runs yet (its server stopped before it started), over PRICED_RUNS runs.
    const prices = await makeProject(db, 'prices');
    jobs.pricesProjectId = prices.id;
    await db.execute(sql`insert into runs (project_id, name, status, cost_source, created_at)
      select ${prices.id}::uuid, 'priced ' || g, 'succeeded', 'price', now() - interval '1 day'
      from generate_series(1, ${PRICED_RUNS}) g`);
    const day = (d: Date) => d.toISOString().slice(0, 10);
    jobs.recomputeId = (
      await createRecomputeJob(db, prices.id, {
        from: day(new Date(Date.now() - 30 * 86_400_000)),
        to: day(new Date(Date.now() + 86_400_000)),
      })
    ).id;
    // A run of 2,500 events whose fold's server stopped: its lease ran out.
    const long = await makeRun(db, prices.id, { status: 'running' });
    jobs.longRunId = long.id;
    await db.execute(sql`insert into run_events (project_id, run_id, run_created_at, seq, type, payload)
      select ${prices.id}::uuid, ${long.id}::uuid, ${long.createdAt.toISOString()}::timestamptz, g, 'log',
        jsonb_build_object('message', 'line ' || g)
      from generate_series(0, 2499) g`);
    await db.execute(sql`insert into job_leases (name, holder, lease_until, acquired_at)
      values (${`checkpoints:${prices.id}:${long.id}`}, 'gone:1:x', now() - interval '1 minute', now() - interval '2 minutes')`);

    // Both servers start together on the new database (each migrates under the advisory lock and
    // creates the owner if nobody did yet).
    const t0 = Date.now();
    [a, b] = await Promise.all([startServer(database), startServer(database)]);
    started.push(a, b);
    console.log(`[two servers] both servers up in ${Date.now() - t0} ms`);
    browser = await chromium.launch(chromiumLaunchOptions);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all(started.map((s) => s.stop()));
    await conn?.close();
    await database?.cleanup();
  });

  it(
    'sessions: a sign-in on one server is valid on the other; a sign-out on one ends it on the other',
    async () => {
      const page = await browser.newPage();
      await signIn(page, a.baseUrl, DEFAULT_ADMIN_EMAIL, database.env.RUNLEDGER_ADMIN_PASSWORD!);
      const cookie = await sessionCookie(page);
      const runsPage = `${projectPath(slugs.main!)}/runs`;
      const onB = () => fetch(`${b.baseUrl}${runsPage}`, { headers: { cookie }, redirect: 'manual' });
      const opened = await onB();
      expect(opened.status).toBe(200);
      expect(await opened.text()).toContain(slugs.main);

      // Still on A's dashboard, where the sign-in landed.
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await page.waitForURL(/\/login/);
      const refused = await onB();
      expect(refused.status).toBeGreaterThanOrEqual(300);
      expect(refused.status).toBeLessThan(400);
      expect(refused.headers.get('location')).toMatch(/\/login/);
      await page.close();
    },
    SLOW,
  );

  it(
    'sign-in throttling counts the failures on both servers together',
    async () => {
      const user = await makeUser(conn.db);
      const context = await browser.newContext();
      const pages = [await context.newPage(), await context.newPage()];
      const servers = [a, b];
      const failures = [0, 0];
      // Wrong passwords, alternately on each server, until one refuses to check them: either server alone
      // would have let THROTTLE.perPair failures through before its first delay.
      for (const [i, page] of pages.entries()) await page.goto(`${servers[i]!.baseUrl}/login`);
      let refusedBy = -1;
      for (let attempt = 0; attempt < 2 * THROTTLE.perPair && refusedBy < 0; attempt++) {
        const i = attempt % 2;
        const page = pages[i]!;
        // The form is emptied after each answer (React resets a form after its action).
        await page.getByLabel('Email').fill(user.email);
        await page.getByLabel('Password').fill(`wrong ${PASSWORD}`);
        const before = await failuresOf(user.email);
        await Promise.all([
          page.waitForResponse(
            (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login',
          ),
          page.getByRole('button', { name: 'Sign in' }).click(),
        ]);
        // A checked wrong password is stored (the server recorded it before answering); a refused attempt
        // is not, and says why.
        if ((await failuresOf(user.email)) > before) failures[i]!++;
        else {
          refusedBy = i;
          await page.getByRole('alert').filter({ hasText: 'Too many attempts' }).waitFor();
        }
      }
      expect(refusedBy).toBeGreaterThanOrEqual(0);
      expect(failures[0]! + failures[1]!).toBeGreaterThanOrEqual(THROTTLE.perPair);
      expect(failures[refusedBy]).toBeLessThan(THROTTLE.perPair);
      expect(Math.min(...failures)).toBeGreaterThan(0);
      console.log(`[two servers] throttled after failures ${failures.join(' + ')} (server A + server B)`);
      await context.close();
    },
    SLOW,
  );

  it(
    'quotas: concurrent requests split over both servers never pass the limit',
    async () => {
      const key = database.keys.main!;
      const call = async (server: BuiltApp, path: string, body: unknown, method = 'POST') => {
        const res = await fetch(`${server.baseUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      /** `total` requests on 16 concurrent clients, request i to server A or B by its parity. */
      const hammer = async (total: number, task: (server: BuiltApp) => ReturnType<typeof call>) => {
        const out: Awaited<ReturnType<typeof call>>[] = [];
        let next = 0;
        await Promise.all(
          Array.from({ length: 16 }, async () => {
            while (next < total) {
              const i = next++;
              out[i] = await task(i % 2 === 0 ? a : b);
            }
          }),
        );
        return out;
      };
      const tally = (answers: { status: number }[]) => {
        const t: Record<number, number> = {};
        for (const x of answers) t[x.status] = (t[x.status] ?? 0) + 1;
        return t;
      };
      expect(
        (await call(a, '/api/v1/quotas', { subject: '*', metric: 'calls', window: 'day', limit: 40 }, 'PUT'))
          .status,
      ).toBe(200);
      expect(
        (
          await call(
            b,
            '/api/v1/quotas',
            { subject: '*', metric: 'tokens', window: 'day', limit: 100 },
            'PUT',
          )
        ).status,
      ).toBe(200);

      const usage = await hammer(120, (s) =>
        call(s, '/api/v1/usage', { subject: 'u', metric: 'calls', amount: 1 }),
      );
      expect(tally(usage)).toEqual({ 200: 40, 429: 80 });
      // Every accepted answer saw a different count, whichever server gave it.
      const seen = usage
        .filter((x) => x.status === 200)
        .map((x) => (x.body.windows as { used: number }[])[0]!.used)
        .sort((x, y) => x - y);
      expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(usage.filter((x, i) => x.status === 200 && i % 2 === 0).length).toBeGreaterThan(0);
      expect(usage.filter((x, i) => x.status === 200 && i % 2 === 1).length).toBeGreaterThan(0);

      const holds = await hammer(60, (s) =>
        call(s, '/api/v1/usage/reservations', { subject: 'u', metric: 'tokens', amount: 5 }),
      );
      expect(tally(holds)).toEqual({ 201: 20, 429: 40 });
      const [held] = await queryRows<{ n: number; total: number }>(
        conn.db,
        sql`select count(*)::int as n, coalesce(sum(amount), 0)::float8 as total from usage_reservations
        where project_id = ${database.projectIds.main!}::uuid and metric = 'tokens' and status = 'held'`,
      );
      expect({ n: Number(held!.n), total: Number(held!.total) }).toEqual({ n: 20, total: 100 });
      expect(await counterMismatches(conn.db, database.projectIds.main!)).toEqual([]);
      console.log(
        `[two servers] quotas: usage ${JSON.stringify(tally(usage))}, reservations ${JSON.stringify(tally(holds))}`,
      );
    },
    SLOW,
  );

  it(
    'live runs: events appended through one server show on a run page served by the other',
    async () => {
      const api = (path: string, body: unknown, method = 'POST') =>
        fetch(`${a.baseUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${database.keys.main!}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const created = await api('/api/v1/runs', { name: 'two servers live', status: 'running' });
      expect(created.status).toBe(201);
      const runId = ((await created.json()) as { run: { id: string } }).run.id;
      const append = async (events: { seq: number; type: string; payload: unknown }[]) =>
        expect((await api(`/api/v1/runs/${runId}/events`, { events })).status).toBe(200);
      await append([
        { seq: 0, type: 'user-message', payload: { text: 'Which server are you?' } },
        { seq: 1, type: 'start', payload: { type: 'start' } },
      ]);

      const page = await ownerPage();
      const cookie = await sessionCookie(page);
      const marker = async (server: BuiltApp) => {
        const res = await fetch(
          `${server.baseUrl}${projectPath(slugs.main!, 'runs', 'changes')}?ids=${runId}`,
          { headers: { cookie } },
        );
        expect(res.status).toBe(200);
        return ((await res.json()) as { marker: string }).marker;
      };
      const before = await marker(b);
      expect(await marker(a)).toBe(before);

      await page.goto(`${b.baseUrl}${projectPath(slugs.main!, 'runs', runId)}`);
      await page.getByTestId('user-message').filter({ hasText: 'Which server are you?' }).waitFor();
      // Appended through A while B's page is open: the page shows them without a reload.
      await append([
        { seq: 2, type: 'text-start', payload: { type: 'text-start', id: 't1' } },
        { seq: 3, type: 'text-delta', payload: { type: 'text-delta', id: 't1', delta: 'Either one.' } },
      ]);
      await page.getByTestId('transcript').filter({ hasText: 'Either one.' }).waitFor({ timeout: 20_000 });
      // The change marker the runs pages poll is read from the database: it moved on B as on A.
      const after = await marker(b);
      expect(after).not.toBe(before);
      expect(await marker(a)).toBe(after);
    },
    SLOW,
  );

  it(
    'an API key revoked through one server stops working on the other within the key cache time',
    async () => {
      const headers = { authorization: `Bearer ${database.keys.revocable!}` };
      const runsOn = async (server: BuiltApp) =>
        (await fetch(`${server.baseUrl}/api/v1/runs?limit=1`, { headers })).status;
      // Both servers verified the key: each trusts it from memory for KEY_CACHE_SECONDS.
      expect(await runsOn(a)).toBe(200);
      expect(await runsOn(b)).toBe(200);

      const page = await ownerPage();
      await page.goto(`${a.baseUrl}${projectPath(slugs.revocable!, 'settings', 'keys')}`);
      const row = page.locator('[data-testid="key-row"][data-key-name="revocable"]');
      page.once('dialog', (d) => void d.accept());
      await row.getByRole('button', { name: 'Revoke revocable' }).click();
      await row.filter({ hasText: 'revoked' }).waitFor();
      const revokedAt = Date.now();
      // At once on the server that revoked it.
      expect(await runsOn(a)).toBe(401);
      await waitFor('the key refused on the other server', async () => (await runsOn(b)) === 401, 15_000);
      const ms = Date.now() - revokedAt;
      console.log(`[two servers] revoked key refused by the other server ${ms} ms after the revocation`);
      // The cache time, and a request's time on a busy machine.
      expect(ms).toBeLessThan(KEY_CACHE_SECONDS * 1000 + 2000);
    },
    SLOW,
  );

  it(
    'does each background unit once; the retention pass of a server killed mid-pass is finished by the other',
    async () => {
      // The pass becomes due: whichever server's next check (every 0.5 s) comes first takes it.
      await conn.db.execute(sql`update job_leases set lease_until = now() where name = 'retention'`);
      await waitFor('a retention pass under way', async () => (await oldLeft()) < OLD_RUNS, 30_000);
      const holder = (await retentionLease())!.holder;
      const killed = [a, b].find((s) => s.pid === holderPid(holder));
      expect(killed, `lease holder ${holder} is one of the servers`).toBeDefined();
      const survivor = killed === a ? b : a;
      process.kill(killed!.pid, 'SIGKILL');
      await killed!.exited;
      const leftAtKill = await oldLeft();
      expect(leftAtKill).toBeGreaterThan(0);

      // The survivor takes the pass over once the killed server's lease runs out, and finishes it.
      await waitFor(
        'the retention pass finished by the surviving server',
        async () => {
          const row = await retentionLease();
          return !!row && holderPid(row.holder) === survivor.pid && row.passes === 1;
        },
        45_000,
      );
      const lease = (await retentionLease())!;
      expect(await oldLeft()).toBe(0);
      expect(await count(sql`select count(*) as n from runs where id = ${jobs.keptRunId}::uuid`)).toBe(1);
      // Held until the next pass is due, an hour after it started: no server repeats it.
      expect(Number(lease.minutes)).toBeGreaterThan(55);
      expect(killed!.logs()).not.toContain('job retention done');
      expect(logLines('job retention done')).toHaveLength(1);
      expect(survivor.logs()).toContain('job retention done');
      console.log(
        `[two servers] killed the retention holder with ${OLD_RUNS - leftAtKill} of ${OLD_RUNS} runs deleted; the other server deleted the ${leftAtKill} left`,
      );

      await waitFor('the recompute and the fold', async () => {
        const done = await count(
          sql`select count(*) as n from cost_recompute_jobs where id = ${jobs.recomputeId}::uuid and status = 'done'`,
        );
        const folds = await count(
          sql`select count(*) as n from run_transcript_checkpoints where run_id = ${jobs.longRunId}::uuid`,
        );
        return done === 1 && folds === 2;
      });
      // Each priced run went through the recompute once: two servers running it would count some twice.
      const [job] = await queryRows<{ processed: number }>(
        conn.db,
        sql`select processed from cost_recompute_jobs where id = ${jobs.recomputeId}::uuid`,
      );
      expect(Number(job!.processed)).toBe(PRICED_RUNS);
      // The month check is due every 6 hours: every server checked, one ran it.
      expect(logLines('job partitions done')).toHaveLength(1);
      // One-off units leave no lease behind.
      expect(
        await count(
          sql`select count(*) as n from job_leases where name like 'recompute:%' or name like 'checkpoints:%'`,
        ),
      ).toBe(0);
    },
    SLOW,
  );
});
