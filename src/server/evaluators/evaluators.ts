import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type Evaluator, evaluators, llmProviders } from '@/db/schema';
import { PG_UNIQUE_VIOLATION, pgErrorCode } from '@/db/sql';
import type {
  CreateEvaluatorInput,
  EvaluatorConfig,
  EvaluatorDto,
  UpdateEvaluatorInput,
} from '@/lib/contract';
import { type AuditActor, writeAudit } from '../audit/audit';
import { AppError, notFound } from '../errors';

export function toEvaluatorDto(e: Evaluator): EvaluatorDto {
  return {
    id: e.id,
    name: e.name,
    config: e.config,
    online: e.online,
    filter: e.filter,
    sampleRate: e.sampleRate,
    dailyBudget: e.dailyBudget,
    enabled: e.enabled,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

export async function listEvaluators(db: DbOrTx, projectId: string): Promise<Evaluator[]> {
  return db
    .select()
    .from(evaluators)
    .where(eq(evaluators.projectId, projectId))
    .orderBy(asc(evaluators.name));
}

export async function getEvaluator(db: DbOrTx, projectId: string, id: string): Promise<Evaluator> {
  const [row] = await db
    .select()
    .from(evaluators)
    .where(and(eq(evaluators.id, id), eq(evaluators.projectId, projectId)));
  if (!row) throw notFound('Evaluator');
  return row;
}

/** A judge must name a provider of the same project. */
async function checkProvider(db: DbOrTx, projectId: string, config: EvaluatorConfig): Promise<void> {
  if (config.type !== 'llm_judge') return;
  const [row] = await db
    .select({ id: llmProviders.id })
    .from(llmProviders)
    .where(and(eq(llmProviders.id, config.providerId), eq(llmProviders.projectId, projectId)));
  if (!row)
    throw new AppError('bad_request', 'The judge names no LLM provider of this project', [
      {
        path: ['config', 'providerId'],
        code: 'not_found',
        message: 'No LLM provider of this project has this id',
      },
    ]);
}

function nameTaken(err: unknown, name: string): never {
  if (pgErrorCode(err) === PG_UNIQUE_VIOLATION)
    throw new AppError('conflict', `An evaluator named "${name}" already exists`);
  throw err;
}

export async function createEvaluator(
  db: DbOrTx,
  projectId: string,
  input: CreateEvaluatorInput,
  actor: AuditActor,
): Promise<Evaluator> {
  await checkProvider(db, projectId, input.config);
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(evaluators)
        .values({ projectId, ...input })
        .returning();
      await writeAudit(tx, {
        projectId,
        actor,
        action: 'evaluator.created',
        target: row!.id,
        after: toEvaluatorDto(row!),
      });
      return row!;
    });
  } catch (err) {
    nameTaken(err, input.name);
  }
}

export async function updateEvaluator(
  db: DbOrTx,
  projectId: string,
  id: string,
  input: UpdateEvaluatorInput,
  actor: AuditActor,
): Promise<Evaluator> {
  if (input.config) await checkProvider(db, projectId, input.config);
  const patch = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  try {
    return await db.transaction(async (tx) => {
      const before = await getEvaluator(tx, projectId, id);
      const [row] = await tx
        .update(evaluators)
        .set(patch)
        .where(and(eq(evaluators.projectId, projectId), eq(evaluators.id, id)))
        .returning();
      await writeAudit(tx, {
        projectId,
        actor,
        action: 'evaluator.updated',
        target: id,
        before: toEvaluatorDto(before),
        after: toEvaluatorDto(row!),
      });
      return row!;
    });
  } catch (err) {
    nameTaken(err, input.name ?? '');
  }
}

/** Deletes the evaluator and its queued evaluations; the scores it wrote stay. */
export async function deleteEvaluator(
  db: DbOrTx,
  projectId: string,
  id: string,
  actor: AuditActor,
): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await getEvaluator(tx, projectId, id);
    await tx.delete(evaluators).where(and(eq(evaluators.projectId, projectId), eq(evaluators.id, id)));
    await writeAudit(tx, {
      projectId,
      actor,
      action: 'evaluator.deleted',
      target: id,
      before: toEvaluatorDto(before),
    });
  });
}
