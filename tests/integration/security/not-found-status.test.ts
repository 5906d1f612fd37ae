/**
 * Not-found pages answer HTTP 404 in the built app: the dashboard's layout decides before its loading
 * shell streams (which would commit status 200).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectPglite, connectPostgres, type DbConnection } from '@/db/client';
import { startBuiltApp, type BuiltApp } from '../../../scripts/lib/built-app';
import { makeUser, signInCookie, TEST_SECRET } from '../../helpers/accounts';
import { availableDrivers } from '../../helpers/db';
import { makeProject, makeRun } from '../../helpers/fixtures';
import { prepareTestDatabase } from '../../helpers/server';

const driver = availableDrivers().at(-1)!;
let app: BuiltApp | undefined;
let cookie = '';
let own = '';
let other = '';
let ownRun = '';
let otherRun = '';

beforeAll(async () => {
  const prepared = await prepareTestDatabase(driver, []);
  const conn: DbConnection =
    driver === 'pglite' ? connectPglite(prepared.dataDir!) : connectPostgres(prepared.databaseUrl!, 2);
  own = (await makeProject(conn.db, 'own')).slug;
  other = (await makeProject(conn.db, 'other')).slug;
  const ownId = (await conn.db.query.projects.findFirst({ where: (p, { eq }) => eq(p.slug, own) }))!.id;
  const otherId = (await conn.db.query.projects.findFirst({ where: (p, { eq }) => eq(p.slug, other) }))!.id;
  ownRun = (await makeRun(conn.db, ownId)).id;
  otherRun = (await makeRun(conn.db, otherId)).id;
  const viewer = await makeUser(conn.db, { projectId: ownId, role: 'viewer' });
  cookie = await signInCookie(conn.db, viewer.email);
  await conn.close();
  app = await startBuiltApp({
    purpose: 'the not-found status test',
    env: { ...prepared.env, RUNLEDGER_SESSION_SECRET: TEST_SECRET, RUNLEDGER_SEED_DEMO: '0' },
    cleanup: prepared.cleanup,
  });
}, 180_000);
afterAll(async () => {
  await app?.stop();
});

const page = (path: string) => fetch(`${app!.baseUrl}${path}`, { headers: { cookie }, redirect: 'manual' });

it(`another project's pages, unknown projects and pages above the role answer 404 [${driver}]`, async () => {
  expect((await page(`/p/${own}/runs`)).status).toBe(200);
  expect((await page(`/p/${own}/settings/keys`)).status).toBe(200);
  expect((await page(`/p/${own}/runs/${ownRun}`)).status).toBe(200);
  for (const path of [
    `/p/${own}/runs/${otherRun}`,
    `/p/${own}/runs/00000000-0000-4000-8000-000000000000`,
    `/p/${own}/runs/not-a-run-id`,
    `/p/${other}/runs/${otherRun}`,
    `/p/${other}/runs`,
    `/p/${other}/usage`,
    `/p/no-such-project/runs`,
    `/p/${own}/settings/audit`,
    `/p/${own}/settings/members`,
    `/p/${own}/settings/retention`,
  ]) {
    const res = await page(path);
    expect(res.status, path).toBe(404);
    expect(await res.text()).toContain('belongs to another project');
  }
}, 120_000);
