import 'server-only';
import { type SQL, sql } from 'drizzle-orm';

/** SQL expressions for one usage: the model it is priced as, when it happened, and its token counts. */
export type UsageSqlParts = { model: SQL; at: SQL; input: SQL; output: SQL; cached?: SQL };

/**
 * The price-table cost (USD, float8) of one usage, as a scalar SQL expression: the project's price of
 * `model` in force on the UTC day of `at` (the latest effectiveFrom on or before it, found through the
 * (project, model, effective_from) unique index), with the formula and rounding of costFromPrice
 * (cached input tokens are part of the input tokens; micro-dollar precision). Null without a model, a
 * price or tokens. Set-based: one index probe per row inside the statement, never a query per usage.
 */
export function priceCostSql(projectId: string, u: UsageSqlParts): SQL {
  return sql`(select (round((((t.i - t.c) * mp.input_per_million
          + t.c * coalesce(mp.cached_input_per_million, mp.input_per_million)
          + t.o * mp.output_per_million) / 1000000 * 1000000000)::numeric) / 1000000000)::float8
      from (select coalesce(${u.input}, 0)::float8 as i, coalesce(${u.output}, 0)::float8 as o,
                   least(coalesce(${u.cached ?? sql`null`}, 0)::float8, coalesce(${u.input}, 0)::float8) as c) t
      cross join lateral (
        select p.input_per_million, p.output_per_million, p.cached_input_per_million from model_prices p
        where p.project_id = ${projectId}::uuid and p.model = ${u.model}
          and p.effective_from <= ((${u.at}) at time zone 'UTC')::date
        order by p.effective_from desc limit 1
      ) mp
      where t.i + t.o > 0)`;
}

/**
 * Sets the cost of the given runs by the pricing rule, for the runs without a client-sent cost
 * (cost_source null or 'price'): a run's priced cost is the sum of its parts, each priced in force on
 * its own day, as ingest priced them:
 * - every `usage` event: its tokens, for its model (else the run's), at its `ts`;
 * - the run's own tokens beyond its usage events' (sent on create or PATCH): for the run's model at its
 *   start.
 * A run none of whose parts has a price keeps its cost. `ids` is a subquery of run ids (column `id`).
 * Each run's events are read through (run_id, seq); RETURNs id and cost_usd of the runs repriced.
 */
export function repriceRunsSql(projectId: string, ids: SQL): SQL {
  const event = priceCostSql(projectId, {
    model: sql`coalesce(ev.payload->>'model', x.model)`,
    at: sql`ev.ts`,
    input: sql`(ev.payload->>'inputTokens')::float8`,
    output: sql`(ev.payload->>'outputTokens')::float8`,
    cached: sql`(ev.payload->>'cachedInputTokens')::float8`,
  });
  const rest = priceCostSql(projectId, {
    model: sql`x.model`,
    at: sql`coalesce(x.started_at, x.created_at)`,
    input: sql`greatest(x.input_tokens - e.input_tokens, 0)`,
    output: sql`greatest(x.output_tokens - e.output_tokens, 0)`,
  });
  return sql`update runs r set cost_usd = c.cost_usd, cost_source = 'price', updated_at = now()
    from (
      select x.id, e.cost + coalesce(p.rest, 0) as cost_usd, (e.n > 0 or p.rest is not null) as priced
      from runs x
      cross join lateral (
        select coalesce(sum(q.cost), 0) as cost, count(q.cost) as n,
               coalesce(sum(q.i), 0) as input_tokens, coalesce(sum(q.o), 0) as output_tokens
        from (select ${event} as cost, coalesce((ev.payload->>'inputTokens')::float8, 0) as i,
                     coalesce((ev.payload->>'outputTokens')::float8, 0) as o
              from run_events ev where ev.project_id = x.project_id and ev.run_id = x.id
                and ev.run_created_at = x.created_at and ev.type = 'usage') q
      ) e
      cross join lateral (select ${rest} as rest) p
      where x.id in (${ids}) and x.project_id = ${projectId}::uuid
    ) c
    where r.project_id = ${projectId}::uuid and r.id = c.id and c.priced and r.cost_source is distinct from 'client'
    returning r.id, r.cost_usd`;
}
