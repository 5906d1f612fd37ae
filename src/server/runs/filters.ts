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
 * `metadata[key]` contains `value`, through the jsonb_path_ops GIN index: the value as a JSON string,
 * or (when it spells one) as the JSON literal (`meta.attempt=2` finds `{"attempt": 2}`). Built as
 * constants, so the planner sizes them from the column's statistics.
 */
function metadataContains(key: string, value: string): SQL {
  const asString = sql`${runs.metadata} @> ${JSON.stringify({ [key]: value })}::jsonb`;
  return jsonLiteral(value)
    ? sql`(${asString} or ${runs.metadata} @> ${JSON.stringify({ [key]: JSON.parse(value) })}::jsonb)`
    : asString;
}

/** `metadata[key]`, as text, equals `value`: `->>` keeps exactly the runs whose value reads as that text. */
export function metadataCondition(key: string, value: string): SQL {
  return sql`(${metadataContains(key, value)} and ${runs.metadata} ->> ${key} = ${value})`;
}

/** A tag, search-term and metadata condition per filter set, the metadata ones made by `metadata`. */
function sparseFilters(f: RunFilters, metadata: (key: string, value: string) => SQL): SQL[] {
  const where: SQL[] = [];
  if (f.tag) where.push(sql`${runs.tags} @> array[${f.tag}]::text[]`);
  if (f.q) where.push(runSearchCondition(f.q));
  for (const [key, value] of Object.entries(f.meta ?? {})) where.push(metadata(key, value));
  return where;
}

/**
 * The conditions of filters the planner cannot size (a tag, a metadata value, a search term: as likely
 * to hold every run as none), read through their GIN indexes; listRuns bounds their work (sparsePage).
 */
export const sparseFilterConditions = (f: RunFilters) => sparseFilters(f, metadataCondition);

/**
 * The same filters, one by one, in forms the planner estimates from its statistics (a `->>` test
 * would scale every estimate by a guessed constant); each holds at least the runs its filter keeps.
 */
export const sparseFilterEstimates = (f: RunFilters) => sparseFilters(f, metadataContains);

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
