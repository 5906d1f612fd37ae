'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { auditScope, projectFor } from '@/app/(dashboard)/_lib/project';
import { validatedAction } from '@/app/_lib/actions';
import { getDb } from '@/db/client';
import { createDestinationBody } from '@/lib/contract';
import { projectRoute } from '@/lib/project-path';
import { createDestination, deleteDestination, redeliver, sendTestEvent } from '@/server/webhooks';

const page = () => revalidatePath(projectRoute('settings', 'destinations'), 'page');

export const addDestination = validatedAction(
  z.object({
    url: createDestinationBody.shape.url,
    format: createDestinationBody.shape.format,
    name: z
      .string()
      .trim()
      .max(100, 'At most 100 characters')
      .optional()
      .transform((v) => v || undefined),
  }),
  async (input) => {
    const { actor, projectId } = auditScope(await projectFor('editor'));
    const { destination, secret } = await createDestination(getDb(), projectId, input, actor);
    page();
    // The secret is answered once, to this response only; the database keeps it encrypted.
    return { secret, name: destination.name };
  },
);

export const removeDestination = validatedAction(z.object({ id: z.uuid() }), async ({ id }) => {
  const { actor, projectId } = auditScope(await projectFor('editor'));
  await deleteDestination(getDb(), projectId, id, actor);
  page();
  return {};
});

export const testDestination = validatedAction(z.object({ id: z.uuid() }), async ({ id }) => {
  const { actor, projectId } = auditScope(await projectFor('editor'));
  await sendTestEvent(getDb(), projectId, id, actor);
  page();
  return {};
});

export const redeliverDelivery = validatedAction(
  z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }),
  async ({ id }) => {
    const { actor, projectId } = auditScope(await projectFor('editor'));
    await redeliver(getDb(), projectId, id, actor);
    page();
    return {};
  },
);
