import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { PG_UNIQUE_VIOLATION, pgErrorCode } from '@/db/sql';
import { type Dataset, type DatasetItem, datasetItems, datasets } from '@/db/schema';
import { AppError, notFound } from '../errors';

/*
 * Versioning. A dataset starts at version 1 with no items. Every change (addItems, updateItem,
 * deleteItem) is one transaction that bumps the dataset to version v + 1 and stamps what it wrote with
 * v + 1. Item rows are immutable snapshots: an update marks the current snapshot `removedVersion = v + 1`
 * and inserts a new snapshot (same `itemId`, `version = v + 1`); a delete only marks it (and sets
 * `deletedAt`). So the items as of version V are the snapshots with `version <= V` and
 * (`removedVersion` null or `> V`): exactly what a dataset run over version V saw, forever.
 */

export type ItemInput = { input: unknown; expectedOutput?: unknown; metadata?: Record<string, unknown> };
export type ItemPatch = Partial<ItemInput>;

export async function createDataset(
  db: DbOrTx,
  projectId: string,
  input: { name: string; description?: string | null },
): Promise<Dataset> {
  try {
    const [row] = await db
      .insert(datasets)
      .values({ projectId, name: input.name, description: input.description ?? null })
      .returning();
    return row!;
  } catch (err) {
    if (pgErrorCode(err) === PG_UNIQUE_VIOLATION) {
      throw new AppError('conflict', `A dataset named ${input.name} already exists`);
    }
    throw err;
  }
}

export async function getDataset(db: DbOrTx, projectId: string, datasetId: string): Promise<Dataset | null> {
  const [row] = await db
    .select()
    .from(datasets)
    .where(and(eq(datasets.id, datasetId), eq(datasets.projectId, projectId)));
  return row ?? null;
}

export async function requireDataset(db: DbOrTx, projectId: string, datasetId: string): Promise<Dataset> {
  const row = await getDataset(db, projectId, datasetId);
  if (!row) throw notFound('Dataset');
  return row;
}

export async function listDatasets(db: DbOrTx, projectId: string): Promise<Dataset[]> {
  return db
    .select()
    .from(datasets)
    .where(eq(datasets.projectId, projectId))
    .orderBy(desc(datasets.createdAt), asc(datasets.name));
}

/** Locks the dataset row and moves it to the next version; concurrent changes queue here. */
async function bumpVersion(tx: DbOrTx, projectId: string, datasetId: string): Promise<number> {
  const [row] = await tx
    .update(datasets)
    .set({ version: sql`${datasets.version} + 1` })
    .where(and(eq(datasets.id, datasetId), eq(datasets.projectId, projectId)))
    .returning({ version: datasets.version });
  if (!row) throw notFound('Dataset');
  return row.version;
}

/** The current snapshot of an item, locked. */
async function currentSnapshot(
  tx: DbOrTx,
  projectId: string,
  datasetId: string,
  itemId: string,
): Promise<DatasetItem> {
  const [row] = await tx
    .select()
    .from(datasetItems)
    .where(
      and(
        eq(datasetItems.projectId, projectId),
        eq(datasetItems.datasetId, datasetId),
        eq(datasetItems.itemId, itemId),
        isNull(datasetItems.removedVersion),
      ),
    )
    .for('update');
  if (!row) throw notFound('Dataset item');
  return row;
}

export async function addItems(
  db: DbOrTx,
  projectId: string,
  datasetId: string,
  items: ItemInput[],
): Promise<{ version: number; items: DatasetItem[] }> {
  if (items.length === 0) throw new AppError('bad_request', 'No items to add');
  return db.transaction(async (tx) => {
    const version = await bumpVersion(tx, projectId, datasetId);
    const rows = await tx
      .insert(datasetItems)
      .values(
        items.map((it) => ({
          projectId,
          datasetId,
          itemId: randomUUID(),
          version,
          input: it.input ?? null,
          expectedOutput: it.expectedOutput ?? null,
          metadata: it.metadata ?? {},
        })),
      )
      .returning();
    return { version, items: rows };
  });
}

export async function updateItem(
  db: DbOrTx,
  projectId: string,
  datasetId: string,
  itemId: string,
  patch: ItemPatch,
): Promise<DatasetItem> {
  return db.transaction(async (tx) => {
    const version = await bumpVersion(tx, projectId, datasetId);
    const current = await currentSnapshot(tx, projectId, datasetId, itemId);
    await tx
      .update(datasetItems)
      .set({ removedVersion: version })
      .where(and(eq(datasetItems.projectId, projectId), eq(datasetItems.id, current.id)));
    const [row] = await tx
      .insert(datasetItems)
      .values({
        projectId,
        datasetId,
        itemId,
        version,
        input: patch.input !== undefined ? patch.input : current.input,
        expectedOutput: patch.expectedOutput !== undefined ? patch.expectedOutput : current.expectedOutput,
        metadata: patch.metadata ?? current.metadata,
        createdAt: current.createdAt,
      })
      .returning();
    return row!;
  });
}

/** Soft delete: the item stays in the versions before this change. */
export async function deleteItem(
  db: DbOrTx,
  projectId: string,
  datasetId: string,
  itemId: string,
): Promise<{ version: number }> {
  return db.transaction(async (tx) => {
    const version = await bumpVersion(tx, projectId, datasetId);
    const current = await currentSnapshot(tx, projectId, datasetId, itemId);
    await tx
      .update(datasetItems)
      .set({ removedVersion: version, deletedAt: new Date() })
      .where(and(eq(datasetItems.projectId, projectId), eq(datasetItems.id, current.id)));
    return { version };
  });
}

/**
 * The items as of `version` (default: the current version), one snapshot per item, ordered by
 * itemId, keyset-paginated on itemId. A version above the current one is a bad request.
 */
export async function listItems(
  db: DbOrTx,
  projectId: string,
  datasetId: string,
  opts: { version?: number; limit?: number; afterItemId?: string } = {},
): Promise<{ version: number; items: DatasetItem[] }> {
  const dataset = await requireDataset(db, projectId, datasetId);
  const version = opts.version ?? dataset.version;
  if (!Number.isInteger(version) || version < 1 || version > dataset.version) {
    throw new AppError('bad_request', `Dataset version must be between 1 and ${dataset.version}`);
  }
  const where = [
    eq(datasetItems.datasetId, datasetId),
    lte(datasetItems.version, version),
    or(isNull(datasetItems.removedVersion), gt(datasetItems.removedVersion, version)),
  ];
  if (opts.afterItemId) where.push(gt(datasetItems.itemId, opts.afterItemId));
  const query = db
    .select()
    .from(datasetItems)
    .where(and(...where))
    .orderBy(asc(datasetItems.itemId));
  const items = opts.limit ? await query.limit(opts.limit) : await query;
  return { version, items };
}
