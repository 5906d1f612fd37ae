/**
 * A webhook delivery worker in its own process (as a second server would run it): passes of the
 * delivery job against DATABASE_URL until killed, each pass's outcome printed as a JSON line.
 * Usage: node --conditions=react-server --import tsx tests/helpers/webhook-worker.ts <workerId>
 * (RUNLEDGER_WEBHOOK_LEASE_MS: the lease; RUNLEDGER_WEBHOOK_ALLOW_PRIVATE=1 for loopback receivers).
 */
import { connectPostgres } from '@/db/client';
import { defaultDeliveryOptions, runDeliveryPass } from '@/server/webhooks';

const conn = connectPostgres(process.env.DATABASE_URL!, 4);
const opts = {
  ...defaultDeliveryOptions,
  workerId: process.argv[2] ?? `worker-${process.pid}`,
  now: () => new Date(),
  leaseMs: Number(process.env.RUNLEDGER_WEBHOOK_LEASE_MS ?? defaultDeliveryOptions.leaseMs),
};
console.log(JSON.stringify({ ready: opts.workerId }));
for (;;) {
  const pass = await runDeliveryPass(conn.db, opts);
  if (pass.claimed > 0) console.log(JSON.stringify(pass));
  if (pass.claimed < opts.concurrency) await new Promise((r) => setTimeout(r, 50));
}
