import 'server-only';
import { getConnection } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { env } from '@/lib/env';
import { seedDemoIfEmpty } from './demo/seed';

const globalForStartup = globalThis as unknown as { __runledgerStarted?: Promise<void> };

/** Migrations, then the demo project on the first start of an empty database. Once per process. */
export function startServer(): Promise<void> {
  globalForStartup.__runledgerStarted ??= (async () => {
    const conn = getConnection();
    const t0 = Date.now();
    await runMigrations(conn);
    console.log(`[runledger] database ready (${conn.driver}, migrations in ${Date.now() - t0} ms)`);
    if (['1', 'true'].includes(env().RUNLEDGER_SEED_DEMO)) {
      const seeded = await seedDemoIfEmpty(conn.db);
      if (seeded) console.log(`[runledger] seeded the demo project (${seeded.runs} runs)`);
    }
  })();
  return globalForStartup.__runledgerStarted;
}
