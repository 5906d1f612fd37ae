import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { instanceAuditLog, signInFailures } from '@/db/schema';
import { ensureOwner } from '@/server/accounts/owner';
import { sessionUser, signInWithPassword, WRONG_CREDENTIALS } from '@/server/accounts/sign-in';
import { delayAfter, recordFailure, THROTTLE } from '@/server/accounts/throttle';
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
    const signIn = (email: string, password: string, address: string, at: Date) =>
      signInWithPassword(db(), testAuth(db()), { email, password, address }, at);
    const seconds = (t: Date, s: number) => new Date(t.getTime() + s * 1000);

    it("someone else's failures never lock the owner out of their own address", async () => {
      const owner = await makeUser(db());
      const unknown = await signIn('nobody@example.com', 'x', '10.1.0.1', new Date());
      expect(unknown).toEqual({ ok: false, error: WRONG_CREDENTIALS });
      const t0 = new Date();
      // The attacker's pair (account, address): free attempts, then delays that double.
      for (let i = 0; i < THROTTLE.perPair; i++) {
        expect(await signIn(owner.email, 'wrong', '10.66.0.1', t0)).toEqual({
          ok: false,
          error: WRONG_CREDENTIALS,
        });
      }
      expect(await signIn(owner.email, 'wrong', '10.66.0.1', t0)).toEqual({
        ok: false,
        error: 'Too many attempts, try again in 1 second',
      });
      expect(await signIn(owner.email, 'wrong', '10.66.0.1', seconds(t0, 1))).toEqual({
        ok: false,
        error: WRONG_CREDENTIALS,
      });
      expect(await signIn(owner.email, 'wrong', '10.66.0.1', seconds(t0, 2))).toEqual({
        ok: false,
        error: 'Too many attempts, try again in 1 second',
      });
      expect(await signIn(owner.email, 'wrong', '10.66.0.1', seconds(t0, 3))).toEqual({
        ok: false,
        error: WRONG_CREDENTIALS,
      });
      // 7 failures: the next is 4 s after the last; even the right password waits there.
      expect(await signIn(owner.email, PASSWORD, '10.66.0.1', seconds(t0, 4))).toEqual({
        ok: false,
        error: 'Too many attempts, try again in 3 seconds',
      });
      const audit = await db()
        .select()
        .from(instanceAuditLog)
        .where(eq(instanceAuditLog.target, owner.email));
      expect(audit.map((a) => a.action)).toContain('sign_in.throttled');
      // The owner, from their own address, at the same moment: signed in.
      expect((await signIn(owner.email, PASSWORD, '10.1.1.1', seconds(t0, 4))).ok).toBe(true);
      // The delays keep growing for the attacker's pair, capped.
      expect(delayAfter(THROTTLE.perPair + 20, THROTTLE.perPair)).toBe(THROTTLE.maxDelayMs);
    });

    it('slows an address that guesses over many accounts, not the accounts elsewhere', async () => {
      const address = `10.9.${Math.floor(Math.random() * 250)}.1`;
      const t0 = new Date();
      for (let i = 0; i < THROTTLE.perAddress - 1; i++) {
        await recordFailure(db(), { email: `guess${i}@example.com`, address }, t0);
      }
      expect(await signIn('guess-last@example.com', 'x', address, t0)).toEqual({
        ok: false,
        error: WRONG_CREDENTIALS,
      });
      const user = await makeUser(db());
      const r = await signIn(user.email, PASSWORD, address, t0);
      expect(r).toEqual({ ok: false, error: 'Too many attempts, try again in 1 second' });
      expect((await signIn(user.email, PASSWORD, '10.8.0.1', t0)).ok).toBe(true);
      expect((await signIn(user.email, PASSWORD, address, seconds(t0, 1))).ok).toBe(true);
      expect(
        (
          await db()
            .select()
            .from(signInFailures)
            .where(eq(signInFailures.key, `ip:${address}`))
        ).length,
      ).toBe(THROTTLE.perAddress);
    });

    it('a guess spread over many addresses meets the per-account ceiling, which the window lifts', async () => {
      const user = await makeUser(db());
      const t0 = new Date();
      // The failures as sign-in records them (a hundred password checks would only make this slow).
      for (let i = 0; i < THROTTLE.perAccount - 1; i++) {
        await recordFailure(db(), { email: user.email, address: `10.${50 + (i % 4)}.${i}.7` }, t0);
      }
      expect(await signIn(user.email, 'wrong', '10.60.0.1', t0)).toEqual({
        ok: false,
        error: WRONG_CREDENTIALS,
      });
      expect(await signIn(user.email, PASSWORD, '10.200.0.1', t0)).toEqual({
        ok: false,
        error: 'Too many attempts, try again in 15 minutes',
      });
      const later = new Date(t0.getTime() + THROTTLE.windowMs + 1000);
      expect((await signIn(user.email, PASSWORD, '10.200.0.1', later)).ok).toBe(true);
    });
  });
});
