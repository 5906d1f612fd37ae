/**
 * A server process's background jobs and nothing else (src/server/jobs/start.ts's startJobs, as the
 * server's startup calls it), on the database in argv[2], with short leases and checks from argv[3]
 * (JSON). Prints `ready <holder>` once started and `done <unit>` for each unit of work it finished.
 */
import { connectPostgres } from '@/db/client';
import { processHolder } from '@/server/jobs/leases';
import { startJobs } from '@/server/jobs/start';

const [url, json] = process.argv.slice(2);
const o = JSON.parse(json!) as {
  ttlMs: number;
  checkEveryMs: number;
  retentionEveryMs: number;
  retentionPauseMs: number;
  retentionBatchSize: number;
};
const conn = connectPostgres(url!, 4);
const holder = processHolder();
startJobs(() => conn.db, {
  lease: { holder, ttlMs: o.ttlMs, now: () => new Date() },
  checkEveryMs: o.checkEveryMs,
  firstAfterMs: 0,
  retentionEveryMs: o.retentionEveryMs,
  retentionPauseMs: o.retentionPauseMs,
  retentionBatchSize: o.retentionBatchSize,
  onDone: (name) => console.log(`done ${name}`),
});
console.log(`ready ${holder}`);
// Timers are unref'd (as in the server, where the HTTP server keeps the process alive).
setInterval(() => {}, 60_000);
