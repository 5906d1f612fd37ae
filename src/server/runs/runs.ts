import 'server-only';
import { and, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type NewRun, type Run, runColumns, runs } from '@/db/schema';
import { type CreateRunInput, finishedStatuses, type RunFilters, type UpdateRunInput } from '@/lib/contract';
import { decodeCursor, encodeCursor } from '@/lib/cursor';
import { toDate } from '@/lib/time';
import { PG_FOREIGN_KEY_VIOLATION, pgErrorCode, queryRows } from '@/db/sql';
import { AppError, notFound } from '../errors';
import { sameJson } from '../json';
import { priceCost } from '../prices';
import { repriceRunsSql } from '../prices/price-sql';
import { narrowByScores, type ScoreFilters, scoreConditions } from '../scores/conditions';
import { searchQuery } from '../search/text';

const isFinished = (status: string) => (finishedStatuses as readonly string[]).includes(status);

/**
 * Creates a run. With a client-chosen id already stored in this project: the same body is an idempotent
 * retry, another is 409. An id held by another project's run is answered 404, as for any run the caller
 * cannot see (never a 409 that would tell it the id exists elsewhere). `parentRunId` must name a run of
 * the same project (else 400, nothing written).
 */
export async function createRun(
  db: DbOrTx,
  projectId: string,
  input: CreateRunInput,
): Promise<{ run: Run; created: boolean }> {
  const now = new Date();
  if (input.parentRunId && !(await getRunById(db, projectId, input.parentRunId))) {
    throw new AppError('bad_request', 'parentRunId does not name a run of this project', [
      { path: ['parentRunId'], code: 'not_found', message: 'No run of this project has this id' },
    ]);
  }
  const status = input.status ?? 'running';
  const values: NewRun = {
    id: input.id,
    projectId,
    kind: input.kind ?? 'chat',
    name: input.name,
    status,
    threadId: input.threadId ?? null,
    parentRunId: input.parentRunId ?? null,
    userId: input.userId ?? null,
    model: input.model ?? null,
    input: input.input ?? null,
    output: input.output ?? null,
    error: input.error ?? null,
    metadata: input.metadata ?? {},
    tags: input.tags ?? [],
    startedAt: input.startedAt !== undefined ? toDate(input.startedAt) : status === 'queued' ? null : now,
    endedAt: input.endedAt !== undefined ? toDate(input.endedAt) : isFinished(status) ? now : null,
    inputTokens: input.inputTokens ?? 0,
    outputTokens: input.outputTokens ?? 0,
    totalTokens: input.totalTokens ?? (input.inputTokens ?? 0) + (input.outputTokens ?? 0),
    costUsd: input.costUsd ?? 0,
    costSource: input.costUsd !== undefined ? 'client' : null,
    datasetId: input.datasetId ?? null,
    datasetVersion: input.datasetVersion ?? null,
    targetType: input.targetType ?? null,
    targetId: input.targetId ?? null,
    totalItems: input.totalItems ?? null,
  };
  if (input.costUsd === undefined) {
    const at = values.startedAt ?? now;
    const cost = await priceCost(db, projectId, values.model, at, {
      inputTokens: values.inputTokens ?? 0,
      outputTokens: values.outputTokens ?? 0,
    });
    if (cost !== null) Object.assign(values, { costUsd: cost, costSource: 'price' as const });
  }
  let inserted: Run | undefined;
  try {
    [inserted] = await db
      .insert(runs)
      .values(values)
      .onConflictDoNothing({ target: runs.id })
      .returning(runColumns);
  } catch (err) {
    // The parent was deleted between the check and the insert.
    if (pgErrorCode(err) === PG_FOREIGN_KEY_VIOLATION && input.parentRunId) {
      throw new AppError('bad_request', 'parentRunId does not name a run of this project');
    }
    throw err;
  }
  if (inserted) return { run: inserted, created: true };

  const [stored] = await db.select(runColumns).from(runs).where(eq(runs.id, input.id!));
  if (!stored || stored.projectId !== projectId) throw notFound('Run');
  if (!matchesStored(input, stored)) {
    throw new AppError('conflict', 'A run with this id already exists with a different body');
  }
  return { run: stored, created: false };
}

