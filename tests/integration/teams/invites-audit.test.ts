import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, projectMembers, users } from '@/db/schema';
import { getUserByEmail } from '@/server/accounts/users';
import { listAudit } from '@/server/audit';
import { changeQuotaAudited } from '@/server/usage/quotas-audited';
import { createKeyAudited, revokeKeyAudited } from '@/server/api-keys/audited';
import { removeMemberAudited } from '@/server/members/audited';
import { acceptInvite, createInvite, findUsableInvite, getMember, INVITE_DAYS } from '@/server/members';
import { putQuota } from '@/server/usage';
import { makeUser } from '../../helpers/accounts';
import { describeEachDb } from '../../helpers/db';
import { makeProject } from '../../helpers/fixtures';

const actor = { id: 'u-test', email: 'actor@example.com' };

describeEachDb('invites and audit', ({ db }) => {
  describe('invites', () => {
    it('a new person joins once; the link then admits nobody, and a failed use leaves no account', async () => {
      const project = await makeProject(db());
      const { token } = await createInvite(db(), { projectId: project.id, role: 'editor', createdBy: null });
      const email = `new-${Math.random().toString(36).slice(2)}@example.com`;
      const { user } = await acceptInvite(db(), token, { email, name: 'New', password: 'a long password' });
      expect((await getMember(db(), project.id, user.id))?.role).toBe('editor');
      expect(await findUsableInvite(db(), token)).toBeNull();

      const second = `second-${Math.random().toString(36).slice(2)}@example.com`;
      await expect(
        acceptInvite(db(), token, { email: second, name: 'Second', password: 'a long password' }),
      ).rejects.toThrow(/used or has expired/);
      expect(await getUserByEmail(db(), second)).toBeNull();
      const existing = await makeUser(db());
      await expect(acceptInvite(db(), token, { userId: existing.id })).rejects.toThrow(/used or has expired/);
      expect(await getMember(db(), project.id, existing.id)).toBeNull();
    });

    it('an existing user joins with the invite role; an expired link is refused', async () => {
      const project = await makeProject(db());
      const user = await makeUser(db());
      const { token } = await createInvite(db(), { projectId: project.id, role: 'viewer', createdBy: null });
      await acceptInvite(db(), token, { userId: user.id });
      expect((await getMember(db(), project.id, user.id))?.role).toBe('viewer');

      const old = new Date(Date.now() - (INVITE_DAYS * 86_400_000 + 60_000));
      const expired = await createInvite(db(), {
        projectId: project.id,
        role: 'owner',
        createdBy: null,
        now: old,
      });
      expect(await findUsableInvite(db(), expired.token)).toBeNull();
      const other = await makeUser(db());
      await expect(acceptInvite(db(), expired.token, { userId: other.id })).rejects.toThrow(/expired/);
      // Just inside the 7 days it still works.
      const recent = new Date(Date.now() - (INVITE_DAYS * 86_400_000 - 60_000));
      const fresh = await createInvite(db(), {
        projectId: project.id,
        role: 'owner',
        createdBy: null,
        now: recent,
      });
      await acceptInvite(db(), fresh.token, { userId: other.id });
      expect((await getMember(db(), project.id, other.id))?.role).toBe('owner');
    });
  });

  describe('audit log', () => {
    it('writes an entry with each change, with before and after for quotas', async () => {
      const project = await makeProject(db());
      const s = { actor, projectId: project.id };
      const { apiKey } = await createKeyAudited(db(), s, 'ci');
      await revokeKeyAudited(db(), s, apiKey.id);
      const quota = await putQuota(db(), project.id, {
        subject: '*',
        metric: 'tokens',
        window: 'day',
        limit: 10,
      });
      await changeQuotaAudited(db(), s, quota.id, { limit: 20 });
      const page = await listAudit(db(), project.id);
      expect(page.data.map((e) => e.action)).toEqual(['quota.changed', 'key.revoked', 'key.created']);
      expect(page.data[0]).toMatchObject({
        actorEmail: 'actor@example.com',
        before: expect.objectContaining({ limit: 10 }),
        after: expect.objectContaining({ limit: 20 }),
      });
    });

    it('writes nothing when the change fails, even after a part of it ran', async () => {
      const project = await makeProject(db());
      const other = await makeProject(db());
      const s = { actor, projectId: project.id };
      const foreignKey = await createKeyAudited(db(), { actor, projectId: other.id }, 'theirs');
      await expect(revokeKeyAudited(db(), s, foreignKey.apiKey.id)).rejects.toThrow(/not found/);
      await expect(changeQuotaAudited(db(), s, crypto.randomUUID(), { limit: 1 })).rejects.toThrow(
        /not found/,
      );
      // The sole owner cannot be removed: the refusal comes after the member row was read.
      const owner = await makeUser(db(), { projectId: project.id, role: 'owner' });
      await expect(removeMemberAudited(db(), s, owner.id)).rejects.toThrow(/at least one owner/);
      expect(await getMember(db(), project.id, owner.id)).not.toBeNull();
      expect(await db().select().from(auditLog).where(eq(auditLog.projectId, project.id))).toEqual([]);
    });

    it('pages newest first by keyset, and a bad cursor is a bad request', async () => {
      const project = await makeProject(db());
      const s = { actor, projectId: project.id };
      for (let i = 0; i < 5; i++) await createKeyAudited(db(), s, `k${i}`);
      const first = await listAudit(db(), project.id, { limit: 2 });
      const second = await listAudit(db(), project.id, { limit: 2, cursor: first.nextCursor! });
      const third = await listAudit(db(), project.id, { limit: 2, cursor: second.nextCursor! });
      const names = [...first.data, ...second.data, ...third.data].map(
        (e) => (e.after as { name: string }).name,
      );
      expect(names).toEqual(['k4', 'k3', 'k2', 'k1', 'k0']);
      expect(third.nextCursor).toBeNull();
      await expect(listAudit(db(), project.id, { cursor: 'nope' })).rejects.toThrow(/Invalid cursor/);
    });
  });

  it('removing a member deletes only that membership', async () => {
    const project = await makeProject(db());
    await makeUser(db(), { projectId: project.id, role: 'owner' });
    const viewer = await makeUser(db(), { projectId: project.id, role: 'viewer' });
    await removeMemberAudited(db(), { actor, projectId: project.id }, viewer.id);
    const rows = await db()
      .select()
      .from(projectMembers)
      .where(and(eq(projectMembers.projectId, project.id), eq(projectMembers.userId, viewer.id)));
    expect(rows).toEqual([]);
    expect((await db().select().from(users).where(eq(users.id, viewer.id))).length).toBe(1);
  });
});
