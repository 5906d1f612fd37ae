/**
 * Retention at scale (part of bench/scale): BENCH_SCALE_EXPIRE_EVENTS events (default 10,000,000) in
 * runs of 1,000 over 10 whole months, spread over two projects with different retention (30 and 90
 * days), expired by the app's retention (src/server/retention): their month partitions dropped
 * (`dropExpiredEventPartitions`, the first step of `purgeExpired`), then the pass that deletes the runs'
 * rows. Then a straddling month, which the 90-day project and a keep-forever project still have runs in
 * (so it cannot be dropped): its BENCH_SCALE_DELETE_EVENTS expired events (default 1,000,000, a subset:
 * batched deletes run ~2 min per million under load) go by the same pass's batched deletes.
 * Time and WAL bytes of each (pg_current_wal_lsn before and after: the whole server's WAL, so other
 * databases' writes count too; its rate while the bench idles, before and after, is printed), and per
 * million events.
 */
import { loadavg } from 'node:os';
import postgres from 'postgres';
import { connectPostgres } from '@/db/client';
import { dropExpiredEventPartitions, purgeExpired, putRetention } from '@/server/retention';
import { fillRuns } from './lib/event-fill';
import { freshBenchDatabase } from './lib/server';
import { databaseWalBytes, keepWal, walBytesSince, walLsn } from './lib/wal';

const EVENTS = Number(process.env.BENCH_SCALE_EXPIRE_EVENTS ?? 10_000_000);
const DELETE_EVENTS = Number(process.env.BENCH_SCALE_DELETE_EVENTS ?? 1_000_000);
const PER_RUN = 1000;
const MONTHS = 10; // 2025-01 .. 2025-10, then the straddling month 2025-11
const DAY = 86_400_000;

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const mib = (b: number) => (b < 1048576 ? `${(b / 1024).toFixed(0)} KiB` : `${(b / 1048576).toFixed(1)} MiB`);
const month = (i: number) => new Date(Date.UTC(2025, i, 1)).toISOString();

/**
 * Time and WAL of `work`: `wal` is the bench database's own (pg_waldump; the whole server's when that
 * cannot be read), `server` every database's.
 */
async function measure<T>(sql: postgres.Sql, work: () => Promise<T>, own = true) {
  const from = await walLsn(sql);
  const t0 = performance.now();
  const out = await work();
  const ms = performance.now() - t0;
  const [server, to, l] = [await walBytesSince(sql, from), await walLsn(sql), load()];
  const wal = own ? ((await databaseWalBytes(sql, from, to)) ?? server) : server;
  return { out, ms, wal, server, load: l };
}

/** The server's WAL rate while the bench writes nothing (other databases on a shared server). */
async function background(sql: postgres.Sql) {
  const m = await measure(sql, () => new Promise((r) => setTimeout(r, 5000)), false);
  return `${(m.wal / 5 / 1024).toFixed(0)} KiB/s`;
}

