'use server';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { validatedAction } from '@/app/_lib/actions';
import { projectPath } from '@/lib/project-path';
import { listEvents } from '@/server/events';
import { baseParts } from '@/features/replay/server';
import { redirect } from 'next/navigation';
import { deleteRunAudited } from '@/server/runs/audited';
import { auditScope, runFor } from '@/app/(dashboard)/_lib/project';
import { toReplayEvents } from '@/features/replay/server/replay-events';

/** Small enough that decoding and folding one page stays a short task in the browser. */
const EVENTS_PAGE = 1500;

/** The next page of a run's events (seq > afterSeq) for the replay and the inspector. */
export const loadEvents = validatedAction(
  z.object({ runId: z.uuid(), afterSeq: z.number().int().min(-1) }),
  async ({ runId, afterSeq }) => {
    // A run of the address's project, when it is the user's; anything else is "not found".
    const access = await runFor(runId);
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
    const access = await runFor(runId);
    return { parts: await baseParts(getDb(), access.project.id, runId, at) };
  },
);

/** Deletes the run with its events, results and reports (editors and owners; audited). */
export const deleteRunAction = validatedAction(z.object({ runId: z.uuid() }), async ({ runId }) => {
  const editor = await runFor(runId, 'editor');
  await deleteRunAudited(getDb(), auditScope(editor), runId);
  redirect(projectPath(editor.project.slug, 'runs'));
});
