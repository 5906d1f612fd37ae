import { parseAsString, parseAsStringLiteral } from 'nuqs/server';
import { quotaWindows } from '@/lib/contract/usage';

/** The usage page's URL state: a subject looked up, and the metric/window of the top-subjects table. */
export const usageSearchParams = {
  subject: parseAsString,
  top: parseAsString,
  topWindow: parseAsStringLiteral(quotaWindows),
};