export async function expireAtScale() {
  const db = await freshBenchDatabase('scaleexpire');
  const sql = postgres(db.url, { max: 1, onnotice: () => {} });
  const conn = connectPostgres(db.url, 2);
  try {
    const [p30, p90, forever] = await sql<{ id: string }[]>`insert into projects (slug, name)
      values ('thirty', 'Thirty days'), ('ninety', 'Ninety days'), ('forever', 'Kept forever') returning id`;
    await putRetention(conn.db, p30!.id, { runDays: 30, usageDays: 400 });
    await putRetention(conn.db, p90!.id, { runDays: 90, usageDays: 400 });
    const t = performance.now();
    const runsPerMonth = 2 * Math.max(1, Math.round(EVENTS / PER_RUN / MONTHS / 2));
    for (let m = 0; m < MONTHS; m++) {
      // Half of each month's runs per project, interleaved in time (each over the whole month).
      for (const p of [p30!, p90!])
        await fillRuns(sql, {
          projectId: p.id,
          from: month(m),
          to: month(m + 1),
          runs: runsPerMonth / 2,
          perRun: PER_RUN,
          partitioned: true,
        });
    }
    // The straddling month: the 90-day project's runs of its first half expire at the second pass;
    // its later runs and the keep-forever project's run keep the month.
    const deleteRuns = Math.max(1, Math.round(DELETE_EVENTS / PER_RUN));
    const mid = new Date(Date.parse(month(MONTHS)) + 14 * DAY).toISOString();
    const fill = (projectId: string, from: string, to: string, runs: number) =>
      fillRuns(sql, { projectId, from, to, runs, perRun: PER_RUN, partitioned: true });
    await fill(p90!.id, month(MONTHS), mid, deleteRuns);
    await fill(p90!.id, new Date(Date.parse(mid) + 5 * DAY).toISOString(), month(MONTHS + 1), 10);
    await fill(forever!.id, new Date(Date.parse(mid) + 6 * DAY).toISOString(), month(MONTHS + 1), 1);
    // As retention finds old months: vacuumed (hint bits, visibility map), the WAL since checkpointed.
    await sql`vacuum analyze runs`;
    await sql`vacuum analyze run_events`;
    await sql`checkpoint`;
    const fillS = (performance.now() - t) / 1000;
    const parts = await sql<{ name: string; runs: number; events: number; projects: number }[]>`
      select tableoid::regclass::text as name, count(distinct run_id)::int as runs, count(*)::int as events,
        count(distinct project_id)::int as projects
      from run_events group by 1 order by 1`;
    const whole = parts.filter((p) => p.name < `run_events_p2025_${String(MONTHS + 1).padStart(2, '0')}`);
    const expiring = whole.reduce((a, p) => a + p.events, 0);
    console.log(
      `expire: filled ${parts.reduce((a, p) => a + p.events, 0).toLocaleString('en-US')} events in ${fillS.toFixed(0)} s; load ${load()}`,
    );
    for (const p of parts)
      console.log(
        `  ${p.name}: ${p.runs} runs, ${p.events.toLocaleString('en-US')} events, ${p.projects} projects`,
      );
    if (whole.length !== MONTHS || whole.some((p) => p.runs !== runsPerMonth || p.projects !== 2))
      throw new Error('the fill is not what the bench assumes (see the partitions above)');

    await keepWal(sql);
    const idle = await background(sql);

    // Pass 1: every whole month has expired for both projects (the 90-day cut at the straddling month).
    const now1 = new Date(Date.parse(month(MONTHS)) + 90 * DAY);
    const drop = await measure(sql, () => dropExpiredEventPartitions(conn.db, now1));
    if (drop.out.length !== MONTHS) throw new Error(`dropped ${drop.out.join(', ')}`);
    const rows = await measure(sql, () => purgeExpired(conn.db, { now: now1 }));
    const droppedRuns = rows.out.reduce((a, p) => a + p.runs, 0);
    if (rows.out.some((p) => p.events > 0) || droppedRuns !== runsPerMonth * MONTHS)
      throw new Error(`pass 1 deleted ${JSON.stringify(rows.out)}`);
    // Pass 2, two weeks later: the straddling month's first half goes by batched deletes.
    const now2 = new Date(now1.getTime() + 15 * DAY);
    const del = await measure(sql, () => purgeExpired(conn.db, { now: now2 }));
    const deleted = del.out.reduce((a, p) => a + p.events, 0);
    if (deleted !== deleteRuns * PER_RUN) throw new Error(`pass 2 deleted ${JSON.stringify(del.out)}`);
    const idleAfter = await background(sql);
    const [left] = await sql<{ n: number }[]>`select count(*)::int as n from run_events`;

    const line = (what: string, m: { ms: number; wal: number; server: number; load: string }, n: number) =>
      `  ${what}: ${(m.ms / 1000).toFixed(2)} s, WAL ${mib(m.wal)} (whole server ${mib(m.server)}); per million events ${((m.ms / n / 1000) * 1e6).toFixed(2)} s, ${mib((m.wal / n) * 1e6)}; load ${m.load}`;
    const count = (n: number) => n.toLocaleString('en-US');
    console.log(
      `  WAL written by the whole server while the bench idled 5 s: before ${idle}, after ${idleAfter}`,
    );
    console.log(
      `retention of ${count(expiring)} events in ${MONTHS} whole months (${count(droppedRuns)} runs):`,
    );
    console.log(line(`partition drop (${drop.out.length} partitions)`, drop, expiring));
    console.log(line(`then the pass deleting their ${count(droppedRuns)} runs' rows`, rows, expiring));
    const both = {
      ms: drop.ms + rows.ms,
      wal: drop.wal + rows.wal,
      server: drop.server + rows.server,
      load: rows.load,
    };
    console.log(line('drop + runs, together', both, expiring));
    console.log(
      `batched deletes${deleted < expiring ? ', measured on a subset' : ''}: ${count(deleted)} events of the straddling month (${count(deleteRuns)} runs, deleted with them; ${count(left!.n)} events stay):`,
    );
    console.log(line('batched deletes (1,000 rows a transaction)', del, deleted));
    const [x, y] = [both.ms / expiring, del.ms / deleted];
    const [xw, yw] = [both.wal / expiring, del.wal / deleted];
    console.log(
      `  per event, runs included: delete / drop ${(y / x).toFixed(0)}x time, ${(yw / xw).toFixed(0)}x WAL${deleted < expiring ? `; the delete of all ${count(expiring)}, extrapolated linearly: ${((y * expiring) / 60000).toFixed(0)} min, ${mib(yw * expiring)}` : ''}`,
    );
  } finally {
    await sql.end({ timeout: 5 });
    await conn.close();
    await db.drop();
  }
}
