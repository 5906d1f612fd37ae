import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, signInFailures } from '@/db/schema';
import { ensureOwner } from '@/server/accounts/owner';
import { sessionUser, signInWithPassword, WRONG_CREDENTIALS } from '@/server/accounts/sign-in';
import { THROTTLE } from '@/server/accounts/throttle';
import { deleteUser, setPassword } from '@/server/accounts/users';
import { removeMember } from '@/server/members';
import { PASSWORD, makeUser, signInCookie, testAuth } from '../../helpers/accounts';
import { describeEachDb } from '../../helpers/db';
import { makeProject } from '../../helpers/fixtures';

const cookieHeaders = (cookie: string) => new Headers({ cookie });

describeEachDb('accounts', ({ db }) => {
  describe('first start', () => {
    it('creates the owner once, with a generated password that signs in', async () => {
      const created = await ensureOwner(db(), { email: 'Owner@Example.com' });
      expect(created?.from).toBe('generated');
      expect(created?.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(await ensureOwner(db(), { email: 'other@example.com', password: 'whatever-pass' })).toBeNull();
      const cookie = await signInCookie(db(), 'owner@example.com', created!.generatedPassword!);
      const who = await sessionUser(testAuth(db()), cookieHeaders(cookie));
      expect(who?.actor).toMatchObject({ email: 'owner@example.com', isAdmin: true });
    });
  });

  describe('sessions are server-side', () => {
    it('sign out ends the session: the same cookie is refused afterwards', async () => {
      const user = await makeUser(db());
      const cookie = await signInCookie(db(), user.email);
      const auth = testAuth(db());
      expect((await sessionUser(auth, cookieHeaders(cookie)))?.actor.id).toBe(user.id);
      await auth.api.signOut({ headers: cookieHeaders(cookie) });
      expect(await sessionUser(auth, cookieHeaders(cookie))).toBeNull();
    });

    it('sign out everywhere ends every session of the user', async () => {
      const user = await makeUser(db());
      const a = await signInCookie(db(), user.email);
      const b = await signInCookie(db(), user.email);
      const auth = testAuth(db());
      await auth.api.revokeSessions({ headers: cookieHeaders(a) });
      expect(await sessionUser(auth, cookieHeaders(a))).toBeNull();
      expect(await sessionUser(auth, cookieHeaders(b))).toBeNull();
    });

    it('a password change ends the other sessions and the old password stops working', async () => {
      const user = await makeUser(db());
      const mine = await signInCookie(db(), user.email);
      const other = await signInCookie(db(), user.email);
      const auth = testAuth(db());
      const me = await sessionUser(auth, cookieHeaders(mine));
      await setPassword(db(), user.id, 'a brand new password', me!.sessionId);
      expect(await sessionUser(auth, cookieHeaders(mine))).not.toBeNull();
      expect(await sessionUser(auth, cookieHeaders(other))).toBeNull();
      const old = await signInWithPassword(db(), auth, {
        email: user.email,
        password: PASSWORD,
        address: null,
      });
      expect(old).toEqual({ ok: false, error: WRONG_CREDENTIALS });
      await signInCookie(db(), user.email, 'a brand new password');
    });

    it('removal from a project or from the instance ends the sessions at once', async () => {
      const project = await makeProject(db());
      await makeUser(db(), { projectId: project.id, role: 'owner' });
      const member = await makeUser(db(), { projectId: project.id, role: 'viewer' });
      const auth = testAuth(db());
      const cookie = await signInCookie(db(), member.email);
      await removeMember(db(), project.id, member.id);
      expect(await sessionUser(auth, cookieHeaders(cookie))).toBeNull();

      const gone = await makeUser(db());
      const cookie2 = await signInCookie(db(), gone.email);
      await deleteUser(db(), gone.id);
      expect(await sessionUser(auth, cookieHeaders(cookie2))).toBeNull();
    });
  });

  describe('sign-in throttling', () => {
    it('refuses an account after 5 failures with the same message for unknown emails', async () => {
      const user = await makeUser(db());
      const auth = testAuth(db());
      const unknown = await signInWithPassword(db(), auth, {
        email: 'nobody@example.com',
        password: 'x',
        address: '10.1.0.1',
      });
      expect(unknown).toEqual({ ok: false, error: WRONG_CREDENTIALS });
      const t0 = new Date();
      for (let i = 0; i < THROTTLE.perAccount; i++) {
        const r = await signInWithPassword(
          db(),
          auth,
          { email: user.email, password: 'wrong', address: `10.2.0.${i}` },
          t0,
        );
        expect(r).toEqual({ ok: false, error: WRONG_CREDENTIALS });
      }
      // Even the right password is refused now, from any address.
      const blocked = await signInWithPassword(db(), auth, {
        email: user.email,
        password: PASSWORD,
        address: '10.3.0.1',
      });
      expect(blocked).toEqual({ ok: false, error: 'Too many attempts, try again in 15 minutes' });
      const audit = await db().select().from(auditLog).where(eq(auditLog.target, user.email));
      expect(audit.map((a) => a.action)).toContain('sign_in.throttled');
      // Once the window has passed, the right password works again.
      const later = new Date(t0.getTime() + THROTTLE.windowMs + 1000);
      const ok = await signInWithPassword(
        db(),
        auth,
        { email: user.email, password: PASSWORD, address: '10.3.0.1' },
        later,
      );
      expect(ok.ok).toBe(true);
    });

    it('refuses an address after 20 failures over any accounts', async () => {
      const auth = testAuth(db());
      const address = `10.9.${Math.floor(Math.random() * 250)}.1`;
      for (let i = 0; i < THROTTLE.perAddress; i++) {
        await signInWithPassword(db(), auth, { email: `guess${i}@example.com`, password: 'x', address });
      }
      const user = await makeUser(db());
      const r = await signInWithPassword(db(), auth, { email: user.email, password: PASSWORD, address });
      expect(r.ok).toBe(false);
      expect(r.ok === false && r.error).toMatch(/^Too many attempts, try again in 1[45] minutes$/);
      const other = await signInWithPassword(db(), auth, {
        email: user.email,
        password: PASSWORD,
        address: '10.8.0.1',
      });
      expect(other.ok).toBe(true);
      expect(
        (
          await db()
            .select()
            .from(signInFailures)
            .where(eq(signInFailures.key, `ip:${address}`))
        ).length,
      ).toBe(THROTTLE.perAddress);
    });
  });
});
