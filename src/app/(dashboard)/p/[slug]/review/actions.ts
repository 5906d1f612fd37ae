'use server';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { createSearchParamsCache } from 'nuqs/server';
import { z } from 'zod';
import { auditScope, projectFor } from '@/app/(dashboard)/_lib/project';
import { validatedAction } from '@/app/_lib/actions';
import { getDb } from '@/db/client';
import { scoreName, uuid } from '@/lib/contract';
import { projectPath, projectRoute } from '@/lib/project-path';
import {
  createAnnotationQueue,
  deleteAnnotationQueue,
  finishAnnotationItem,
  nextAnnotationItem,
  setQueueAssignees,
} from '@/server/annotation';
import { scoreHistoryState } from '../runs/score-history';
import { filtersFromParams, metaFromSearchParams, runsSearchParams } from '../runs/search-params';

const refresh = () => revalidatePath(projectRoute('review'), 'page');

/** Editors review and make queues (checked on the server, audited). */
async function editor() {
  return projectFor('editor');
}

const cache = createSearchParamsCache(runsSearchParams);

/** The `assignee:<user id>` checkboxes of a form, as the list of ticked user ids. */
const tickedAssignees = (raw: Record<string, unknown>) =>
  Object.keys(raw)
    .filter((k) => k.startsWith('assignee:'))
    .map((k) => k.slice('assignee:'.length));

const fewAssignees = (raw: Record<string, unknown>) => tickedAssignees(raw).length <= 50;

const queueForm = z
  .looseObject({
    name: z.string().trim().min(1, 'Give the queue a name').max(100),
    scoreNames: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      )
      .pipe(z.array(scoreName).max(20)),
    filter: z.string().max(4000).default(''),
    max: z.coerce.number().int().min(1).max(1000).default(100),
    sample: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.coerce.number().int().min(1).max(1000).optional(),
    ),
  })
  .refine(fewAssignees, { message: 'At most 50 assignees', path: ['assignees'] })
  .transform(({ name, scoreNames, filter, max, sample, ...rest }) => ({
    name,
    scoreNames,
    filter,
    max,
    sample,
    assignees: tickedAssignees(rest),
  }));

/** Makes a queue from a history filter: the query of a runs page address (`?tag=refund&model=…`). */
export const createQueue = validatedAction(queueForm, async (input) => {
  const access = await editor();
  const raw: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(input.filter.trim().replace(/^[^?]*\?/, '')))
    raw[k] = k in raw ? [raw[k]!].flat().concat(v) : v;
  const { actor, projectId } = auditScope(access);
  const scoring = await scoreHistoryState(getDb(), projectId, raw);
  const filters = {
    ...filtersFromParams(cache.parse(raw), metaFromSearchParams(raw)),
    scores: scoring.conditions,
  };
  const queue = await createAnnotationQueue(
    getDb(),
    projectId,
    {
      name: input.name,
      scoreNames: input.scoreNames,
      assignees: input.assignees,
      runs: { filter: filters, max: input.max, sample: input.sample },
    },
    actor,
  );
  refresh();
  return { id: queue.id, name: queue.name };
});

/** Names who reviews a queue (editors and owners may), audited. */
export const saveAssignees = validatedAction(
  z
    .looseObject({ id: uuid })
    .refine(fewAssignees, { message: 'At most 50 assignees', path: ['assignees'] })
    .transform((o) => ({ id: o.id, assignees: tickedAssignees(o) })),
  async ({ id, assignees }) => {
    const { actor, projectId } = auditScope(await editor());
    await setQueueAssignees(getDb(), projectId, id, assignees, actor);
    refresh();
    revalidatePath(projectRoute('review', '[id]'), 'page');
    return {};
  },
);

export const removeQueue = validatedAction(z.object({ id: uuid }), async ({ id }) => {
  const { actor, projectId } = auditScope(await editor());
  await deleteAnnotationQueue(getDb(), projectId, id, actor);
  refresh();
  return {};
});

/** Leases the reviewer's next run of the queue and opens it (with the queue bar); back to the queue when none is left. */
async function openNext(queueId: string): Promise<never> {
  const access = await editor();
  const { actor, projectId } = auditScope(access);
  const item = await nextAnnotationItem(getDb(), projectId, queueId, actor.id, actor);
  const slug = access.project.slug;
  if (!item) redirect(`${projectPath(slug, 'review', queueId)}?done=1`);
  redirect(`${projectPath(slug, 'runs', item.runId)}?queue=${queueId}&item=${item.id}`);
}

export const reviewNext = validatedAction(z.object({ queueId: uuid }), async ({ queueId }) =>
  openNext(queueId),
);

/** Completes or skips the run under review, then opens the next one. */
export const finishAndNext = validatedAction(
  z.object({ queueId: uuid, itemId: uuid, action: z.enum(['complete', 'skip']) }),
  async ({ queueId, itemId, action }) => {
    const { actor, projectId } = auditScope(await editor());
    await finishAnnotationItem(getDb(), projectId, queueId, itemId, actor.id, action, actor);
    refresh();
    return openNext(queueId);
  },
);
