import { parseAsString, parseAsStringLiteral } from 'nuqs/server';
import type { RunFilters } from '@/lib/contract/runs';
import { runKinds, runStatuses } from '@/lib/contract/runs';

export const timeRanges = ['1h', '24h', '7d', '30d'] as const;
export const rangeMs: Record<(typeof timeRanges)[number], number> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

/** The runs list's URL state: a filtered view is a link. Shared by the page (server) and the filter bar. */
export const runsSearchParams = {
  status: parseAsStringLiteral(runStatuses),
  kind: parseAsStringLiteral(runKinds),
  model: parseAsString,
  user: parseAsString,
  thread: parseAsString,
  tag: parseAsString,
  range: parseAsStringLiteral(timeRanges),
  q: parseAsString,
  /** An exact span (an incident's window): ISO instants; `range` is ignored when `from` is set. */
  from: parseAsString,
  to: parseAsString,
  cursor: parseAsString,
};

/** An ISO instant as the API takes it, or undefined for anything else. */
const instant = (s: string | null) => {
  if (!s) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
};

/** The `meta.<key>=<value>` parameters of a page's search params (the first value of each key). */
export function metaFromSearchParams(
  raw: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!k.startsWith('meta.') || k.length <= 5 || k.length > 105) continue;
    const value = Array.isArray(v) ? v[0] : v;
    if (value !== undefined && value.length <= 200) out[k.slice(5)] = value;
    if (Object.keys(out).length >= 10) break;
  }
  return out;
}

/** The metadata filters back as a query string fragment (no leading `?`). */
export const metaSearchString = (meta: Record<string, string>) =>
  new URLSearchParams(Object.entries(meta).map(([k, v]) => [`meta.${k}`, v])).toString();

type ParsedParams = {
  [K in keyof typeof runsSearchParams]: ReturnType<(typeof runsSearchParams)[K]['parseServerSide']>;
};

/** The list's filters from its URL state (shared by the page and the download). */
export function filtersFromParams(params: ParsedParams, meta: Record<string, string>): RunFilters {
  return {
    status: params.status ?? undefined,
    kind: params.kind ?? undefined,
    model: params.model ?? undefined,
    userId: params.user ?? undefined,
    threadId: params.thread ?? undefined,
    tag: params.tag ?? undefined,
    q: params.q ?? undefined,
    from:
      instant(params.from) ??
      (params.range ? new Date(Date.now() - rangeMs[params.range]).toISOString() : undefined),
    to: instant(params.to),
    meta: Object.keys(meta).length > 0 ? meta : undefined,
  };
}
