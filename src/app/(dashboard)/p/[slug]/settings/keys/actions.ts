'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { validatedAction } from '@/app/_lib/actions';
import { projectRoute } from '@/lib/project-path';
import { createKeyAudited, revokeKeyAudited } from '@/server/api-keys/audited';
import { auditScope, projectFor } from '@/app/(dashboard)/_lib/project';

export const createKey = validatedAction(
  z.object({ name: z.string().trim().min(1, 'Give the key a name').max(100, 'At most 100 characters') }),
  async ({ name }) => {
    const { key, apiKey } = await createKeyAudited(getDb(), auditScope(await projectFor('editor')), name);
    revalidatePath(projectRoute('settings', 'keys'), 'page');
    // The plain key is answered once, to this response only; the database keeps its hash.
    return { key, name: apiKey.name };
  },
);

export const revokeKey = validatedAction(z.object({ keyId: z.uuid() }), async ({ keyId }) => {
  // Scoped to the current project: a key id of another project is "not found".
  await revokeKeyAudited(getDb(), auditScope(await projectFor('editor')), keyId);
  revalidatePath(projectRoute('settings', 'keys'), 'page');
  return {};
});
