import 'server-only';
import { getConnection } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { env } from '@/lib/env';
import { ensureAdminPassword } from './auth/admin';
import { seedDemoIfEmpty } from './demo/seed';

const globalForStartup = globalThis as unknown as { __runledgerStarted?: Promise<void> };

/** Migrations, then the demo project on the first start of an empty database. Once per process. */
export function startServer(): Promise<void> {
  globalForStartup.__runledgerStarted ??= (async () => {
    const conn = getConnection();
    const t0 = Date.now();
    await runMigrations(conn);
    console.log(`[runledger] database ready (${conn.driver}, migrations in ${Date.now() - t0} ms)`);
    const password = await ensureAdminPassword(conn.db);
    if (password) {
      const url = `http://localhost:${process.env.PORT ?? 3000}/login`;
      // Printed once: only the hash is stored, so this is the one chance to read it.
      console.log(
        `\n[runledger] generated the admin password (shown once, set RUNLEDGER_ADMIN_PASSWORD to choose your own):\n\n    ${password}\n\n[runledger] sign in at ${url}\n`,
      );
    }
    if (['1', 'true'].includes(env().RUNLEDGER_SEED_DEMO)) {
      const seeded = await seedDemoIfEmpty(conn.db);
      if (seeded) console.log(`[runledger] seeded the demo project (${seeded.runs} runs)`);
    }
  })();
  return globalForStartup.__runledgerStarted;
}
