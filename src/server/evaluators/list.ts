import 'server-only';
import { and, count, desc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type EvaluationJob, evaluationJobs } from '@/db/schema';
import type { EvaluationDto } from '@/lib/contract';
import type { EvaluationStatus } from '@/lib/enums';

export function toEvaluationDto(j: EvaluationJob): EvaluationDto {
  return {
    id: j.id,
    evaluatorId: j.evaluatorId,
    runId: j.runId,
    resultId: j.resultId,
    status: j.status,
    attempts: j.attempts,
    lastError: j.lastError,
    scoreId: j.scoreId,
    createdAt: j.createdAt.toISOString(),
    updatedAt: j.updatedAt.toISOString(),
  };
}

/** An evaluator's evaluations, most recently changed first. */
export async function listEvaluations(
  db: DbOrTx,
  projectId: string,
  evaluatorId: string,
  opts: { status?: EvaluationStatus; runId?: string; limit: number },
): Promise<EvaluationJob[]> {
  return db
    .select()
    .from(evaluationJobs)
    .where(
      and(
        eq(evaluationJobs.projectId, projectId),
        eq(evaluationJobs.evaluatorId, evaluatorId),
        opts.status ? eq(evaluationJobs.status, opts.status) : undefined,
        opts.runId ? eq(evaluationJobs.runId, opts.runId) : undefined,
      ),
    )
    .orderBy(desc(evaluationJobs.updatedAt), desc(evaluationJobs.id))
    .limit(opts.limit);
}

/** How many of an evaluator's evaluations are in each state. */
export async function evaluationCounts(
  db: DbOrTx,
  projectId: string,
): Promise<{ evaluatorId: string; status: EvaluationStatus; count: number }[]> {
  return db
    .select({ evaluatorId: evaluationJobs.evaluatorId, status: evaluationJobs.status, count: count() })
    .from(evaluationJobs)
    .where(eq(evaluationJobs.projectId, projectId))
    .groupBy(evaluationJobs.evaluatorId, evaluationJobs.status);
}

/** The project's latest evaluations that failed or were skipped, with why. */
export async function recentProblems(db: DbOrTx, projectId: string, limit = 10): Promise<EvaluationJob[]> {
  return db
    .select()
    .from(evaluationJobs)
    .where(
      and(eq(evaluationJobs.projectId, projectId), inArray(evaluationJobs.status, ['failed', 'skipped'])),
    )
    .orderBy(desc(evaluationJobs.updatedAt), desc(evaluationJobs.id))
    .limit(limit);
}
