import 'server-only';
import { getConnection } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { env } from '@/lib/env';
import { ensureOwner } from './accounts/owner';
import { seedDashboardFixtures } from './demo/dashboard-fixtures';
import { seedDemoIfEmpty } from './demo/seed';

const globalForStartup = globalThis as unknown as { __runledgerStarted?: Promise<void> };

/** Migrations, then the demo project on the first start of an empty database. Once per process. */
export function startServer(): Promise<void> {
  globalForStartup.__runledgerStarted ??= (async () => {
    const conn = getConnection();
    const t0 = Date.now();
    await runMigrations(conn);
    console.log(`[runledger] database ready (${conn.driver}, migrations in ${Date.now() - t0} ms)`);
    const owner = await ensureOwner(conn.db);
    if (owner) {
      const url = `http://localhost:${process.env.PORT ?? 3000}/login`;
      const how = {
        env: 'with RUNLEDGER_ADMIN_PASSWORD',
        upgrade: 'with the admin password this install already had',
        generated: `with this generated password (shown once, set RUNLEDGER_ADMIN_PASSWORD to choose your own):\n\n    ${owner.generatedPassword}\n`,
      }[owner.from];
      // Printed once: only the hash is stored, so this is the one chance to read a generated password.
      console.log(
        `\n[runledger] created the owner account. Sign in at ${url} as\n\n    ${owner.email}\n\n[runledger] ${how}\n`,
      );
    }
    if (['1', 'true'].includes(env().RUNLEDGER_SEED_DEMO)) {
      const seeded = await seedDemoIfEmpty(conn.db);
      if (seeded) console.log(`[runledger] seeded the demo project (${seeded.runs} runs)`);
    }
    if (process.env.RUNLEDGER_DASHBOARD_FIXTURES === '1' && (await seedDashboardFixtures(conn.db))) {
      console.log('[runledger] seeded the dashboard test fixtures');
    }
  })();
  return globalForStartup.__runledgerStarted;
}