/** True when every field the body names has the stored value (an idempotent retry). */
function matchesStored(input: CreateRunInput, stored: Run): boolean {
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || key === 'id') continue;
    const current = stored[key as keyof Run];
    if (current instanceof Date || (key.endsWith('At') && value !== null)) {
      if (toDate(current as Date | null)?.getTime() !== toDate(value as string | null)?.getTime())
        return false;
    } else if (!sameJson(current, value)) {
      return false;
    }
  }
  return true;
}

export async function getRunById(db: DbOrTx, projectId: string, runId: string): Promise<Run | null> {
  const [run] = await db
    .select(runColumns)
    .from(runs)
    .where(and(eq(runs.id, runId), eq(runs.projectId, projectId)));
  return run ?? null;
}

/** The run, or a not_found AppError (also for a run of another project). */
export async function requireRun(db: DbOrTx, projectId: string, runId: string): Promise<Run> {
  const run = await getRunById(db, projectId, runId);
  if (!run) throw notFound('Run');
  return run;
}

export async function updateRun(
  db: DbOrTx,
  projectId: string,
  runId: string,
  input: UpdateRunInput,
): Promise<Run> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select(runColumns)
      .from(runs)
      .where(and(eq(runs.id, runId), eq(runs.projectId, projectId)))
      .for('update');
    if (!current) throw notFound('Run');
    if (input.status && isFinished(current.status) && !isFinished(input.status)) {
      throw new AppError('conflict', `A ${current.status} run cannot become ${input.status} again`);
    }
    const patch: Partial<NewRun> = { updatedAt: new Date() };
    for (const [key, value] of Object.entries(input)) {
      if (value === undefined) continue;
      (patch as Record<string, unknown>)[key] = key.endsWith('At') ? toDate(value as string | null) : value;
    }
    if (input.status && isFinished(input.status) && input.endedAt === undefined && !current.endedAt) {
      patch.endedAt = new Date();
    }
    // A finished run keeps an end time: clearing it would leave a succeeded run that never ended.
    if (input.endedAt === null && isFinished(input.status ?? current.status)) {
      throw new AppError(
        'bad_request',
        `endedAt cannot be cleared on a ${input.status ?? current.status} run`,
        [{ path: ['endedAt'], code: 'invalid_value', message: 'A finished run must have an end time' }],
      );
    }
    if (
      input.totalTokens === undefined &&
      (input.inputTokens !== undefined || input.outputTokens !== undefined)
    ) {
      patch.totalTokens =
        (input.inputTokens ?? current.inputTokens) + (input.outputTokens ?? current.outputTokens);
    }
    if (input.costUsd !== undefined) patch.costSource = 'client';
    const [updated] = await tx
      .update(runs)
      .set(patch)
      .where(and(eq(runs.projectId, projectId), eq(runs.id, runId)))
      .returning(runColumns);
    if (
      input.costUsd === undefined &&
      current.costSource !== 'client' &&
      (input.inputTokens !== undefined || input.outputTokens !== undefined || input.model !== undefined)
    ) {
      // New token totals or model without a cost: priced by the one rule (its usage events at their
      // prices, its own tokens beyond them at its start); a client-sent cost stays.
      const [priced] = await queryRows<{ cost_usd: number }>(
        tx,
        repriceRunsSql(projectId, sql`select ${runId}::uuid`),
      );
      if (priced) return { ...updated!, costUsd: Number(priced.cost_usd), costSource: 'price' as const };
    }
    return updated!;
  });
}

/** Deletes the run; its events, results and reports go with it (foreign keys cascade). */
export async function deleteRun(db: DbOrTx, projectId: string, runId: string): Promise<void> {
  const deleted = await db
    .delete(runs)
    .where(and(eq(runs.id, runId), eq(runs.projectId, projectId)))
    .returning({ id: runs.id });
  if (deleted.length === 0) throw notFound('Run');
}

export type RunPage = { data: Run[]; nextCursor: string | null; prevCursor: string | null };

/** Escapes LIKE wildcards so `q` matches literally. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** `q`: the name as a substring, or every word of q among the run's content words (src/server/search). */
export const runSearchCondition = (q: string): SQL =>
  sql`(${runs.name} ilike ${likePattern(q)} or ${runs.search} @@ ${searchQuery(q)})`;

/** A value that JSON.parse reads as a number, boolean, array or object (not a string, not null). */
function jsonLiteral(value: string): boolean {
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed !== null && typeof parsed !== 'string';
  } catch {
    return false;
  }
}

