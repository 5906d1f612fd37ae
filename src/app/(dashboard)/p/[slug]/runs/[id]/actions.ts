'use server';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { validatedAction } from '@/app/_lib/actions';
import { projectPath } from '@/lib/project-path';
import { listEvents } from '@/server/events';
import { baseParts } from '@/features/replay/server';
import { redirect } from 'next/navigation';
import { requireProjectRole, runAccess } from '@/server/access';
import { deleteRunAudited } from '@/server/runs/audited';
import { AppError } from '@/server/errors';
import { auditScope, dashboardContext } from '@/app/(dashboard)/_lib/project';
import { toReplayEvents } from '@/features/replay/server/replay-events';

/** Small enough that decoding and folding one page stays a short task in the browser. */
const EVENTS_PAGE = 1500;

/** The next page of a run's events (seq > afterSeq) for the replay and the inspector. */
export const loadEvents = validatedAction(
  z.object({ runId: z.uuid(), afterSeq: z.number().int().min(-1) }),
  async ({ runId, afterSeq }) => {
    // The run's own project, when it is the user's; anything else is "not found".
    const access = await runAccess(getDb(), (await dashboardContext()).user.actor, runId);
    if (!access) throw new AppError('not_found', 'Run not found');
    const page = await listEvents(getDb(), access.project.id, runId, { afterSeq, limit: EVENTS_PAGE });
    return { events: toReplayEvents(page.data), done: page.nextCursor === null };
  },
);

/** Parts of the `?seq=` page's checkpoint message that the page was not sent (scrolling back to them). */
export const loadBaseParts = validatedAction(
  z
    .object({
      runId: z.uuid(),
      seq: z.number().int().min(0),
      key: z.string().min(1).max(200),
      from: z.number().int().min(0),
      to: z.number().int().min(0),
    })
    .refine((v) => v.to >= v.from, { message: 'to must not be below from', path: ['to'] }),
  async ({ runId, ...at }) => {
    const access = await runAccess(getDb(), (await dashboardContext()).user.actor, runId);
    if (!access) throw new AppError('not_found', 'Run not found');
    return { parts: await baseParts(getDb(), access.project.id, runId, at) };
  },
);

/** Deletes the run with its events, results and reports (editors and owners; audited). */
export const deleteRunAction = validatedAction(z.object({ runId: z.uuid() }), async ({ runId }, session) => {
  const db = getDb();
  const access = await runAccess(db, session.actor, runId);
  if (!access) throw new AppError('not_found', 'Run not found');
  const editor = await requireProjectRole(db, session.actor, { id: access.project.id }, 'editor');
  await deleteRunAudited(db, auditScope(editor), runId);
  redirect(projectPath(access.project.slug, 'runs'));
});
