import 'server-only';
import { and, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import { type Run, runColumns, runs } from '@/db/schema';
import { decodeCursor, encodeCursor } from '@/lib/cursor';
import { AppError } from '../errors';
import { narrowByScores } from '../scores/conditions';
import {
  type HistoryFilters,
  indexedFilterConditions,
  sparseFilterConditions,
  sparseFilterEstimates,
} from './filters';

export type RunPage = { data: Run[]; nextCursor: string | null; prevCursor: string | null };
/** How many runs (in list order) a sparse filter reads newest-first before it asks the GIN indexes instead. */
export const SEARCH_WINDOW = 5000;
/**
 * The longest second window, in SEARCH_WINDOWs, that the first window's matches may ask for. Reading a
 * window costs about as much per run as the GIN read costs per match: at 1M runs, 1 in 97 (10k
 * matches to sort) is cheaper read on in list order, 1 in 350 (2.9k matches, ~18k runs to read) is not.
 */
const MAX_WINDOW_GROWTH = 2;
/** A filter estimated at fewer than a fifth of a window's runs skips the windows (sparsePage). */
const FEW_MATCHES_DIVISOR = 5;

/** The planner's estimate of the runs `where` keeps (EXPLAIN, not run: about a millisecond). */
export async function plannedRows(db: DbOrTx, where: SQL): Promise<number> {
  const [row] = await queryRows<{ 'QUERY PLAN': unknown }>(
    db,
    sql`explain (format json) select 1 from ${runs} where ${where}`,
  );
  const plan = row?.['QUERY PLAN'];
  const parsed: unknown = typeof plan === 'string' ? JSON.parse(plan) : plan;
  const rows = Array.isArray(parsed)
    ? (parsed[0] as { Plan?: { 'Plan Rows'?: unknown } })?.Plan?.['Plan Rows']
    : null;
  return typeof rows === 'number' ? rows : Number.POSITIVE_INFINITY;
}

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
  sized: SQL[],
  backwards: boolean,
  n: number,
  window = SEARCH_WINDOW,
): Promise<Run[]> {
  const dir = backwards ? sql`asc nulls first` : sql`desc nulls last`;
  const order = [sql`${runs.createdAt} ${dir}`, sql`${runs.id} ${dir}`];
  const found: Run[] = [];
  let within = where;
  let size = window;
  // A filter the planner's statistics put at a few matches (a rare or absent value: well under a
  // window's worth) is read through the GIN indexes at once; its window would read `window` runs to
  // find next to none. Each filter is sized alone and the smallest taken: an upper bound for them all
  // together, which errs towards the window (a common value sent to the GIN read would sort it whole).
  let fewMatches = false;
  for (const condition of sized) {
    if ((await plannedRows(db, and(...where, condition)!)) < window / FEW_MATCHES_DIVISOR) {
      fewMatches = true;
      break;
    }
  }
  for (let step = 0; !fewMatches; step++) {
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
      sql`(${runs.id}, ${runs.projectId}) in (select id, project_id from (select id, project_id, created_at
        from runs where ${and(...within, sparse)} offset 0) m
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
    ? await sparsePage(
        db,
        where,
        and(...sparse)!,
        sparseFilterEstimates(filters),
        backwards,
        page.limit + 1,
        page.searchWindow,
      )
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
