'use server';
import { z } from 'zod';
import { auditScope, runFor } from '@/app/(dashboard)/_lib/project';
import { getDb } from '@/db/client';
import { validatedAction } from '@/app/_lib/actions';
import { int32, scoreName, uuid } from '@/lib/contract';
import { deleteScore, insertScores } from '@/server/scores';

/** The address's project with the editor role (viewers cannot score), when the run is its run. */
const editorOfRun = (runId: string) => runFor(runId, 'editor');

/** A member scores the run or one step of it; their earlier score of the same target and name is replaced. */
export const scoreRunAction = validatedAction(
  z.strictObject({
    runId: uuid,
    seq: int32.nullable(),
    name: scoreName,
    value: z.union([z.number().refine(Number.isFinite), z.boolean()]).optional(),
    label: z.string().min(1).max(100).optional(),
    comment: z.string().max(2000).optional(),
  }),
  async ({ runId, seq, comment, ...score }, session) => {
    const editor = await editorOfRun(runId);
    const author = { source: 'annotation', authorId: session.actor.id } as const;
    const input = { runId, ...(seq === null ? {} : { seq }), ...score, ...(comment ? { comment } : {}) };
    await insertScores(getDb(), editor.project.id, author, [input], auditScope(editor).actor);
    return {};
  },
);

/** A member removes a score they wrote. */
export const deleteOwnScoreAction = validatedAction(
  z.strictObject({ runId: uuid, scoreId: uuid }),
  async ({ runId, scoreId }, session) => {
    const editor = await editorOfRun(runId);
    await deleteScore(getDb(), editor.project.id, scoreId, auditScope(editor).actor, {
      source: 'annotation',
      authorId: session.actor.id,
    });
    return {};
  },
);
