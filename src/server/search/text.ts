import 'server-only';
import { type SQL, sql } from 'drizzle-orm';

/**
 * The text an event adds to its run's search words: what the user sent, the assistant's text, tool
 * names and error messages. Text blocks arrive as deltas: `text-start`/`text-end` give a space so two
 * blocks do not run together. `col` prefixes the type/payload columns (e.g. `e.`). Constant SQL only.
 */
export function eventSearchText(col = ''): SQL {
  return sql.raw(eventSearchTextSql(col));
}

/** eventSearchText as SQL text (for scripts that build statements by hand, e.g. bench/history). */
export function eventSearchTextSql(col = ''): string {
  const t = `${col}type`;
  const p = `${col}payload`;
  return `(case ${t}
    when 'user-message' then ${p}->>'text'
    when 'text-delta' then ${p}->>'delta'
    when 'text-start' then ' '
    when 'text-end' then ' '
    when 'tool-input-start' then ${p}->>'toolName'
    when 'tool-input-available' then ${p}->>'toolName'
    when 'tool-output-error' then ${p}->>'errorText'
    when 'error' then ${p}->>'errorText'
  end)`;
}

const deltaTypeList = `('text-delta', 'text-start', 'text-end')`;
/** Event types whose text is a delta, concatenated without separators. */
export const deltaTypes = sql.raw(deltaTypeList);

/**
 * A run's search words from its events (an aggregate over rows with `type`, `seq`, `payload`, prefixed
 * by `col`): the other events' texts joined by spaces, then the deltas joined as they stream. The same
 * words the append builds when the events arrive in one batch (tests/integration/search.test.ts); used
 * by rebuildSearchWords and by bench/history's bulk fill.
 */
export function runSearchWordsSql(col = ''): string {
  const text = eventSearchTextSql(col);
  return `strip(to_tsvector('simple'::regconfig, concat_ws(' ',
    string_agg(${text}, ' ' order by ${col}seq) filter (where ${col}type not in ${deltaTypeList}),
    string_agg(${text}, '' order by ${col}seq) filter (where ${col}type in ${deltaTypeList}))))`;
}

/** The one text-search configuration: `simple` (no stemming, no stop words) gives the same words everywhere. */
export const tsConfig = sql.raw(`'simple'::regconfig`);

/** Every word of `q` must occur in the run's words (or `q` in its name). */
export const searchQuery = (q: string) => sql`plainto_tsquery(${tsConfig}, ${q})`;

/** Any word of `q`: finds the event to open the replay at (one event rarely has them all). */
export const anyWordQuery = (q: string) =>
  sql`replace(plainto_tsquery(${tsConfig}, ${q})::text, ' & ', ' | ')::tsquery`;
