import 'server-only';
import { eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import { runs } from '@/db/schema';
import type { RunFilters } from '@/lib/contract';
import { type ScoreFilters, scoreConditions } from '../scores/conditions';
import { searchQuery } from '../search/text';

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
export function indexedFilterConditions(projectId: string, f: HistoryFilters): SQL[] {
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
