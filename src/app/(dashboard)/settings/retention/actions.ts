'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { validatedAction } from '@/lib/actions';
import { AppError } from '@/server/errors';
import { putRetention } from '@/server/retention';
import { dashboardContext } from '../../_lib/project';

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

export const saveRetention = validatedAction(retentionForm, async (input) => {
  const { project } = await dashboardContext();
  if (!project) throw new AppError('not_found', 'No project selected');
  const retention = await putRetention(getDb(), project.id, input);
  revalidatePath('/settings/retention');
  return { retention };
});
