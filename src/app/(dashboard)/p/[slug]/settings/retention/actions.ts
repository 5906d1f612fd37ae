'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { validatedAction } from '@/app/_lib/actions';
import { projectRoute } from '@/lib/project-path';
import { setRetentionAudited } from '@/server/retention/audited';
import { auditScope, projectFor } from '@/app/(dashboard)/_lib/project';

const days = (what: string) =>
  z.coerce
    .number({ error: `${what}: a whole number of days` })
    .int(`${what}: a whole number of days`)
    .min(1, 'At least 1 day')
    .max(36_500, 'At most 36,500 days');

/** The form sends text: an empty "runs" field means keep runs forever. */
const retentionForm = z.object({
  runDays: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? null : v),
    days('Runs').nullable(),
  ),
  usageDays: days('Usage ledger'),
});

/** Retention is the owner's; the change and its audit entry commit together. */
export const saveRetention = validatedAction(retentionForm, async (input) => {
  const owner = await projectFor('owner');
  const retention = await setRetentionAudited(getDb(), auditScope(owner), input);
  revalidatePath(projectRoute('settings', 'retention'), 'page');
  return { retention };
});
