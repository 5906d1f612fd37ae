import 'server-only';
import { type SQL, sql } from 'drizzle-orm';

/**
 * What each event type adds to its run's search words: a payload field's text, or a literal (text
 * blocks arrive as deltas: `text-start`/`text-end` give a space so two blocks do not run together).
 * What the user sent, the assistant's text, tool names and error messages. The one declaration: the
 * SQL (eventSearchText) and the JS (searchWordsOf) forms are both built from it.
 */
const SEARCH_TEXT: Record<string, { field: string } | { literal: string }> = {
  'user-message': { field: 'text' },
  'text-delta': { field: 'delta' },
  'text-start': { literal: ' ' },
  'text-end': { literal: ' ' },
  'tool-input-start': { field: 'toolName' },
  'tool-input-available': { field: 'toolName' },
  'tool-output-error': { field: 'errorText' },
  error: { field: 'errorText' },
};

/** Event types whose text is a delta, concatenated without separators (the others join with a space). */
const DELTA_TYPES = ['text-delta', 'text-start', 'text-end'];

/**
 * The text an event adds to its run's search words (SEARCH_TEXT), as SQL. `col` prefixes the
 * type/payload columns (e.g. `e.`). Constant SQL only.
 */
export function eventSearchText(col = ''): SQL {
  return sql.raw(eventSearchTextSql(col));
}

/** eventSearchText as SQL text (for scripts that build statements by hand, e.g. bench/history). */
export function eventSearchTextSql(col = ''): string {
  const whens = Object.entries(SEARCH_TEXT).map(
    ([type, src]) =>
      `when '${type}' then ${'field' in src ? `${col}payload->>'${src.field}'` : `'${src.literal}'`}`,
  );
  return `(case ${col}type\n    ${whens.join('\n    ')}\n  end)`;
}

/**
 * ASCII whitespace (space, \t \n \v \f \r): the Postgres text-search parser never makes a word (but an
 * XML tag) across it.
 */
const isBlank = (c: number) => c === 32 || (c >= 9 && c <= 13);

/**
 * Adds `text`'s whitespace-separated chunks to `into`, the first one continuing `carry` (the unfinished
 * chunk before it); returns the unfinished last chunk (added by the caller when nothing follows). A scan
 * by character code: text.split(/[ \t\n\r\f\v]+/) per delta was most of the words' cost.
 */
function addChunks(into: Set<string>, text: string, carry: string): string {
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (!isBlank(text.charCodeAt(i))) continue;
    const chunk = i > start ? carry + text.slice(start, i) : carry;
    if (chunk) into.add(chunk);
    carry = '';
    start = i + 1;
  }
  return start < text.length ? carry + text.slice(start) : carry;
}

/**
 * The words a batch of events adds to its run, as a short text with the same `simple` lexemes as the
 * SQL form (the non-delta texts joined by spaces, the deltas in seq order joined as they are), but
 * each whitespace-separated chunk once: to_tsvector over a 60 KB batch of text deltas was most of an
 * append's database time, and words without positions do not need the repeats. Null when the batch
 * must go the SQL way: a text field that is not a string (Postgres renders JSON its own way) or a `<`
 * (an XML tag is one token across spaces).
 */
export function searchWordsOf(events: { seq: number; type: string; payload?: unknown }[]): string | null {
  const parts: string[] = [];
  const deltas: { seq: number; text: string }[] = [];
  let sorted = true;
  for (const e of events) {
    const src = SEARCH_TEXT[e.type];
    if (!src) continue;
    let text: string;
    if ('literal' in src) text = src.literal;
    else {
      const v =
        e.payload && typeof e.payload === 'object' && !Array.isArray(e.payload)
          ? (e.payload as Record<string, unknown>)[src.field]
          : undefined;
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string') return null;
      text = v;
    }
    if (text.includes('<')) return null;
    if (DELTA_TYPES.includes(e.type)) {
      if (deltas.length && deltas[deltas.length - 1]!.seq > e.seq) sorted = false;
      deltas.push({ seq: e.seq, text });
    } else parts.push(text);
  }
  if (!sorted) deltas.sort((a, b) => a.seq - b.seq);
  const unique = new Set<string>();
  for (const text of parts) {
    const last = addChunks(unique, text, '');
    if (last) unique.add(last);
  }
  // The deltas' chunks as if they were joined, without building the joined text: a delta's first piece
  // continues the previous delta's last one (a word streamed in two deltas is one chunk).
  let carry = '';
  for (const { text } of deltas) carry = addChunks(unique, text, carry);
  if (carry) unique.add(carry);
  return [...unique].join(' ');
}

const deltaTypeList = `(${DELTA_TYPES.map((t) => `'${t}'`).join(', ')})`;
/** DELTA_TYPES as an SQL list. */
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
