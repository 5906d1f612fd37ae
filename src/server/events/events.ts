import 'server-only';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { PG_FOREIGN_KEY_VIOLATION, pgErrorCode, queryRowsPrepared } from '@/db/sql';
import { type RunEvent, runEvents } from '@/db/schema';
import type { AppendEventsResult, EventDto, EventInput } from '@/lib/contract';
import { decodeCursor, encodeCursor } from '@/lib/cursor';
import { iso } from '@/lib/time';
import { AppError, notFound } from '../errors';
import { assertRunInProject } from '../runs/scope';
import { afterEventsStoredSql, storedEventReturning } from './after-store';
import { onUsageEventsAccepted, type PricedUsage } from './usage-hook';

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
  // The validated events carry only seq/type/ts/payload: serialized as they are, defaults in SQL (a
  // JSON null payload reads as SQL null, so it becomes {} like a missing one).
  const batch = JSON.stringify(events);
  return db.transaction(async (tx) => {
    // One statement on the common path (round trips dominate on a busy host): check the run, insert
    // what is new, then the step after events are stored (counters, usage totals and prices, search
    // words; shared with OTLP assembly) on what was inserted.
    const [row] = await queryRowsPrepared<AppendRow>(
      tx,
      sql`with run as (
            select id from runs where id = ${runId}::uuid and project_id = ${projectId}::uuid
          ), base as (
            select id as run_id, false as fresh from run
          ), ins as (
            insert into run_events (run_id, seq, type, ts, payload)
            select run.id, x.seq, x.type, coalesce(x.ts, now()), coalesce(x.payload, '{}'::jsonb)
            from run, jsonb_to_recordset(${batch}::jsonb) as x(seq int, type text, ts timestamptz, payload jsonb)
            on conflict (run_id, seq) do nothing
            returning ${storedEventReturning}, ts, case when type = 'usage' then payload end as usage
          ), usage as (
            select run_id, seq as ord, seq::text as key, ts as at, usage as payload from ins where usage is not null
          ), ${afterEventsStoredSql(projectId)}
          select exists (select 1 from run) as found,
                 (select count(*) from ins)::int as accepted,
                 (select json_agg(json_build_object('seq', ord, 'inputTokens', input_tokens,
                    'outputTokens', output_tokens, 'model', event_model, 'costUsd', cost_usd) order by ord)
                  from priced) as usage,
                 (select user_id from upd) as user_id`,
    );
    if (!row?.found) throw notFound('Run');
    const duplicates = events.length - row.accepted;
    if (duplicates > 0) {
      // Events this call inserted equal their input, so any difference is with an event stored before.
      const clashes = await queryRowsPrepared<{ seq: number }>(
        tx,
        sql`select x.seq from jsonb_to_recordset(${batch}::jsonb) as x(seq int, type text, payload jsonb)
            join run_events e on e.run_id = ${runId}::uuid and e.seq = x.seq
            where e.type <> x.type or e.payload <> coalesce(x.payload, '{}'::jsonb)
            order by x.seq`,
      );
      if (clashes.length > 0) {
        const seqs = clashes.map((c) => Number(c.seq));
        throw new AppError(
          'conflict',
          `Events with seq ${seqs.slice(0, 10).join(', ')} are already stored with a different type or payload`,
          { seqs },
        );
      }
    }
    const usage = parseJson<PricedUsage[]>(row.usage);
    if (usage && usage.length > 0) {
      await onUsageEventsAccepted(tx, { projectId, runId, userId: row.user_id, events: usage });
    }
    return { accepted: row.accepted, duplicates };
  });
}

type AppendRow = {
  found: boolean;
  accepted: number;
  usage: PricedUsage[] | string | null;
  user_id: string | null;
};

/** A json column as the driver gives it: parsed (postgres.js), or its text (raw PGlite). */
function parseJson<T>(value: T | string | null): T | null {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
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
