import { parseAsString, parseAsStringLiteral } from 'nuqs/server';
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
  cursor: parseAsString,
};
