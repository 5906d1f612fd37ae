'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { auditScope, projectFor } from '@/app/(dashboard)/_lib/project';
import { validatedAction } from '@/app/_lib/actions';
import { getDb } from '@/db/client';
import { createMonitorBody, previewMonitorBody } from '@/lib/contract';
import { projectRoute } from '@/lib/project-path';
import { checkQuota, createMonitor, deleteMonitor, previewMonitor, updateMonitor } from '@/server/monitors';

const page = () => revalidatePath(projectRoute('monitors'), 'page');

/** Creates the monitor, or replaces the definition of `id`. */
export const saveMonitor = validatedAction(
  z.object({ id: z.uuid().optional(), monitor: createMonitorBody }),
  async ({ id, monitor }) => {
    const { actor, projectId } = auditScope(await projectFor('editor'));
    const saved = id
      ? await updateMonitor(getDb(), projectId, id, monitor, actor)
      : await createMonitor(getDb(), projectId, monitor, actor);
    page();
    return { id: saved.monitor.id };
  },
);

export const removeMonitor = validatedAction(z.object({ id: z.uuid() }), async ({ id }) => {
  const { actor, projectId } = auditScope(await projectFor('editor'));
  await deleteMonitor(getDb(), projectId, id, actor);
  page();
  return {};
});

/** The live preview of the form: the metric's last 24 h under the definition being edited. */
export const previewAction = validatedAction(previewMonitorBody, async (input) => {
  const { project } = await projectFor('viewer');
  await checkQuota(getDb(), project.id, input.metric === 'quota_use' ? input.quotaId : null);
  const { rangeHours, points, ...m } = input;
  return previewMonitor(
    getDb(),
    { ...m, projectId: project.id, scoreName: m.scoreName ?? null, quotaId: m.quotaId ?? null },
    { now: new Date(), rangeHours, points },
  );
});
