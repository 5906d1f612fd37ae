import { z } from 'zod';
import { envFlag } from './flag';

/** Every setting runledger reads; `.env.example` lists each with its default (tested). */
export const envSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  /** Where the embedded PGlite keeps its files when DATABASE_URL is not set. */
  RUNLEDGER_DATA_DIR: z.string().min(1).default('./.data/pglite'),
  /** The owner account's email, used on the first start of an empty database. */
  RUNLEDGER_ADMIN_EMAIL: z.string().email().optional(),
  /** The owner account's password on the first start; unset: generated and printed once. */
  RUNLEDGER_ADMIN_PASSWORD: z.string().min(8).optional(),
  /** The dashboard's public URL (read by better-auth too); unset: http://localhost:<port>. */
  BETTER_AUTH_URL: z.string().url().optional(),
  /** Trust X-Forwarded-For / X-Forwarded-Host / X-Forwarded-Proto (set behind a reverse proxy only). */
  RUNLEDGER_TRUST_PROXY: envFlag(false),
  /** Signs dashboard session cookies; generated once and stored in app_settings when unset. */
  RUNLEDGER_SESSION_SECRET: z.string().min(32).optional(),
  /**
   * Encrypts secrets stored in the database (LLM provider API keys, AES-256-GCM); generated once and
   * stored in app_settings when unset. Changing it makes stored keys unreadable (enter them again).
   */
  RUNLEDGER_SECRET_KEY: z.string().min(32).optional(),
  /** Evaluations run at once by this server's evaluator job; 0 turns the job off. */
  RUNLEDGER_EVALUATOR_CONCURRENCY: z.coerce.number().int().min(0).max(64).default(4),
  /**
   * Let webhook destinations resolve to loopback, private, link-local or metadata addresses (refused by
   * default, at save and at every delivery).
   */
  RUNLEDGER_WEBHOOK_ALLOW_PRIVATE: envFlag(false),
  /** Webhook deliveries sent at once by this server's delivery job; 0 turns the job off. */
  RUNLEDGER_WEBHOOK_CONCURRENCY: z.coerce.number().int().min(0).max(64).default(8),
  /** Seconds between evaluations of the monitors (once across the server processes); 0 turns them off. */
  RUNLEDGER_MONITOR_INTERVAL_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  /** Seed the demo project on the first start of an empty database (default on). */
  RUNLEDGER_SEED_DEMO: envFlag(true),
  /** Minutes between retention passes (deleting expired runs, ledger rows, past counters); 0: off. */
  RUNLEDGER_RETENTION_INTERVAL_MINUTES: z.coerce.number().min(0).max(10_080).default(60),
  /** Milliseconds the retention job pauses between batches, leaving the database to requests. */
  RUNLEDGER_RETENTION_PAUSE_MS: z.coerce.number().int().min(0).max(10_000).default(5),
  /** Answer every /api/v1 request with a Server-Timing header (per-phase milliseconds; benchmarks). */
  RUNLEDGER_SERVER_TIMING: envFlag(false),
  /** Minutes without an event after which a `running` or `queued` run is shown as stale (its agent likely gone). */
  RUNLEDGER_STALE_RUN_MINUTES: z.coerce.number().min(0.1).max(10_080).default(10),
  /** Hours without an event after which the retention job marks a `running`/`queued` run failed (abandoned); 0: never. */
  RUNLEDGER_ABANDON_RUN_HOURS: z.coerce.number().min(0).max(8_760).default(24),
  /**
   * Seconds a verified API key is trusted from memory without asking the database: a key revoked in
   * another server process stops working within this time (at once in the process that revoked it); 0: off.
   */
  RUNLEDGER_API_KEY_CACHE_SECONDS: z.coerce.number().min(0).max(300).default(10),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** A streaming replica (Postgres only): the dashboard's history, search, charts and exports read it. */
  DATABASE_READ_URL: z.string().url().optional(),
  /** Seconds of replica lag beyond which pages read the primary instead. */
  DATABASE_READ_MAX_LAG_SECONDS: z.coerce.number().min(0).max(3600).default(10),
  /** Seconds after a user's write during which that user's pages read the primary (their own write). */
  DATABASE_READ_AFTER_WRITE_SECONDS: z.coerce.number().int().min(0).max(3600).default(15),
  /**
   * Seconds a background job's lease lasts without renewal (renewed every third of it while the job
   * runs): when a server process dies mid-job, another takes the job over after this.
   */
  RUNLEDGER_JOB_LEASE_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  /**
   * Seconds between a server process's looks for background work (a due retention pass, a recompute or
   * replay fold whose process stopped); unset: a minute, or the retention interval if shorter.
   */
  RUNLEDGER_JOB_CHECK_SECONDS: z.coerce.number().min(0.1).max(3600).optional(),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

/** The environment, parsed once; a wrong setting fails loudly with its name. */
export function env(): Env {
  if (cached) return cached;
  // An empty variable means unset (a shell's `FOO=` or a blank line in an env file).
  const set = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== ''));
  const parsed = envSchema.safeParse(set);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid runledger configuration:\n${lines}`);
  }
  cached = parsed.data;
  return cached;
}
