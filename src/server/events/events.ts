import 'server-only';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { PG_FOREIGN_KEY_VIOLATION, pgErrorCode, queryRows } from '@/db/sql';
import { type RunEvent, runEvents, runs } from '@/db/schema';
import type { AppendEventsResult, EventDto, EventInput, UsageEventPayload } from '@/lib/contract';
import { decodeCursor, encodeCursor } from '@/lib/cursor';
import { iso } from '@/lib/time';
import { AppError, notFound } from '../errors';
import { priceCost } from '../prices';
import { deltaTypes, eventSearchText, tsConfig } from '../search/text';
import { assertRunInProject } from '../runs/scope';
import { type AcceptedUsage, onUsageEventsAccepted } from './usage-hook';

/**
 * Appends a batch of events in one INSERT ... SELECT with ON CONFLICT DO NOTHING. A seq already stored
 * with the same type and payload is a duplicate (a safe retry); with another type or payload the whole
 * batch is refused (409, nothing stored). The run's event_count/last_seq, and for newly stored `usage`
 * events its token and cost totals, move in the same transaction. A run deleted meanwhile is a 404.
 */
export async function appendEvents(
  db: DbOrTx,
  projectId: string,
  runId: string,
  events: EventInput[],
): Promise<AppendEventsResult> {
  try {
    return await appendEventsTx(db, projectId, runId, events);
  } catch (err) {
    if (pgErrorCode(err) === PG_FOREIGN_KEY_VIOLATION) throw notFound('Run');
    throw err;
  }
}

async function appendEventsTx(
  db: DbOrTx,
  projectId: string,
  runId: string,
  events: EventInput[],
): Promise<AppendEventsResult> {
  // The validated events carry only seq/type/ts/payload (plus a price-table cost for `usage` events
  // without one, read only by the totals): serialized as they are, defaults in SQL (a JSON null
  // payload reads as SQL null, so it becomes {} like a missing one).
  return db.transaction(async (tx) => {
    const priced = await priceUsageEvents(tx, projectId, runId, events);
    const batch = JSON.stringify(
      priced ? events.map((e) => ({ ...e, price_cost: priced.get(e.seq) })) : events,
    );
    // One statement on the common path (round trips dominate on a busy host): check the run, insert
    // what is new, move the run's counters, usage totals and search words by what was inserted.
    const [row] = await queryRows<AppendRow>(
      tx,
      sql`with run as (
            select id from runs where id = ${runId}::uuid and project_id = ${projectId}::uuid
          ), ins as (
            insert into run_events (run_id, seq, type, ts, payload)
            select run.id, x.seq, x.type, coalesce(x.ts, now()), coalesce(x.payload, '{}'::jsonb)
            from run, jsonb_to_recordset(${batch}::jsonb) as x(seq int, type text, ts timestamptz, payload jsonb)
            on conflict (run_id, seq) do nothing
            returning seq, type, case when type = 'usage' then payload end as usage, ${eventSearchText()} as txt
          ), costs as (
            select x.seq, x.price_cost from jsonb_to_recordset(${batch}::jsonb) as x(seq int, price_cost float8)
            where x.price_cost is not null
          ), words as (
            select concat_ws(' ',
              (select string_agg(txt, ' ' order by seq) from ins where txt is not null and type not in ${deltaTypes}),
              (select string_agg(txt, '' order by seq) from ins where txt is not null and type in ${deltaTypes})
            ) as text
          ), upd as (
            update runs set
              event_count = event_count + (select count(*) from ins),
              last_seq = greatest(coalesce(last_seq, -1), (select max(seq) from ins)),
              input_tokens = input_tokens + coalesce((select sum((usage->>'inputTokens')::bigint) from ins), 0),
              output_tokens = output_tokens + coalesce((select sum((usage->>'outputTokens')::bigint) from ins), 0),
              total_tokens = total_tokens + coalesce((select sum((usage->>'inputTokens')::bigint
                + (usage->>'outputTokens')::bigint) from ins), 0),
              cost_usd = cost_usd + coalesce((select sum(coalesce((i.usage->>'costUsd')::float8, c.price_cost))
                from ins i left join costs c on c.seq = i.seq where i.usage is not null), 0),
              cost_source = case
                when exists (select 1 from ins where usage ? 'costUsd') then 'client'::cost_source
                when exists (select 1 from ins join costs using (seq)) then coalesce(cost_source, 'price'::cost_source)
                else cost_source end,
              search = case when length(btrim((select text from words))) > 0
                then strip(coalesce(search, ''::tsvector) || to_tsvector(${tsConfig}, (select text from words)))
                else search end,
              model = coalesce(model, (select usage->>'model' from ins where usage ? 'model' order by seq limit 1)),
              updated_at = now()
            where id = (select id from run) and exists (select 1 from ins)
            returning user_id
          )
          select exists (select 1 from run) as found,
                 (select count(*) from ins)::int as accepted,
                 (select array_agg(seq) from ins where usage is not null) as usage_seqs,
                 (select user_id from upd) as user_id`,
    );
    if (!row?.found) throw notFound('Run');
    const duplicates = events.length - row.accepted;
    if (duplicates > 0) {
      // Events this call inserted equal their input, so any difference is with an event stored before.
      const clashes = await queryRows<{ seq: number }>(
        tx,
        sql`select x.seq from jsonb_to_recordset(${batch}::jsonb) as x(seq int, type text, payload jsonb)
            join run_events e on e.run_id = ${runId}::uuid and e.seq = x.seq
            where e.type <> x.type or e.payload <> coalesce(x.payload, '{}'::jsonb)
            order by x.seq`,
      );
      if (clashes.length > 0) {
        const seqs = clashes.map((c) => c.seq);
        throw new AppError(
          'conflict',
          `Events with seq ${seqs.slice(0, 10).join(', ')} are already stored with a different type or payload`,
          { seqs },
        );
      }
    }
    const usageSeqs = parseIntArray(row.usage_seqs);
    if (usageSeqs.length > 0) {
      await onUsageEventsAccepted(tx, {
        projectId,
        runId,
        userId: row.user_id,
        events: acceptedUsage(events, new Set(usageSeqs), priced),
      });
    }
    return { accepted: row.accepted, duplicates };
  });
}

