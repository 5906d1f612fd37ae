import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import type { Relation } from '@/db/relation';
import { priceCostSql } from '../prices/price-sql';
import { deltaTypes, eventSearchText, tsConfig } from '../search/text';

/**
 * What a statement that stores events RETURNs for the step after it (afterEventsStoredSql): the event's
 * run, seq and type, and the text it adds to its run's search words (null `withText` false: the caller
 * gives the words itself).
 */
export const storedEventReturning = (withText = true): SQL =>
  withText ? sql`run_id, seq, type, ${eventSearchText()} as txt` : sql`run_id, seq, type, null::text as txt`;

/** What afterEventsStoredSql reads: relations of the caller's statement, placed by it (in this order). */
export type StoredEvents = {
  /**
   * Every run the statement touched, all of this project (the caller checked: the runs are found by
   * primary key only, so the plan never reads the project's runs); `fresh` when all its events were
   * (re)written by this statement, so its counters and search words restart from them.
   */
  base: Relation<'run_id' | 'fresh'>;
  /** The events this statement stored (RETURNING storedEventReturning). */
  ins: Relation<'run_id' | 'seq' | 'type' | 'txt'>;
  /**
   * The usage counted now (a `usage` payload: inputTokens, outputTokens, optional model,
   * cachedInputTokens, costUsd), ordered by `ord`, keyed by `key`.
   */
  usage: Relation<'run_id' | 'ord' | 'key' | 'at' | 'payload'>;
};

/**
 * The one step after events are stored, shared by every way events arrive (the events API, OTLP
 * assembly), as WITH items that follow the caller's: the definitions of `stored` (base, ins, usage),
 * then its own.
 *
 * It defines `priced(run_id, ord, key, event_model, tokens, client_cost, cost_usd)`: each usage with its
 * cost, the client's (`costUsd`) when sent, else the price table's for the usage's model (else the
 * run's, else the first model of this batch) on the day of `at` (priceCostSql: one index probe per
 * row, in the statement); and `upd`, the runs moved: event count, last seq, tokens, cost (+ the sum of
 * the usages' costs), cost source (`client` once any client cost is in), search words (grown by the
 * new events' text) and model, and `outdated_checkpoints` (checkpointsOutdatedSql). `upd` RETURNs id, user_id and the new event_count. `wordsByRun`: a query of (run_id, text),
 * the words the batch adds to those runs (searchWordsOf), as the `given` item; runs it leaves out take
 * theirs from `ins`. `words`, for a caller whose `base` is
 * one run: the text of the words its batch adds (searchWordsOf; words of events that turn out to be
 * duplicates are in the run already, so adding them again changes nothing).
 */