/**
 * `metadata[key]`, as text, equals `value`. The `@>` forms go through the jsonb_path_ops GIN index:
 * the value as a JSON string, or (when it spells one) as the JSON literal (`meta.attempt=2` finds
 * `{"attempt": 2}`); `->>` then keeps exactly the runs whose value reads as that text.
 */
export function metadataCondition(key: string, value: string): SQL {
  const asString = sql`${runs.metadata} @> jsonb_build_object(${key}::text, ${value}::text)`;
  const contains = jsonLiteral(value)
    ? sql`(${asString} or ${runs.metadata} @> jsonb_build_object(${key}::text, ${value}::jsonb))`
    : asString;
  return sql`(${contains} and ${runs.metadata} ->> ${key} = ${value})`;
}

/**
 * The conditions of filters the planner cannot size (a tag, a metadata value, a search term: as likely
 * to hold every run as none), read through their GIN indexes; listRuns bounds their work (sparsePage).
 */
export function sparseFilterConditions(f: RunFilters): SQL[] {
  const where: SQL[] = [];
  if (f.tag) where.push(sql`${runs.tags} @> array[${f.tag}]::text[]`);
  if (f.q) where.push(runSearchCondition(f.q));
  for (const [key, value] of Object.entries(f.meta ?? {})) where.push(metadataCondition(key, value));
  return where;
}

/** The history's filters: the API's, and the dashboard's score filters. */
export type HistoryFilters = RunFilters & ScoreFilters;

/**
 * The conditions of filters served by a (project, column, created_at, id) b-tree index, and the score
 * filters (narrowed to run ids first when they are rare: narrowByScores).
 */
function indexedFilterConditions(projectId: string, f: HistoryFilters): SQL[] {
  const where: SQL[] = [eq(runs.projectId, projectId)];
  if (f.status) where.push(eq(runs.status, f.status));
  if (f.kind) where.push(eq(runs.kind, f.kind));
  if (f.userId) where.push(eq(runs.userId, f.userId));
  if (f.threadId) where.push(eq(runs.threadId, f.threadId));
  if (f.model) where.push(eq(runs.model, f.model));
  if (f.from) where.push(gte(runs.createdAt, new Date(f.from)));
  if (f.to) where.push(lte(runs.createdAt, new Date(f.to)));
  where.push(...scoreConditions(f));
  return where;
}

export function runFilterConditions(projectId: string, f: HistoryFilters): SQL[] {
  return [...indexedFilterConditions(projectId, f), ...sparseFilterConditions(f)];
}

/** How many runs (in list order) a sparse filter reads newest-first before it asks the GIN indexes instead. */
export const SEARCH_WINDOW = 5000;
/**
 * The longest second window, in SEARCH_WINDOWs, that the first window's matches may ask for. Reading a
 * window costs about as much per run as the GIN read costs per match: at 1M runs, 1 in 97 (10k
 * matches to sort) is cheaper read on in list order, 1 in 350 (2.9k matches, ~18k runs to read) is not.
 */
const MAX_WINDOW_GROWTH = 2;

/**
 * A page of runs under sparse filters (tag, metadata, search), in list order, with bounded work
 * whatever their frequency (a LIMIT over the newest-first index with a filter the planner wrongly
 * thinks common read the whole project; a GIN read of a common one reads most of it). First the next
 * `window` runs that the indexed filters keep, read in list order and filtered: a common value fills
 * the page there. A value that matched in the window but too seldom to fill the page (about 1 in
 * `window / n`) reads one more window in list order, sized by the matches seen, up to
 * MAX_WINDOW_GROWTH windows: its GIN read would hold tens of thousands of runs to sort. Only what is
 * still short is read through the GIN indexes (a subquery planned without the LIMIT: OFFSET 0 keeps it
 * from being flattened into a newest-first walk), then sorted: a value rare enough to get there has
 * few runs.
 */
