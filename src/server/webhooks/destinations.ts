import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { alertDeliveries, alertEvents, type WebhookDestination, webhookDestinations } from '@/db/schema';
import type { CreateDestinationInput, DeliveryDto, DestinationDto } from '@/lib/contract';
import type { DeliveryStatus } from '@/lib/enums';
import { iso } from '@/lib/time';
import { enqueueAlertEvent } from '../alerts/outbox';
import { type AuditActor, audited } from '../audit/audit';
import { AppError, notFound } from '../errors';
import { encryptSecret } from '../evaluators/secrets';
import { AddressRefused, resolvePublic } from './address';
import { newWebhookSecret } from './signing';

export function toDestinationDto(d: WebhookDestination): DestinationDto {
  return {
    id: d.id,
    name: d.name,
    url: d.url,
    format: d.format,
    failingSince: iso(d.failingSince),
    disabledAt: iso(d.disabledAt),
    createdAt: d.createdAt.toISOString(),
  };
}

export async function listDestinations(db: DbOrTx, projectId: string): Promise<WebhookDestination[]> {
  return db
    .select()
    .from(webhookDestinations)
    .where(eq(webhookDestinations.projectId, projectId))
    .orderBy(asc(webhookDestinations.createdAt));
}

export async function getDestination(db: DbOrTx, projectId: string, id: string): Promise<WebhookDestination> {
  const [row] = await db
    .select()
    .from(webhookDestinations)
    .where(and(eq(webhookDestinations.id, id), eq(webhookDestinations.projectId, projectId)));
  if (!row) throw notFound('Destination');
  return row;
}

/** 400 unless the URL's host resolves, and only to public addresses (see resolvePublic). */
export async function checkDestinationUrl(url: string): Promise<void> {
  try {
    await resolvePublic(new URL(url));
  } catch (err) {
    const reason = err instanceof AddressRefused ? err.message : `${new URL(url).hostname} does not resolve`;
    throw new AppError('bad_request', `The destination cannot be used: ${reason}`, { url: [reason] });
  }
}

/**
 * Adds a destination with a new signing secret (encrypted at rest), audited. Returns the secret: the
 * only time it is shown.
 */
export async function createDestination(
  db: DbOrTx,
  projectId: string,
  input: CreateDestinationInput,
  actor: AuditActor,
): Promise<{ destination: WebhookDestination; secret: string }> {
  await checkDestinationUrl(input.url);
  const secret = newWebhookSecret();
  const id = randomUUID();
  const destination = await audited(db, { actor, projectId }, 'destination.created', async (tx) => {
    const [row] = await tx
      .insert(webhookDestinations)
      .values({
        id,
        projectId,
        name: input.name ?? new URL(input.url).host,
        url: input.url,
        format: input.format,
        secretCipher: await encryptSecret(tx, secret, id),
      })
      .returning();
    return { value: row!, target: id, after: toDestinationDto(row!) };
  });
  return { destination, secret };
}

export async function deleteDestination(
  db: DbOrTx,
  projectId: string,
  id: string,
  actor: AuditActor,
): Promise<void> {
  await audited(db, { actor, projectId }, 'destination.deleted', async (tx) => {
    const [row] = await tx
      .delete(webhookDestinations)
      .where(and(eq(webhookDestinations.id, id), eq(webhookDestinations.projectId, projectId)))
      .returning();
    if (!row) throw notFound('Destination');
    return { value: undefined, target: id, before: toDestinationDto(row) };
  });
}

type DeliveryRow = typeof alertDeliveries.$inferSelect & { eventType: DeliveryDto['eventType'] };

export function toDeliveryDto(d: DeliveryRow): DeliveryDto {
  const waiting = d.status === 'pending' || d.status === 'sending';
  return {
    id: d.id,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: waiting ? iso(d.nextAttemptAt) : null,
    lastAttemptAt: iso(d.lastAttemptAt),
    responseStatus: d.lastStatusCode,
    responseMs: d.lastDurationMs,
    error: d.lastError,
    deliveredAt: iso(d.deliveredAt),
    createdAt: d.createdAt.toISOString(),
  };
}

/** A destination's deliveries, latest first (404 for another project's destination). */
export async function listDeliveries(
  db: DbOrTx,
  projectId: string,
  destinationId: string,
  opts: { status?: DeliveryStatus; limit: number },
): Promise<DeliveryRow[]> {
  await getDestination(db, projectId, destinationId);
  const rows = await db
    .select({ d: alertDeliveries, eventType: alertEvents.type })
    .from(alertDeliveries)
    .innerJoin(alertEvents, eq(alertEvents.id, alertDeliveries.eventId))
    .where(
      and(
        eq(alertDeliveries.destinationId, destinationId),
        eq(alertDeliveries.projectId, projectId),
        opts.status ? eq(alertDeliveries.status, opts.status) : undefined,
      ),
    )
    .orderBy(desc(alertDeliveries.createdAt), desc(alertDeliveries.id))
    .limit(opts.limit);
  return rows.map((r) => ({ ...r.d, eventType: r.eventType }));
}

/**
 * A `test` event for one destination: written to the outbox already dispatched, with its one
 * delivery, so only this destination receives it. Audited.
 */
export async function sendTestEvent(
  db: DbOrTx,
  projectId: string,
  destinationId: string,
  actor: AuditActor,
  now = new Date(),
): Promise<string> {
  return audited(db, { actor, projectId }, 'destination.tested', async (tx) => {
    const destination = await getDestination(tx, projectId, destinationId);
    const eventId = await enqueueAlertEvent(tx, {
      projectId,
      type: 'test',
      data: { message: 'A test event from runledger', destinationId, destinationName: destination.name },
      now,
    });
    await tx
      .update(alertEvents)
      .set({ dispatchedAt: now })
      .where(and(eq(alertEvents.projectId, projectId), eq(alertEvents.id, eventId!)));
    await tx.insert(alertDeliveries).values({
      projectId,
      eventId: eventId!,
      destinationId,
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
    });
    return { value: eventId!, target: destinationId, after: { eventId } };
  });
}

/**
 * Queues a delivery again at once with fresh attempts (same event, so the same `webhook-id`),
 * whatever its state; a disabled destination is enabled again. Audited.
 */
export async function redeliver(
  db: DbOrTx,
  projectId: string,
  deliveryId: number,
  actor: AuditActor,
  now = new Date(),
): Promise<DeliveryRow> {
  return audited(db, { actor, projectId }, 'delivery.redelivered', async (tx) => {
    const [row] = await tx
      .update(alertDeliveries)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: now, leasedBy: null, updatedAt: now })
      .where(and(eq(alertDeliveries.id, deliveryId), eq(alertDeliveries.projectId, projectId)))
      .returning();
    if (!row) throw notFound('Delivery');
    await tx
      .update(webhookDestinations)
      .set({ disabledAt: null, failingSince: null, updatedAt: now })
      .where(
        and(eq(webhookDestinations.projectId, projectId), eq(webhookDestinations.id, row.destinationId)),
      );
    const [event] = await tx
      .select({ type: alertEvents.type })
      .from(alertEvents)
      .where(and(eq(alertEvents.projectId, projectId), eq(alertEvents.id, row.eventId)));
    return {
      value: { ...row, eventType: event!.type },
      target: String(deliveryId),
      after: { eventId: row.eventId, destinationId: row.destinationId },
    };
  });
}
