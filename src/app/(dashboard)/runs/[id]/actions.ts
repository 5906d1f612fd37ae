'use server';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { validatedAction } from '@/lib/actions';
import { listEvents } from '@/server/events';
import { currentProjectId } from '../../_lib/project';
import { toReplayEvents } from './replay-events';

const EVENTS_PAGE = 2500;

/** The next page of a run's events (seq > afterSeq) for the replay and the inspector. */
export const loadEvents = validatedAction(
  z.object({ runId: z.uuid(), afterSeq: z.number().int().min(-1) }),
  async ({ runId, afterSeq }) => {
    const page = await listEvents(getDb(), await currentProjectId(), runId, { afterSeq, limit: EVENTS_PAGE });
    return { events: toReplayEvents(page.data), done: page.nextCursor === null };
  },
);
