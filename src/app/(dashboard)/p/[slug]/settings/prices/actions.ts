'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { validatedAction } from '@/app/_lib/actions';
import { BOUNDS } from '@/lib/contract/bounds';
import { projectRoute } from '@/lib/project-path';
import { removePriceAudited, savePriceAudited, seedPricesAudited } from '@/server/prices/audited';
import { createRecomputeJob, startRecomputeInBackground } from '@/server/prices';
import { auditScope, projectFor } from '@/app/(dashboard)/_lib/project';

/** Prices are edited by editors and owners (checked on the server, audited); viewers only read them. */
async function editorScope() {
  return auditScope(await projectFor('editor'));
}

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'A date (YYYY-MM-DD)')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'Not a real date');
const usd = z
  .string()
  .trim()
  .min(1, 'Enter a price')
  .regex(/^\d+(\.\d+)?$/, 'A price of 0 or more, e.g. 2.5')
  .transform(Number)
  .pipe(z.number().max(BOUNDS.pricePerMillion, 'That price is too large'));
const optionalUsd = z
  .string()
  .trim()
  .transform((v) => (v === '' ? null : v))
  .pipe(usd.nullable());

const priceSchema = z.object({
  model: z.string().trim().min(1, 'Enter a model name').max(200, 'At most 200 characters'),
  inputPerMillion: usd,
  outputPerMillion: usd,
  cachedInputPerMillion: optionalUsd.default(null),
  effectiveFrom: day,
  /** 'on': recompute the priced runs from effectiveFrom until today in the background. */
  recompute: z.enum(['on']).optional(),
});

export const savePrice = validatedAction(priceSchema, async ({ recompute, ...input }) => {
  const db = getDb();
  const scope = await editorScope();
  const { projectId } = scope;
  const price = await savePriceAudited(db, scope, input);
  let jobId: string | null = null;
  if (recompute) {
    const job = await createRecomputeJob(db, projectId, {
      model: price.model,
      from: price.effectiveFrom,
      to: new Date().toISOString().slice(0, 10),
    });
    startRecomputeInBackground(db, projectId, job.id);
    jobId = job.id;
  }
  revalidatePath(projectRoute('settings', 'prices'), 'page');
  return { model: price.model, jobId };
});

export const removePrice = validatedAction(z.object({ priceId: z.uuid() }), async ({ priceId }) => {
  await removePriceAudited(getDb(), await editorScope(), priceId);
  revalidatePath(projectRoute('settings', 'prices'), 'page');
  return {};
});

export const seedPrices = validatedAction(z.object({}), async () => {
  const added = await seedPricesAudited(getDb(), await editorScope());
  revalidatePath(projectRoute('settings', 'prices'), 'page');
  return { added };
});
