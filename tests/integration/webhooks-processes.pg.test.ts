import { type ChildProcess, spawn } from 'node:child_process';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DbConnection } from '@/db/client';
import { alertDeliveries } from '@/db/schema';
import { env } from '@/lib/env';
import { enqueueAlertEvent } from '@/server/alerts/outbox';
import { createDestination } from '@/server/webhooks';
import { freshPostgresDatabase } from '../helpers/db';
import { makeProject } from '../helpers/fixtures';
import { startReceiver } from '../helpers/webhook-receiver';

// Separate processes are the point here: a worker killed with SIGKILL mid-delivery, and two workers
// sharing one database. Each process runs the delivery job alone, not a whole Next.js server: the job
// is what claims and sends (the server only starts it at boot), so this needs no build and no
// server start, and proves the same lease.
Object.assign(env(), { RUNLEDGER_WEBHOOK_ALLOW_PRIVATE: true });

const LEASE_MS = 1_500;
let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
let conn: DbConnection;
const children: ChildProcess[] = [];

function startWorker(id: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=react-server', '--import', 'tsx', 'tests/helpers/webhook-worker.ts', id],
    {
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        RUNLEDGER_WEBHOOK_ALLOW_PRIVATE: '1',
        RUNLEDGER_WEBHOOK_LEASE_MS: String(LEASE_MS),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      if (b.toString().includes('"ready"')) resolve(child);
    });
    child.on('exit', (code, signal) => reject(new Error(`worker ${id} exited (${code ?? signal})`)));
  });
}

async function until(check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  database = await freshPostgresDatabase();
  conn = database.connect(4);
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await conn?.close();
  await database?.drop();
});

it('a worker killed mid-delivery: another delivers after the lease; two workers send each attempt once', async () => {
  const receiver = await startReceiver();
  const project = await makeProject(conn.db, 'procs');
  const { destination, secret } = await createDestination(
    conn.db,
    project.id,
    { url: receiver.url, format: 'standard' },
    null,
  );
  const forDestination = () =>
    conn.db.select().from(alertDeliveries).where(eq(alertDeliveries.destinationId, destination.id));

  // Three workers; the one that takes the event dies (SIGKILL) while the receiver has not answered.
  receiver.hold = true;
  const workers = new Map(
    await Promise.all(['a', 'b', 'c'].map(async (id) => [id, await startWorker(id)] as const)),
  );
  const first = await enqueueAlertEvent(conn.db, { projectId: project.id, type: 'test', data: { n: 0 } });
  await receiver.waitFor(1);
  const [leased] = await forDestination();
  expect(leased).toMatchObject({ status: 'sending', attempts: 1 });
  workers.get(leased!.leasedBy!)!.kill('SIGKILL');
  receiver.hold = false;

  // Once its lease runs out, another worker sends it again, with the same webhook-id.
  await until(async () => (await forDestination())[0]!.status === 'delivered');
  const [redone] = await forDestination();
  expect(redone).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 200 });
  expect(receiver.received.map((r) => r.id)).toEqual([first, first]);

  // 60 events with the two left polling: every one delivered, and each attempt sent by one worker
  // only: the receiver saw an event exactly as many times as its delivery counts attempts. (An attempt
  // whose lease ran out under load is taken again by design, as a new attempt: at least once.)
  const ids: string[] = [];
  for (let n = 1; n <= 60; n++)
    ids.push((await enqueueAlertEvent(conn.db, { projectId: project.id, type: 'test', data: { n } }))!);
  await until(async () => (await forDestination()).length === 61);
  await until(async () => (await forDestination()).every((d) => d.status === 'delivered'), 60_000);
  // An attempt taken over after its lease ran out may still be on its way from the slower worker.
  const attemptsMade = async () => (await forDestination()).reduce((n, d) => n + d.attempts, 0);
  await until(async () => receiver.received.length === (await attemptsMade()));
  const rows = await forDestination();
  const seen = new Map<string, number>();
  for (const r of receiver.received) seen.set(r.id, (seen.get(r.id) ?? 0) + 1);
  expect(rows.filter((d) => seen.get(d.eventId) !== d.attempts)).toEqual([]);
  expect([...new Set(receiver.received.slice(2).map((r) => r.id))].sort()).toEqual([...ids].sort());
  expect(receiver.verified(secret)).toHaveLength(receiver.received.length);
  await receiver.stop();
});