type AppendRow = {
  found: boolean;
  accepted: number;
  usage_seqs: number[] | string | null;
  user_id: string | null;
};

/** An int[] as the driver gives it: an array (postgres.js), or Postgres' text form `{1,2}` (raw PGlite). */
function parseIntArray(value: number[] | string | null): number[] {
  if (!value) return [];
  if (Array.isArray(value)) return value.map(Number);
  return value.replace(/[{}]/g, '').split(',').filter(Boolean).map(Number);
}

/** The `usage` events among those this call stored (the contract validated their payloads). */
function acceptedUsage(
  events: EventInput[],
  stored: Set<number>,
  priced: Map<number, number> | null,
): AcceptedUsage['events'] {
  const out: AcceptedUsage['events'] = [];
  for (const e of events) {
    if (e.type !== 'usage' || !stored.has(e.seq)) continue;
    const p = e.payload as UsageEventPayload;
    out.push({
      seq: e.seq,
      inputTokens: p.inputTokens,
      outputTokens: p.outputTokens,
      ...(p.model ? { model: p.model } : {}),
      ...(p.costUsd !== undefined
        ? { costUsd: p.costUsd }
        : priced?.has(e.seq)
          ? { costUsd: priced.get(e.seq) }
          : {}),
    });
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/**
 * The price-table cost of each `usage` event that carries tokens and no cost (by seq), priced for the
 * event's model (else the run's) at the event's time; null when no event needs one. A client-sent cost wins.
 */
async function priceUsageEvents(
  tx: DbOrTx,
  projectId: string,
  runId: string,
  events: EventInput[],
): Promise<Map<number, number> | null> {
  const unpriced = events.filter(
    (e) => e.type === 'usage' && (e.payload as UsageEventPayload).costUsd === undefined,
  );
  if (unpriced.length === 0) return null;
  const [run] = await tx
    .select({ model: runs.model })
    .from(runs)
    .where(and(eq(runs.id, runId), eq(runs.projectId, projectId)));
  if (!run) return null;
  const out = new Map<number, number>();
  for (const e of unpriced) {
    const p = e.payload as UsageEventPayload;
    const cost = await priceCost(tx, projectId, p.model ?? run.model, e.ts ? new Date(e.ts) : new Date(), {
      inputTokens: p.inputTokens,
      outputTokens: p.outputTokens,
      cachedInputTokens: p.cachedInputTokens,
    });
    if (cost !== null) out.set(e.seq, cost);
  }
  return out.size > 0 ? out : null;
}

export function toEventDto(e: RunEvent): EventDto {
  return {
    seq: e.seq,
    type: e.type,
    ts: iso(e.ts),
    payload: e.payload as EventDto['payload'],
    createdAt: iso(e.createdAt),
  };
}

/** Events with seq > afterSeq, ascending; keyset on seq (the cursor is the last seq). */
export async function listEvents(
  db: DbOrTx,
  projectId: string,
  runId: string,
  opts: { afterSeq?: number; limit: number; cursor?: string },
): Promise<{ data: RunEvent[]; nextCursor: string | null }> {
  await assertRunInProject(db, projectId, runId);
  let after = opts.afterSeq ?? -1;
  if (opts.cursor) {
    const key = decodeCursor(opts.cursor, 1);
    if (!key || typeof key[0] !== 'number') throw new AppError('bad_request', 'Invalid cursor');
    after = key[0];
  }
  const rows = await db
    .select()
    .from(runEvents)
    .where(and(eq(runEvents.runId, runId), gt(runEvents.seq, after)))
    .orderBy(asc(runEvents.seq))
    .limit(opts.limit + 1);
  const more = rows.length > opts.limit;
  const data = more ? rows.slice(0, opts.limit) : rows;
  return { data, nextCursor: more ? encodeCursor([data[data.length - 1]!.seq]) : null };
}
