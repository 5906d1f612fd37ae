'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { validatedAction } from '@/app/_lib/actions';
import { BOUNDS } from '@/lib/contract/bounds';
import { projectRoute } from '@/lib/project-path';
import { quotaMode, quotaWindow } from '@/lib/contract/usage';
import { AppError } from '@/server/errors';
import { changeQuotaAudited, createQuotaAudited, removeQuotaAudited } from '@/server/usage/quotas-audited';
import { listQuotas } from '@/server/usage';
import { auditScope, projectFor } from '@/app/(dashboard)/_lib/project';

/** The project chosen in the dashboard, where the user must be an editor (checked on the server). */
async function editorScope() {
  return auditScope(await projectFor('editor'));
}

// Form fields arrive as strings: a limit is digits only, so '', '-5', '1.5' and '1e3' are refused
// with a message instead of being coerced into a number.
const limitField = z
  .string({ error: 'Enter a limit' })
  .trim()
  .min(1, 'Enter a limit')
  .regex(/^\d+$/, 'Enter a whole number of 0 or more')
  .transform(Number)
  .pipe(z.number().max(BOUNDS.quotaLimit, 'That limit is too large'));

const modeField = z.enum(quotaMode.options, { error: 'Choose hard or soft' });

const createQuotaSchema = z.object({
  subject: z
    .string()
    .trim()
    .min(1, 'Enter a subject, or * for every subject')
    .max(200, 'At most 200 characters'),
  metric: z.string().trim().min(1, 'Enter a metric, e.g. tokens').max(100, 'At most 100 characters'),
  window: z.enum(quotaWindow.options, { error: 'Choose minute, hour, day or month' }),
  limit: limitField,
  mode: modeField.default('hard'),
});

export const createQuota = validatedAction(createQuotaSchema, async (input) => {
  const db = getDb();
  const scope = await editorScope();
  const existing = (await listQuotas(db, scope.projectId)).find(
    (q) => q.subject === input.subject && q.metric === input.metric && q.window === input.window,
  );
  if (existing) {
    throw new AppError(
      'conflict',
      `A ${input.window} quota on ${input.metric} for ${input.subject} already exists: change it in the list`,
    );
  }
  const quota = await createQuotaAudited(db, scope, input);
  revalidatePath(projectRoute('usage'), 'page');
  return { quotaId: quota.id };
});

export const changeQuota = validatedAction(
  z.object({ id: z.uuid('Unknown quota'), limit: limitField, mode: modeField }),
  async ({ id, limit, mode }) => {
    const db = getDb();
    // The id comes from the browser: it must name a quota of the current project (else not found).
    const quota = await changeQuotaAudited(db, await editorScope(), id, { limit, mode });
    revalidatePath(projectRoute('usage'), 'page');
    return { quotaId: quota.id, limit: quota.limit, mode: quota.mode };
  },
);

export const removeQuota = validatedAction(z.object({ id: z.uuid('Unknown quota') }), async ({ id }) => {
  const db = getDb();
  await removeQuotaAudited(db, await editorScope(), id);
  revalidatePath(projectRoute('usage'), 'page');
  return {};
});
