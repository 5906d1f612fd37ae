import { randomUUID } from 'node:crypto';
import { NextRequest } from 'next/server';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { legacyRedirect } from '@/app/_lib/legacy-redirect';
import { type Actor, landingProject } from '@/server/access';
import { putMember } from '@/server/members';
import { makeUser, signInCookie } from '../../helpers/accounts';
import { describeEachDb } from '../../helpers/db';
import { makeProject, makeRun } from '../../helpers/fixtures';
import { setRequest, useTestDatabase } from '../../helpers/next-request';

vi.mock('next/headers', async () => {
  const m = await import('../../helpers/next-request');
  return { headers: async () => m.request.headers, cookies: async () => m.cookieStore() };
});

/** Where the old link redirects (the NEXT_REDIRECT a route handler throws carries the location). */
async function redirectOf(path: string): Promise<string> {
  const err = await legacyRedirect(new NextRequest(`http://localhost:3000${path}`)).catch((e) => e);
  const digest = String((err as { digest?: string }).digest);
  expect(digest).toMatch(/^NEXT_REDIRECT;/);
  return digest.split(';')[2]!;
}

describeEachDb('old unscoped links land in a project', (ctx) => {
  const db = () => ctx.db();
  let a = { id: '', slug: '' };
  let b = { id: '', slug: '' };
  let hidden = { id: '', slug: '' };
  let runB = '';
  let runHidden = '';
  let member: Actor;
  let cookie = '';

  beforeAll(async () => {
    useTestDatabase({ db: db(), driver: ctx.driver, close: async () => {} });
    [a, b, hidden] = [
      await makeProject(db(), 'a'),
      await makeProject(db(), 'b'),
      await makeProject(db(), 'h'),
    ];
    const user = await makeUser(db(), { projectId: a.id, role: 'viewer' });
    await putMember(db(), b.id, user.id, 'editor');
    member = { id: user.id, email: user.email, isAdmin: false };
    cookie = await signInCookie(db(), user.email);
    runB = (await makeRun(db(), b.id)).id;
    runHidden = (await makeRun(db(), hidden.id)).id;
  });

  describe('landingProject', () => {
    it("a run of one of the user's projects: that project, whichever was viewed last", async () => {
      expect(await landingProject(db(), member, { runId: runB, lastSlug: a.slug })).toBe(b.slug);
    });

    it('a run of a project the user may not see: the last project viewed, never its own', async () => {
      expect(await landingProject(db(), member, { runId: runHidden, lastSlug: a.slug })).toBe(a.slug);
      expect(await landingProject(db(), member, { runId: runHidden, lastSlug: b.slug })).toBe(b.slug);
    });

    it('an unknown run, a bad id, no or a foreign last project: the first project', async () => {
      expect(await landingProject(db(), member, { runId: randomUUID() })).toBe(a.slug);
      expect(await landingProject(db(), member, { runId: 'not-a-uuid', lastSlug: 'nope' })).toBe(a.slug);
      expect(await landingProject(db(), member, { lastSlug: hidden.slug })).toBe(a.slug);
    });

    it('a user without projects: none', async () => {
      const loner = await makeUser(db());
      expect(await landingProject(db(), { id: loner.id, email: loner.email, isAdmin: false }, {})).toBeNull();
    });
  });

  describe('legacyRedirect', () => {
    it('/runs/<id> goes to the run in its own project, query kept', async () => {
      setRequest({ cookie, lastProject: a.slug });
      expect(await redirectOf(`/runs/${runB}?seq=3`)).toBe(`/p/${b.slug}/runs/${runB}?seq=3`);
    });

    it("/runs/<id> of a hidden project goes to the last project viewed (a not-found there), not the run's", async () => {
      setRequest({ cookie, lastProject: b.slug });
      const to = await redirectOf(`/runs/${runHidden}`);
      expect(to).toBe(`/p/${b.slug}/runs/${runHidden}`);
      expect(to).not.toContain(hidden.slug);
    });

    it('the other pages go to the same page of the last project viewed, query kept', async () => {
      setRequest({ cookie, lastProject: b.slug });
      expect(await redirectOf('/usage?subject=u1')).toBe(`/p/${b.slug}/usage?subject=u1`);
      expect(await redirectOf('/settings/keys')).toBe(`/p/${b.slug}/settings/keys`);
      expect(await redirectOf('/runs/compare?a=1&b=2')).toBe(`/p/${b.slug}/runs/compare?a=1&b=2`);
      setRequest({ cookie });
      expect(await redirectOf('/threads/t%201')).toBe(`/p/${a.slug}/threads/t%201`);
    });

    it('without a session: to sign in, then back to the old link', async () => {
      setRequest({});
      expect(await redirectOf(`/runs/${runB}`)).toBe(`/login?next=${encodeURIComponent(`/runs/${runB}`)}`);
    });
  });
});
