import 'server-only';
import { getConnection } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { env } from '@/lib/env';
import { ensureOwner } from './accounts/owner';
import { seedDemoIfEmpty } from './demo/seed';
import { startEvaluators } from './evaluators/start';
import { ensureEventPartitions } from './events/partitions';
import { signInBanner } from './sign-in-banner';
import { leaseOptions, startJobs } from './jobs';
import { startMonitorJob } from './monitors/job';
import { startWebhooks } from './webhooks/start';
import { type StartState, startState } from './startup-state';
import { isDatabaseUnavailable, serviceUnavailable } from './unavailable';

export { startupWaiting } from './startup-state';

/** The public URL of the sign-in page (BETTER_AUTH_URL, else this server on localhost). */
function signInUrl(): string {
  const base = env().BETTER_AUTH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
  return new URL('/login', base).toString();
}

/** Migrations, then the owner account and the demo project on the first start of an empty database. */
async function startOnce(): Promise<void> {
  const conn = getConnection();
  const t0 = Date.now();
  await runMigrations(conn);
  console.log(`[runledger] database ready (${conn.driver}, migrations in ${Date.now() - t0} ms)`);
  const owner = await ensureOwner(conn.db);
  try {
    if (env().RUNLEDGER_SEED_DEMO) {
      const seeded = await seedDemoIfEmpty(conn.db);
      if (seeded) console.log(`[runledger] seeded the demo project (${seeded.runs} runs)`);
    }
  } finally {
    // After the demo seed, so the sign-in is the last thing the first start prints; printed even if
    // the seed fails, because a generated password cannot be read again.
    if (owner) console.log(signInBanner(owner, signInUrl()));
  }
  // Before the first insert, and after the demo seed: its runs of past months get their partitions,
  // their events move out of the default. Later checks are a periodic job (startJobs).
  await ensureEventPartitions(conn.db);
  startBackgroundJobs();
  startEvaluators(() => getConnection().db, env().RUNLEDGER_EVALUATOR_CONCURRENCY);
  startWebhooks(() => getConnection().db, env().RUNLEDGER_WEBHOOK_CONCURRENCY);
  startMonitorJob(() => getConnection().db, env().RUNLEDGER_MONITOR_INTERVAL_SECONDS * 1000);
}

const globalForJobs = globalThis as unknown as { __runledgerJobs?: () => void };

/** This process's share of the background jobs (once per process; leases share them out). */
function startBackgroundJobs(): void {
  if (globalForJobs.__runledgerJobs) return;
  const everyMs = env().RUNLEDGER_RETENTION_INTERVAL_MINUTES * 60_000;
  const checkMs =
    env().RUNLEDGER_JOB_CHECK_SECONDS !== undefined
      ? env().RUNLEDGER_JOB_CHECK_SECONDS! * 1000
      : everyMs > 0
        ? Math.min(60_000, everyMs)
        : 60_000;
  globalForJobs.__runledgerJobs = startJobs(() => getConnection().db, {
    lease: leaseOptions(),
    // The first look waits a check's time (a minute by default): startup (and a first request) should
    // not share the database with it.
    firstAfterMs: checkMs,
    checkEveryMs: checkMs,
    retentionEveryMs: everyMs,
    retentionPauseMs: env().RUNLEDGER_RETENTION_PAUSE_MS,
    abandonAfterHours: env().RUNLEDGER_ABANDON_RUN_HOURS,
    // One line per unit of work: which server did what (a retention pass, a recompute, a fold taken over).
    onDone: (name) => console.log(`[runledger] job ${name} done`),
  });
}

const MAX_RETRY_DELAY_MS = 5_000;

function attempt(s: StartState): Promise<void> {
  s.attempt ??= startOnce().then(
    () => {
      if (s.failures > 0) console.log(`[runledger] the database is reachable again: started`);
      s.ready = true;
      s.waiting = false;
      s.attempt = undefined;
    },
    (err: unknown) => {
      s.attempt = undefined;
      if (!isDatabaseUnavailable(err)) {
        s.fatal = err;
        throw err;
      }
      s.failures++;
      s.waiting = true;
      const delay = Math.min(MAX_RETRY_DELAY_MS, 250 * 2 ** s.failures);
      console.warn(
        `[runledger] startup: the database is unreachable (${errorCodeOf(err)}); retry ${s.failures} in ${delay} ms`,
      );
      setTimeout(() => void attempt(s).catch(() => {}), delay);
      throw serviceUnavailable('The server is starting and cannot reach its database yet; retry shortly');
    },
  );
  return s.attempt;
}

function errorCodeOf(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown }; message?: unknown };
  return String(e.cause?.code ?? e.code ?? e.message ?? err);
}

/**
 * Resolves once the server has started (migrations, first-start setup; once per process). While the
 * database is unreachable the start is retried in the background, with backoff up to 5 s, for as long
 * as it takes, and callers get a `service_unavailable` AppError at once instead of waiting.
 */
export function startServer(): Promise<void> {
  const s = startState();
  if (s.ready) return Promise.resolve();
  if (s.fatal) return Promise.reject(s.fatal);
  if (s.waiting && !s.attempt) {
    return Promise.reject(
      serviceUnavailable('The server is starting and cannot reach its database yet; retry shortly'),
    );
  }
  return attempt(s);
}
