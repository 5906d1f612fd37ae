import 'server-only';
import { type SQL, sql } from 'drizzle-orm';

/**
 * What an OTLP export's statements hand to the ones pipelined after them in the same transaction (no
 * round trip, no JavaScript in between), as transaction-local settings: each is named here once, written
 * by one statement (`set`: the set_config call, given the value as JSON text) and read by the later
 * ones through its reader.
 */
function jsonSetting(name: string) {
  return {
    set: (jsonText: SQL): SQL => sql`set_config(${name}, ${jsonText}, true)`,
    value: sql.raw(`current_setting('${name}')::jsonb`),
  };
}

/** A JSON list of ids (as the setting holds it) as a uuid[]. */
const uuidArray = (json: SQL): SQL => sql`array(select value::uuid from jsonb_array_elements_text(${json}))`;

const held = jsonSetting('runledger.otel_runs');
const created = jsonSetting('runledger.otel_created');
const inserted = jsonSetting('runledger.otel_new');

/** The runs this transaction holds (locked): set by its first statement (a JSON list of run ids). */
export const heldRunsState = { set: held.set, ids: uuidArray(held.value) };

/** The runs this transaction created (a JSON list of run ids). */
export const createdRunsState = { set: created.set, ids: uuidArray(created.value) };

/** The spans this transaction inserted (a JSON list of `{run_id, span_id}`). */
export const newSpansState = {
  set: inserted.set,
  /** As a WITH item `name(run_id, span_id)`, only the spans `where` keeps (`x.run_id`, `x.span_id`). */
  item: (name: string, where?: SQL): SQL =>
    sql`${sql.raw(name)} as (select x.run_id, x.span_id
    from jsonb_to_recordset(${inserted.value}) as x(run_id uuid, span_id text)${where ? sql` where ${where}` : sql``})`,
};
