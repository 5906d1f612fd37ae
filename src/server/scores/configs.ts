import 'server-only';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type ScoreConfig, type ScoreSettings, scoreConfigs, scoreSettings } from '@/db/schema';
import type { PutScoreConfigInput } from '@/lib/contract';
import { type AuditActor, writeAudit } from '../audit/audit';
import { notFound } from '../errors';

export async function listScoreConfigs(db: DbOrTx, projectId: string): Promise<ScoreConfig[]> {
  return db
    .select()
    .from(scoreConfigs)
    .where(eq(scoreConfigs.projectId, projectId))
    .orderBy(asc(scoreConfigs.name));
}

/** The configs of these names, by name. */
export async function scoreConfigsByName(
  db: DbOrTx,
  projectId: string,
  names: string[],
): Promise<Map<string, ScoreConfig>> {
  if (names.length === 0) return new Map();
  const rows = await db
    .select()
    .from(scoreConfigs)
    .where(and(eq(scoreConfigs.projectId, projectId), inArray(scoreConfigs.name, names)));
  return new Map(rows.map((c) => [c.name, c]));
}

/** Creates or replaces the config of a name; audited with what it replaced. */
export async function putScoreConfig(
  db: DbOrTx,
  projectId: string,
  input: PutScoreConfigInput,
  actor: AuditActor,
): Promise<ScoreConfig> {
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(scoreConfigs)
      .where(and(eq(scoreConfigs.projectId, projectId), eq(scoreConfigs.name, input.name)))
      .for('update');
    const fields = {
      dataType: input.type,
      min: input.min ?? null,
      max: input.max ?? null,
      categories: input.categories ?? null,
      description: input.description ?? null,
    };
    const [config] = await tx
      .insert(scoreConfigs)
      .values({ projectId, name: input.name, ...fields })
      .onConflictDoUpdate({
        target: [scoreConfigs.projectId, scoreConfigs.name],
        set: fields,
      })
      .returning();
    await writeAudit(tx, {
      projectId,
      actor,
      action: 'score_config.saved',
      target: input.name,
      before: before ? configFields(before) : null,
      after: configFields(config!),
    });
    return config!;
  });
}

const configFields = (c: ScoreConfig) => ({
  type: c.dataType,
  min: c.min,
  max: c.max,
  categories: c.categories,
  description: c.description,
});

/** Removes the config of a name; the scores of that name stay. */
export async function deleteScoreConfig(
  db: DbOrTx,
  projectId: string,
  name: string,
  actor: AuditActor,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [gone] = await tx
      .delete(scoreConfigs)
      .where(and(eq(scoreConfigs.projectId, projectId), eq(scoreConfigs.name, name)))
      .returning();
    if (!gone) throw notFound('Score config');
    await writeAudit(tx, {
      projectId,
      actor,
      action: 'score_config.deleted',
      target: name,
      before: configFields(gone),
    });
  });
}

export type ScoreSettingsValue = Pick<ScoreSettings, 'requireConfig' | 'historyColumns'>;
const defaults: ScoreSettingsValue = { requireConfig: false, historyColumns: [] };

export async function getScoreSettings(db: DbOrTx, projectId: string): Promise<ScoreSettingsValue> {
  const [row] = await db
    .select({ requireConfig: scoreSettings.requireConfig, historyColumns: scoreSettings.historyColumns })
    .from(scoreSettings)
    .where(eq(scoreSettings.projectId, projectId));
  return row ?? defaults;
}

/** Changes some of the project's score settings; audited with before and after. */
export async function putScoreSettings(
  db: DbOrTx,
  projectId: string,
  patch: Partial<ScoreSettingsValue>,
  actor: AuditActor,
): Promise<ScoreSettingsValue> {
  return db.transaction(async (tx) => {
    const before = await getScoreSettings(tx, projectId);
    const after = { ...before, ...patch };
    await tx
      .insert(scoreSettings)
      .values({ projectId, ...after })
      .onConflictDoUpdate({ target: scoreSettings.projectId, set: after });
    await writeAudit(tx, { projectId, actor, action: 'score_settings.changed', before, after });
    return after;
  });
}