export function afterEventsStoredSql(
  projectId: string,
  stored: StoredEvents,
  opts: { words?: string | null; wordsByRun?: SQL } = {},
): SQL {
  const { base, ins, usage } = stored;
  // The words: computed by the caller (searchWordsOf: each chunk once) for a one-run batch, or per run
  // (`wordsByRun`, a query of (run_id, text): the other runs take theirs from the stored events), else
  // from the stored events' text.
  const words =
    typeof opts.words === 'string'
      ? sql`select run_id, ${opts.words}::text as text from ${base.name}`
      : opts.wordsByRun
        ? sql`select run_id, text from given
          union all
          ${storedWordsSql(ins, sql`run_id not in (select run_id from given)`)}`
        : storedWordsSql(ins);
  const given = opts.wordsByRun
    ? sql`given as (${opts.wordsByRun}),
    `
    : sql``;
  return sql`${base.definition},
    ${ins.definition},
    ${usage.definition},
    ${given}first_model as (
      select distinct on (u.run_id) u.run_id, u.payload->>'model' as model
      from ${usage.name} u where u.payload ? 'model' order by u.run_id, u.ord, u.at, u.key
    ),
    priced as (
      select u.run_id, u.ord, u.key, u.payload->>'model' as event_model,
        coalesce((u.payload->>'inputTokens')::bigint, 0) as input_tokens,
        coalesce((u.payload->>'outputTokens')::bigint, 0) as output_tokens,
        (u.payload->>'costUsd')::float8 as client_cost,
        coalesce((u.payload->>'costUsd')::float8, ${priceCostSql(projectId, {
          // The run's model by primary key per usage row (a join let the planner scan the project's runs).
          model: sql`coalesce(u.payload->>'model', (select r.model from runs r where r.project_id = ${projectId}::uuid and r.id = u.run_id), fm.model)`,
          at: sql`u.at`,
          input: sql`(u.payload->>'inputTokens')::float8`,
          output: sql`(u.payload->>'outputTokens')::float8`,
          cached: sql`(u.payload->>'cachedInputTokens')::float8`,
        })}) as cost_usd
      from ${usage.name} u
      left join first_model fm on fm.run_id = u.run_id
    ),
    tot as (
      select run_id, sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens,
        sum(coalesce(cost_usd, 0)) as cost_usd, bool_or(client_cost is not null) as client,
        bool_or(cost_usd is not null) as priced
      from priced group by run_id
    ),
    cnt as (select run_id, count(*)::int as n, max(seq) as last from ${ins.name} group by run_id),
    ${checkpointsOutdatedSql(projectId, ins.name)},
    words as (${words}),
    upd as (
      update runs r set
        event_count = case when b.fresh then 0 else r.event_count end + coalesce(cnt.n, 0),
        last_seq = case when b.fresh then cnt.last else greatest(r.last_seq, cnt.last) end,
        input_tokens = r.input_tokens + coalesce(tot.input_tokens, 0),
        output_tokens = r.output_tokens + coalesce(tot.output_tokens, 0),
        total_tokens = r.total_tokens + coalesce(tot.input_tokens + tot.output_tokens, 0),
        cost_usd = r.cost_usd + coalesce(tot.cost_usd, 0),
        cost_source = case when tot.client then 'client'::cost_source
          when tot.priced then coalesce(r.cost_source, 'price'::cost_source) else r.cost_source end,
        search = case
          when length(btrim(coalesce(w.text, ''))) = 0 then case when b.fresh then null else r.search end
          when b.fresh then strip(to_tsvector(${tsConfig}, w.text))
          else strip(coalesce(r.search, ''::tsvector) || to_tsvector(${tsConfig}, w.text)) end,
        model = coalesce(r.model, (select fm.model from first_model fm where fm.run_id = r.id)),
        updated_at = now()
      from ${base.name} b
        left join cnt on cnt.run_id = b.run_id
        left join tot on tot.run_id = b.run_id
        left join words w on w.run_id = b.run_id
      where r.project_id = ${projectId}::uuid and r.id = b.run_id
        and (b.fresh or cnt.run_id is not null or tot.run_id is not null)
      returning r.id, r.user_id, r.event_count
    )`;
}

/**
 * The WITH item `outdated_checkpoints`: deletes the replay checkpoints the events of `ins` (RETURNING
 * run_id and seq, all of the project `projectId`) make stale, those at or after the lowest stored seq of
 * each run, in the statement that stores the events (by the project's value: one shard on a distributed
 * database). Every statement that inserts into run_events has it (event-writes.test.ts holds them to
 * it). It sees the checkpoints committed before the statement began: the caller holds the runs' row
 * locks from before that (a checkpoint is written under its run's row lock, ensureCheckpoints), or
 * checks that no checkpoint was written since (appendEvents).
 */
export function checkpointsOutdatedSql(projectId: string, ins: SQL): SQL {
  return sql`outdated_checkpoints as (
      delete from run_transcript_checkpoints c
      using (select run_id, min(seq) as seq from ${ins} group by run_id) n
      where c.project_id = ${projectId}::uuid and c.run_id = n.run_id and c.seq >= n.seq
      returning 1
    )`;
}

/** The words of the events stored by the statement (`ins`), per run, from their text (`txt`). */
function storedWordsSql(ins: StoredEvents['ins'], where?: SQL): SQL {
  return sql`select run_id, concat_ws(' ',
      string_agg(txt, ' ' order by seq) filter (where type not in ${deltaTypes}),
      string_agg(txt, '' order by seq) filter (where type in ${deltaTypes})) as text
    from ${ins.name} where txt is not null${where ? sql` and ${where}` : sql``} group by run_id`;
}
