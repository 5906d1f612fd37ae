import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { webhookDestinations } from '@/db/schema';
import { decryptSecret } from '../evaluators/secrets';
import { AddressRefused, resolvePublic } from './address';
import { deliveryBody } from './message';
import type { DeliveryOptions } from './options';
import { asDate, type DeliveryOutcome, deliveredBatcher, failed, settle } from './outcomes';
import { postJson } from './post';
import { pruneAlertEvents } from './prune';
import { type Claimed, claimDeliveries, fanOut } from './queue';
import { signatureHeaders } from './signing';

export { defaultDeliveryOptions, type DeliveryOptions } from './options';
export { type DeliveryOutcome, deliveredBatcher } from './outcomes';
export { EVENT_KEEP_MS, pruneAlertEvents } from './prune';
export { claimDeliveries, fanOut } from './queue';

/** Sends one leased delivery and records the outcome; never throws. */
export async function sendDelivery(
  db: DbOrTx,
  d: Claimed,
  opts: DeliveryOptions,
  secrets: Map<string, Promise<string>> = new Map(),
  delivered?: ReturnType<typeof deliveredBatcher>,
): Promise<DeliveryOutcome> {
  try {
    if (d.disabled_at) {
      const error = 'The destination is disabled';
      const s = {
        status: 'failed' as const,
        nextAttemptAt: opts.now(),
        statusCode: null,
        durationMs: null,
        error,
      };
      return (await settle(db, d, opts, s)) ? 'failed' : 'lost';
    }
    const url = new URL(d.url);
    let to: Awaited<ReturnType<typeof resolvePublic>>;
    try {
      to = await resolvePublic(url);
    } catch (err) {
      const error = err instanceof AddressRefused ? err.message : `${url.hostname} does not resolve`;
      return await failed(db, d, opts, { statusCode: null, durationMs: null, error });
    }
    const data = typeof d.data === 'string' ? JSON.parse(d.data) : d.data;
    const body = deliveryBody(d.format, {
      type: d.type,
      data,
      createdAt: asDate(d.event_created_at),
      projectSlug: d.slug,
    });
    // Once per destination and pass (a batch is mostly one destination's backlog).
    let secret = secrets.get(d.destination_id);
    if (!secret) {
      secret = decryptSecret(db, d.secret_cipher, d.destination_id);
      secrets.set(d.destination_id, secret);
    }
    const headers = signatureHeaders(await secret, d.event_id, new Date(), body);
    // Signed at the wall clock, not the job's: receivers check the timestamp against theirs.
    const res = await postJson(url, to, headers, body, opts.timeoutMs);
    const result = { statusCode: res.status, durationMs: res.durationMs, error: res.error };
    if (res.status !== null && res.status >= 200 && res.status < 300) {
      const ok = delivered
        ? await delivered.add(d, result)
        : await settle(db, d, opts, { status: 'delivered', nextAttemptAt: opts.now(), ...result });
      if (ok && d.failing_since)
        await db
          .update(webhookDestinations)
          .set({ failingSince: null })
          .where(
            and(
              eq(webhookDestinations.projectId, d.project_id),
              eq(webhookDestinations.id, d.destination_id),
            ),
          );
      return ok ? 'delivered' : 'lost';
    }
    return await failed(db, d, opts, {
      ...result,
      error: result.error ?? (res.status !== null ? `HTTP ${res.status}` : 'No answer'),
    });
  } catch (err) {
    // The database is gone: the lease runs out and another attempt takes the delivery.
    console.error('[runledger] webhook delivery: could not send or record an attempt', err);
    return 'lost';
  }
}

export type DeliveryPass = { dispatched: number; claimed: number; outcomes: Record<DeliveryOutcome, number> };

/** One pass: new events fanned out, then up to `concurrency` due deliveries sent at once. */
export async function runDeliveryPass(db: DbOrTx, opts: DeliveryOptions): Promise<DeliveryPass> {
  const dispatched = await fanOut(db, opts.now());
  const claimed = await claimDeliveries(db, opts.workerId, opts.now(), opts.concurrency, opts.leaseMs);
  const outcomes: Record<DeliveryOutcome, number> = { delivered: 0, retry: 0, failed: 0, lost: 0 };
  const secrets = new Map<string, Promise<string>>();
  const delivered = deliveredBatcher(db, opts);
  for (const o of await Promise.all(claimed.map((d) => sendDelivery(db, d, opts, secrets, delivered))))
    outcomes[o]++;
  return { dispatched, claimed: claimed.length, outcomes };
}
/**
 * Starts the delivery job in this process: a pass every `everyMs`, at once again while passes find a
 * full batch; once an hour it prunes old events first. Unref'd timers; a failed pass is logged and the next one tries again. Returns a stop
 * that resolves once the pass under way has finished.
 */
export function startDeliveryJob(
  db: () => DbOrTx,
  opts: DeliveryOptions & { everyMs: number },
): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  let prunedAt = 0;
  const tick = () => {
    const pass = async () => {
      if (opts.now().getTime() - prunedAt >= 3_600_000) {
        prunedAt = opts.now().getTime();
        await pruneAlertEvents(db(), opts.now());
      }
      return runDeliveryPass(db(), opts);
    };
    running = pass().then(
      (s) => schedule(s.claimed >= opts.concurrency || s.dispatched > 0 ? 0 : opts.everyMs),
      (err) => {
        console.error('[runledger] webhook delivery pass failed', err);
        schedule(opts.everyMs);
      },
    );
  };
  schedule(opts.everyMs);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
