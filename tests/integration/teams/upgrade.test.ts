import { randomBytes, scryptSync } from 'node:crypto';
import { rmSync } from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { runMigrations } from '@/db/migrate';
import { accounts } from '@/db/schema';
import { ensureOwner } from '@/server/accounts/owner';
import { sessionUser } from '@/server/accounts/sign-in';
import { listAccessibleProjects } from '@/server/access';
import { signInCookie, testAuth } from '../../helpers/accounts';
import { migrationsBefore } from '../../../scripts/lib/migrations-before';
import { databaseAtMigrations } from '../../helpers/old-schema';
import { availableDrivers } from '../../helpers/db';

/** The last release with the single admin password ran the migrations up to 0003_runs_name_trgm. */
const OLD_MIGRATIONS = migrationsBefore('0004_issue9_data_fixes');
afterAll(() => rmSync(OLD_MIGRATIONS, { recursive: true, force: true }));

/** The admin password hash as that release stored it (`scrypt$N$r$p$salt$hash`). */
function legacyHash(password: string) {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', 16384, 8, 1, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

const oldDatabase = (driver: 'pglite' | 'postgres') =>
  databaseAtMigrations(driver, OLD_MIGRATIONS, 'upgrade');

for (const driver of availableDrivers()) {
  describe(`upgrade from the single admin password [${driver}]`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const c of cleanups) await c();
    });

    it('keeps the admin password as the owner password, and the owner owns the old projects', async () => {
      const { conn, drop } = await oldDatabase(driver);
      cleanups.push(async () => {
        await conn.close();
        await drop();
      });
      const db = conn.db;
      await db.execute(
        sql`insert into app_settings (key, value) values ('admin_password_hash', ${legacyHash('old admin pw')})`,
      );
      await db.execute(sql`insert into projects (slug, name) values ('legacy', 'Legacy')`);

      await runMigrations(conn);
      const created = await ensureOwner(db, { email: 'admin@example.com' });
      expect(created).toEqual({ email: 'admin@example.com', from: 'upgrade' });

      const cookie = await signInCookie(db, 'admin@example.com', 'old admin pw');
      const me = await sessionUser(testAuth(db), new Headers({ cookie }));
      expect(me?.actor.isAdmin).toBe(true);
      expect((await listAccessibleProjects(db, me!.actor)).map((p) => p.slug)).toContain('legacy');
      // That first sign-in rehashed the password with better-auth; it still signs in.
      const [row] = await db.select().from(accounts).where(eq(accounts.userId, me!.actor.id));
      expect(row?.password?.startsWith('scrypt$')).toBe(false);
      await signInCookie(db, 'admin@example.com', 'old admin pw');
      // A fresh PGlite (initdb, then every migration) takes a while on a busy machine.
    }, 240_000);
  });
}
