import { parseAsString, parseAsStringLiteral } from 'nuqs/server';
import { quotaWindows } from '@/lib/contract/usage';

export const costSplits = ['model', 'user'] as const;

/**
 * The usage page's URL state: a subject looked up, the metric/window of the top-subjects table, and
 * the chart each section shows (the server draws only that one: a switch is a link).
 */
export const usageSearchParams = {
  subject: parseAsString,
  top: parseAsString,
  topWindow: parseAsStringLiteral(quotaWindows),
  /** The metric of "Usage per day" (the top-subjects metric when not set). */
  chart: parseAsString,
  /** How "Cost per day" is split. */
  cost: parseAsStringLiteral(costSplits),
};
