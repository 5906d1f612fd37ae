'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { auditScope, projectFor } from '@/app/(dashboard)/_lib/project';
import { getDb } from '@/db/client';
import { validatedAction } from '@/app/_lib/actions';
import { createEvaluatorBody, putLlmProviderBody, uuid } from '@/lib/contract';
import { projectRoute } from '@/lib/project-path';
import {
  createEvaluator,
  deleteEvaluator,
  deleteLlmProvider,
  putLlmProvider,
  updateEvaluator,
} from '@/server/evaluators';

const refresh = () => revalidatePath(projectRoute('evaluators'), 'page');

/** Editors and owners manage evaluators and providers (checked on the server, audited). */
async function editor() {
  return auditScope(await projectFor('editor'));
}

/** The form sends the API's body, checked by the same schema as POST /api/v1/evaluators. */
export const addEvaluator = validatedAction(createEvaluatorBody, async (input) => {
  const { projectId, actor } = await editor();
  const created = await createEvaluator(getDb(), projectId, input, actor);
  refresh();
  return { name: created.name };
});

export const setEvaluatorEnabled = validatedAction(
  z.object({ id: uuid, enabled: z.enum(['true', 'false']) }),
  async ({ id, enabled }) => {
    const { projectId, actor } = await editor();
    await updateEvaluator(getDb(), projectId, id, { enabled: enabled === 'true' }, actor);
    refresh();
    return {};
  },
);

export const removeEvaluator = validatedAction(z.object({ id: uuid }), async ({ id }) => {
  const { projectId, actor } = await editor();
  await deleteEvaluator(getDb(), projectId, id, actor);
  refresh();
  return {};
});

const providerForm = z
  .object({
    name: z.string().trim(),
    baseUrl: z.string().trim(),
    apiKey: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.string().optional(),
    ),
  })
  .pipe(putLlmProviderBody);

/** Adds or changes a provider; an empty key field keeps the stored key. */
export const saveLlmProvider = validatedAction(providerForm, async (input) => {
  const { projectId, actor } = await editor();
  const provider = await putLlmProvider(getDb(), projectId, input, actor);
  refresh();
  return { name: provider.name };
});

export const removeLlmProvider = validatedAction(z.object({ name: z.string().min(1) }), async ({ name }) => {
  const { projectId, actor } = await editor();
  await deleteLlmProvider(getDb(), projectId, name, actor);
  refresh();
  return {};
});
