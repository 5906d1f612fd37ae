import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbConnection } from '@/db/client';
import { checkAdminPassword, ensureAdminPassword, hashPassword, verifyPassword } from '@/server/auth/admin';
import { getSetting } from '@/server/auth/settings';
import { freshPglite } from '../helpers/db';

describe('admin password', () => {
  let conn: DbConnection;
  const saved = process.env.RUNLEDGER_ADMIN_PASSWORD;
  beforeAll(async () => {
    delete process.env.RUNLEDGER_ADMIN_PASSWORD;
    conn = await freshPglite();
  });
  afterAll(async () => {
    if (saved !== undefined) process.env.RUNLEDGER_ADMIN_PASSWORD = saved;
    await conn.close();
  });

  it('hashes with scrypt and verifies only the right password', async () => {
    const stored = await hashPassword('correct horse');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(stored).not.toContain('correct horse');
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('wrong horse', stored)).toBe(false);
  });

  it('generates a password on the first start, stores only its hash, and never again', async () => {
    const password = await ensureAdminPassword(conn.db);
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const stored = await getSetting(conn.db, 'admin_password_hash');
    expect(stored).not.toContain(password!);
    expect(await checkAdminPassword(conn.db, password!)).toBe(true);
    expect(await checkAdminPassword(conn.db, 'not-it')).toBe(false);
    expect(await ensureAdminPassword(conn.db)).toBeNull();
    expect(await getSetting(conn.db, 'admin_password_hash')).toBe(stored);
  });
});
