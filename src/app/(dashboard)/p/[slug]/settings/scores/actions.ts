'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { auditScope, projectFor } from '@/app/(dashboard)/_lib/project';
import { getDb } from '@/db/client';
import { validatedAction } from '@/app/_lib/actions';
import { putScoreConfigBody, scoreName } from '@/lib/contract';
import { projectRoute } from '@/lib/project-path';
import { deleteScoreConfig, putScoreConfig, putScoreSettings } from '@/server/scores';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalNumber = z.preprocess(blankToUndefined, z.coerce.number({ error: 'A number' }).optional());

/** The form's text fields turned into the API's body, then checked by the same schema as the API. */
const configForm = z
  .object({
    name: z.string().trim(),
    type: z.string(),
    min: optionalNumber,
    max: optionalNumber,
    categories: z.preprocess(
      (v) =>
        typeof v === 'string' && v.trim() !== ''
          ? v
              .split(',')
              .map((c) => c.trim())
              .filter(Boolean)
          : undefined,
      z.array(z.string()).optional(),
    ),
    description: z.preprocess(blankToUndefined, z.string().optional()),
  })
  .pipe(putScoreConfigBody);

const refresh = () => revalidatePath(projectRoute('settings', 'scores'), 'page');

/** Editors add or replace a config (by name); audited. */
export const saveScoreConfig = validatedAction(configForm, async (input) => {
  const editor = await projectFor('editor');
  const config = await putScoreConfig(getDb(), editor.project.id, input, auditScope(editor).actor);
  refresh();
  return { name: config.name };
});

export const removeScoreConfig = validatedAction(z.object({ name: scoreName }), async ({ name }) => {
  const editor = await projectFor('editor');
  await deleteScoreConfig(getDb(), editor.project.id, name, auditScope(editor).actor);
  refresh();
  return {};
});

/** Whether scores need a config, and which score names the run history shows as columns. */
export const saveScoreSettings = validatedAction(
  z.object({
    requireConfig: z.preprocess((v) => v === 'on' || v === true, z.boolean()),
    historyColumns: z.preprocess(
      (v) =>
        typeof v === 'string'
          ? v
              .split(',')
              .map((c) => c.trim())
              .filter(Boolean)
          : v,
      z.array(scoreName).max(10, 'At most 10 columns'),
    ),
  }),
  async (input) => {
    const editor = await projectFor('editor');
    await putScoreSettings(getDb(), editor.project.id, input, auditScope(editor).actor);
    refresh();
    revalidatePath(projectRoute('runs'), 'page');
    return {};
  },
);
