import 'server-only';
import { sql } from 'drizzle-orm';
import { env } from '@/lib/env';
import { connectPostgres, type Db, type DbConnection, getConnection } from './client';
import { isConnectionError } from './connection-errors';
import { pgErrorCode, queryRows } from './sql';

export type ReplicaState = {
  /** Seconds the replica is behind the primary (0: it has replayed all it received while streaming); null: unreachable. */
  lagSeconds: number | null;
  /** Whether reads go to it now (reachable and lag within the bound). */
  usable: boolean;
};

export type ReadRouterOptions = {
  /** Lag beyond which reads go to the primary. */
  maxLagSeconds: number;
  /** A measurement of the lag is reused this long (one query per interval, not per page). */
  checkEveryMs: number;
  /** A lag query that takes longer counts as the replica being down. */
  timeoutMs: number;
};

/**
 * The replica's lag, in seconds: 0 while it streams and has replayed everything it received;
 * otherwise the age of its last replayed transaction (an idle primary makes that grow, which is why
 * a streaming, caught-up replica counts as 0). A server that is not a standby answers 0.
 */
export async function measureLag(db: Db): Promise<number> {
  const [r] = await queryRows<{
    standby: boolean;
    streaming: boolean;
    replayed: boolean;
    since: number | null;
  }>(
    db,
    sql`select pg_is_in_recovery() as standby,
          coalesce((select status = 'streaming' from pg_stat_wal_receiver), false) as streaming,
          coalesce(pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), false) as replayed,
          extract(epoch from now() - pg_last_xact_replay_timestamp())::float8 as since`,
  );
  if (!r?.standby) return 0;
  if (r.streaming && r.replayed) return 0;
  return r.since === null ? Number.POSITIVE_INFINITY : Math.max(0, Number(r.since));
}

/**
 * Chooses the handle for a read: the replica for the dashboard's reads of settled data while it is
 * reachable and its lag within the bound, else the primary. Writes never come here. A replica that
 * cannot be reached (or answers slower than `timeoutMs`) means the primary, with no error.
 */
export class ReadRouter {
  private checked = 0;
  private state: ReplicaState = { lagSeconds: null, usable: false };
  private inflight: Promise<ReplicaState> | null = null;

  constructor(
    readonly primary: Db,
    readonly replica: Db | null,
    private readonly opts: ReadRouterOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** The replica's state, measured at most every `checkEveryMs` (concurrent callers share one query). */
  async replicaState(): Promise<ReplicaState | null> {
    const replica = this.replica;
    if (!replica) return null;
    if (this.now() - this.checked < this.opts.checkEveryMs) return this.state;
    this.inflight ??= (async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('replica lag query timed out')), this.opts.timeoutMs);
      });
      try {
        const lag = await Promise.race([measureLag(replica), timeout]);
        this.state = { lagSeconds: lag, usable: lag <= this.opts.maxLagSeconds };
      } catch {
        this.state = { lagSeconds: null, usable: false };
      } finally {
        clearTimeout(timer);
        this.checked = this.now();
        this.inflight = null;
      }
      return this.state;
    })();
    return this.inflight;
  }

  /** The handle for a read; `primary: true` (the user's own recent write, a live run) always gets the primary. */
  async db(opts: { primary?: boolean } = {}): Promise<Db> {
    if (opts.primary || !this.replica) return this.primary;
    const state = await this.replicaState();
    return state?.usable ? this.replica : this.primary;
  }

  /**
   * Runs a read on the handle `db()` chooses; when the replica fails under it (stopped since its lag
   * was measured, or a query cancelled by a conflict with recovery), the replica is counted down until
   * the next measurement and the read runs again on the primary: no error reaches the page.
   */
  async read<T>(fn: (db: Db) => Promise<T>, opts: { primary?: boolean } = {}): Promise<T> {
    const db = await this.db(opts);
    if (db === this.primary) return fn(db);
    try {
      return await fn(db);
    } catch (err) {
      if (!isConnectionError(err) && pgErrorCode(err) !== '40001') throw err;
      this.state = { lagSeconds: null, usable: false };
      this.checked = this.now();
      return fn(this.primary);
    }
  }
}

const globalForRead = globalThis as unknown as {
  __runledgerRead?: { router: ReadRouter; conn?: DbConnection };
};

/**
 * This process's read router (DATABASE_READ_URL, Postgres only; without it every read is the
 * primary's). Kept on globalThis like the primary's connection.
 */
export function readRouter(): ReadRouter {
  const primary = getConnection().db;
  const cached = globalForRead.__runledgerRead;
  // Rebuilt when the primary's handle changed (tests swap the process's connection).
  if (cached?.router.primary !== primary) {
    const e = env();
    const conn =
      cached?.conn ??
      (e.DATABASE_URL && e.DATABASE_READ_URL
        ? connectPostgres(e.DATABASE_READ_URL, e.DATABASE_POOL_SIZE)
        : undefined);
    const router = new ReadRouter(primary, conn?.db ?? null, {
      maxLagSeconds: e.DATABASE_READ_MAX_LAG_SECONDS,
      checkEveryMs: 1_000,
      timeoutMs: 1_000,
    });
    globalForRead.__runledgerRead = { router, conn };
  }
  return globalForRead.__runledgerRead!.router;
}

/** The handle for a dashboard read of settled data (see ReadRouter.db). */
export function getReadDb(opts: { primary?: boolean } = {}): Promise<Db> {
  return readRouter().db(opts);
}

/** A dashboard read of settled data, on the replica when it is fit, else the primary (see ReadRouter.read). */
export function withReadDb<T>(fn: (db: Db) => Promise<T>, opts: { primary?: boolean } = {}): Promise<T> {
  return readRouter().read(fn, opts);
}