async function sparsePage(
  db: DbOrTx,
  where: SQL[],
  sparse: SQL,
  backwards: boolean,
  n: number,
  window = SEARCH_WINDOW,
): Promise<Run[]> {
  const dir = backwards ? sql`asc nulls first` : sql`desc nulls last`;
  const order = [sql`${runs.createdAt} ${dir}`, sql`${runs.id} ${dir}`];
  const found: Run[] = [];
  let within = where;
  let size = window;
  for (let step = 0; ; step++) {
    // The window: a subquery with its own LIMIT, so the planner walks the b-tree in list order and
    // cannot fold the sparse conditions into a GIN read (a common value's bitmap costs more than the
    // whole window). Aliased `runs`, so the conditions, written against the table, read its rows.
    const windowRows = db
      .select()
      .from(runs)
      .where(and(...within))
      .orderBy(...order)
      .limit(size)
      .as('runs');
    const near = await db
      .select(runColumns)
      .from(windowRows)
      .where(sparse)
      .orderBy(...order)
      .limit(n - found.length);
    found.push(...near);
    if (found.length >= n) return found;
    const [edge] = await db
      .select({ createdAt: runs.createdAt, id: runs.id })
      .from(runs)
      .where(and(...within))
      .orderBy(...order)
      .offset(size - 1)
      .limit(1);
    // The window held every run the indexed filters keep.
    if (!edge) return found;
    const key = sql`(${edge.createdAt.toISOString()}::timestamptz, ${edge.id}::uuid)`;
    within = [
      ...where,
      backwards
        ? sql`(${runs.createdAt}, ${runs.id}) > ${key}`
        : sql`(${runs.createdAt}, ${runs.id}) < ${key}`,
    ];
    if (step > 0 || near.length === 0) break;
    // Runs to read for the rest of the page at the density just seen, with a margin.
    const needed = Math.ceil((((n - found.length) * size) / near.length) * 1.5);
    if (needed > MAX_WINDOW_GROWTH * window) break;
    size = needed;
  }
  const far = await db
    .select(runColumns)
    .from(runs)
    .where(
      sql`${runs.id} in (select id from (select id, created_at from runs where ${and(...within, sparse)} offset 0) m
        order by created_at ${dir}, id ${dir} limit ${n - found.length})`,
    )
    .orderBy(...order);
  return [...found, ...far];
}

/**
 * Runs newest first, keyset-paginated on (created_at, id); never OFFSET. A cursor from `prevCursor`
 * walks back towards newer runs.
 */
export async function listRuns(
  db: DbOrTx,
  projectId: string,
  filters: HistoryFilters,
  page: { limit: number; cursor?: string /** Tests: a smaller SEARCH_WINDOW. */; searchWindow?: number },
): Promise<RunPage> {
  filters = await narrowByScores(db, projectId, filters);
  const where = indexedFilterConditions(projectId, filters);
  const sparse = sparseFilterConditions(filters);
  let backwards = false;
  if (page.cursor) {
    const key = decodeCursor(page.cursor, 3);
    if (
      !key ||
      (key[0] !== 'n' && key[0] !== 'p') ||
      typeof key[1] !== 'string' ||
      typeof key[2] !== 'string'
    ) {
      throw new AppError('bad_request', 'Invalid cursor');
    }
    backwards = key[0] === 'p';
    const at = new Date(key[1]);
    if (Number.isNaN(at.getTime())) throw new AppError('bad_request', 'Invalid cursor');
    where.push(
      backwards
        ? sql`(${runs.createdAt}, ${runs.id}) > (${at.toISOString()}::timestamptz, ${key[2]}::uuid)`
        : sql`(${runs.createdAt}, ${runs.id}) < (${at.toISOString()}::timestamptz, ${key[2]}::uuid)`,
    );
  }
  // The (…, created_at DESC NULLS LAST, id DESC NULLS LAST) indexes serve only this exact order (or its
  // exact reverse): plain DESC means NULLS FIRST, which made Postgres sort the whole project (bench/history.ts).
  const order = backwards
    ? [sql`${runs.createdAt} asc nulls first`, sql`${runs.id} asc nulls first`]
    : [sql`${runs.createdAt} desc nulls last`, sql`${runs.id} desc nulls last`];
  const rows = sparse.length
    ? await sparsePage(db, where, and(...sparse)!, backwards, page.limit + 1, page.searchWindow)
    : await db
        .select(runColumns)
        .from(runs)
        .where(and(...where))
        .orderBy(...order)
        .limit(page.limit + 1);
  const more = rows.length > page.limit;
  const data = more ? rows.slice(0, page.limit) : rows;
  if (backwards) data.reverse();
  const first = data[0];
  const last = data[data.length - 1];
  const hasNewer = backwards ? more : Boolean(page.cursor);
  const hasOlder = backwards ? true : more;
  return {
    data,
    nextCursor: hasOlder && last ? encodeCursor(['n', last.createdAt.toISOString(), last.id]) : null,
    prevCursor: hasNewer && first ? encodeCursor(['p', first.createdAt.toISOString(), first.id]) : null,
  };
}
