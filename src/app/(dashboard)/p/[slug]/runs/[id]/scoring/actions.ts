'use server';
import { z } from 'zod';
import { auditScope } from '@/app/(dashboard)/_lib/project';
import { getDb } from '@/db/client';
import { validatedAction } from '@/app/_lib/actions';
import { int32, scoreName, uuid } from '@/lib/contract';
import { requireProjectRole, runAccess } from '@/server/access';
import { notFound } from '@/server/errors';
import { deleteScore, insertScores } from '@/server/scores';

/** The run's project with the editor role (viewers cannot score); anything else is not found / forbidden. */
async function editorOfRun(actor: Parameters<typeof runAccess>[1], runId: string) {
  const db = getDb();
  const access = await runAccess(db, actor, runId);
  if (!access) throw notFound('Run');
  return requireProjectRole(db, actor, { id: access.project.id }, 'editor');
}

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
    const editor = await editorOfRun(session.actor, runId);
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
    const editor = await editorOfRun(session.actor, runId);
    await deleteScore(getDb(), editor.project.id, scoreId, auditScope(editor).actor, {
      source: 'annotation',
      authorId: session.actor.id,
    });
    return {};
  },
);
