import 'server-only';
import { and, asc, gt, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { relation } from '@/db/relation';
import {
  PG_FOREIGN_KEY_VIOLATION,
  PG_UNIQUE_VIOLATION,
  pgConstraint,
  pgErrorCode,
  queryRowsPrepared,
} from '@/db/sql';
import { type RunEvent, runEvents } from '@/db/schema';
import type { AppendEventsResult, EventDto, EventInput } from '@/lib/contract';
import { decodeCursor, encodeCursor } from '@/lib/cursor';
import type { PhaseTimer } from '@/lib/phase-timer';
import { iso } from '@/lib/time';
import { AppError, notFound } from '../errors';
import { assertRunInProject } from '../runs/scope';
import { searchWordsOf } from '../search/text';
import { afterEventsStoredSql, type StoredEvents, storedEventReturning } from './after-store';
import { eventsOfRun } from './partitions';
import { onUsageEventsAccepted, type PricedUsage } from './usage-hook';

export type AppendOptions = {
  /**
   * The JSON text `{"events": [...]}` the validated `events` were parsed from (a request body checked by
   * appendEventsBody, a strict schema without transforms, so it holds exactly them): sent to Postgres
   * as it came instead of serializing the events again.
   */
  bodyJson?: string;
  timing?: PhaseTimer;
};

/**
 * Appends a batch of events. A seq already stored with the same type and payload is a duplicate (a
 * safe retry); with another type or payload the whole batch is refused (409, nothing stored). The
 * run's event_count/last_seq, search words, and for newly stored `usage` events its token and cost
 * totals and the usage ledger, move atomically with the events. A run deleted meanwhile is a 404.
 *
 * A batch without `usage` events is first tried as one autocommit statement (one round trip, no
 * BEGIN/COMMIT) with a plain INSERT: the common case, every event new. A seq already stored (or being
 * stored by a concurrent append) makes it fail on the unique index with nothing stored, and the batch is
 * appended again in a transaction with ON CONFLICT DO NOTHING, which answers the duplicates or the 409.
 * (ON CONFLICT's speculative insertion cost a quarter more database time per event than a plain insert,
 * for retries that are rare.)
 */
export async function appendEvents(
  db: DbOrTx,
  projectId: string,
  runId: string,
  events: EventInput[],
  opts: AppendOptions = {},
): Promise<AppendOutcome> {
  const timing = opts.timing;
  let t = performance.now();
  const batch = opts.bodyJson ?? JSON.stringify({ events });
  timing?.add('serialize', performance.now() - t);
  t = performance.now();
  const words = searchWordsOf(events);
  timing?.add('words', performance.now() - t);
  try {
    if (!events.some((e) => e.type === 'usage')) {
      t = performance.now();
      try {
        const [row] = await queryRowsPrepared<AppendRow>(
          db,
          appendSql(projectId, runId, batch, words, false),
        );
        if (!row?.found) throw notFound('Run');
        if (row.current)
          return {
            accepted: row.accepted,
            duplicates: events.length - row.accepted,
            eventCount: row.event_count,
          };
        // The run changed since the statement began (a checkpoint was written, or another append
        // landed): nothing was stored; the transaction's way runs it again under the run's lock.
      } catch (err) {
        if (!isStoredSeq(err)) throw err;
      } finally {
        timing?.add('db', performance.now() - t);
      }
    }
    t = performance.now();
    try {
      return await appendEventsTx(db, projectId, runId, events, batch, words);
    } finally {
      timing?.add('db tx', performance.now() - t);
    }
  } catch (err) {
    if (pgErrorCode(err) === PG_FOREIGN_KEY_VIOLATION) throw notFound('Run');
    throw err;
  }
}

/** The plain insert met a seq already stored: the batch goes the transaction's way. */
function isStoredSeq(err: unknown): boolean {
  // The violation names the partition's copy of the key (run_events_p2026_01_pkey, run_events_default_pkey).
  return (
    pgErrorCode(err) === PG_UNIQUE_VIOLATION &&
    /^run_events_(pk|p\d{4}_\d{2}_pkey|default_pkey)$/.test(pgConstraint(err) ?? '')
  );
}

/**
 * The append statement: check the run, insert the events, then the step after events are stored
 * (counters, usage totals and prices, search words; shared with OTLP assembly) on what was inserted.
 * `batch` is JSON text `{"events": [...]}`; defaults in SQL (a JSON null payload reads as SQL null, so it
 * becomes {} like a missing one; seq goes through numeric so `1.0` reads as 1, as JSON.parse has it).
 * `skipStored`: ON CONFLICT DO NOTHING (the transaction's way); without it a seq already stored fails
 * the statement (appendEvents). `words`: the batch's search words (searchWordsOf), else null to take
 * them from the stored events in SQL.
 */
function appendSql(
  projectId: string,
  runId: string,
  batch: string,
  words: string | null,
  skipStored: boolean,
) {
  // The body is one parameter, parsed once (`body`), whoever reads it.
  const stored: StoredEvents = {
    base: relation(
      'base',
      ['run_id', 'fresh'],
      sql`
        select id as run_id, false as fresh from run
      `,
    ),
    ins: relation(
      'ins',
      ['run_id', 'seq', 'type', 'txt', 'ts', 'usage'],
      sql`
        insert into run_events (project_id, run_id, run_created_at, seq, type, ts, payload)
        select run.project_id, run.id, run.created_at, x.seq::int, x.type, coalesce(x.ts, now()), coalesce(x.payload, '{}'::jsonb)
        from run, jsonb_to_recordset((select events from body))
          as x(seq numeric, type text, ts timestamptz, payload jsonb)
        ${skipStored ? sql`on conflict (run_id, seq, project_id, run_created_at) do nothing` : sql``}
        returning ${storedEventReturning(words === null)}, ts, case when type = 'usage' then payload end as usage
      `,
    ),
    usage: relation(
      'usage',
      ['run_id', 'ord', 'key', 'at', 'payload'],
      sql`
        select run_id, seq as ord, seq::text as key, ts as at, usage as payload from ins where usage is not null
      `,
    ),
  };
  // The run's row lock comes first (the events' checkpoints are written under it), and the statement
  // only stores when the row it locked is the one its snapshot sees: a checkpoint written (or an append
  // committed) after the statement began, which its delete of outdated checkpoints could not see, makes
  // it store nothing (`current` false) so that the caller runs it again under the lock.
  const key = sql`id = ${runId}::uuid and project_id = ${projectId}::uuid`;
  return sql`with body as (
        select ${batch}::jsonb -> 'events' as events
      ), locked as (
        select id, project_id, created_at, xmin::text as version from runs where ${key} for no key update
      ), run as (
        select id, project_id, created_at from locked
        where version = (select xmin::text from runs where ${key})
      ), ${afterEventsStoredSql(projectId, stored, { words })}
      select exists (select 1 from locked) as found, exists (select 1 from run) as current,
             (select count(*) from ins)::int as accepted,
             (select json_agg(json_build_object('seq', ord, 'inputTokens', input_tokens,
                'outputTokens', output_tokens, 'model', event_model, 'costUsd', cost_usd) order by ord)
              from priced) as usage,
             (select user_id from upd) as user_id,
             (select event_count from upd) as event_count`;
}

async function appendEventsTx(
  db: DbOrTx,
  projectId: string,
  runId: string,
  events: EventInput[],
  batch: string,
  words: string | null,
): Promise<AppendOutcome> {
  return db.transaction(async (tx) => {
    let [row] = await queryRowsPrepared<AppendRow>(tx, appendSql(projectId, runId, batch, words, true));
    // The run changed since the statement began: it stored nothing, but holds the run's lock from
    // there to the commit, so the second try's snapshot sees the run as it stays.
    if (row?.found && !row.current) {
      [row] = await queryRowsPrepared<AppendRow>(tx, appendSql(projectId, runId, batch, words, true));
    }
    if (!row?.found) throw notFound('Run');
    if (!row.current) throw new Error('append: the run changed under its lock');
    const duplicates = events.length - row.accepted;
    if (duplicates > 0) {
      // Events this call inserted equal their input, so any difference is with an event stored before.
      const clashes = await queryRowsPrepared<{ seq: number }>(
        tx,
        sql`select x.seq::int as seq from jsonb_to_recordset(${batch}::jsonb -> 'events')
              as x(seq numeric, type text, payload jsonb)
            join run_events e on e.run_id = ${runId}::uuid and e.seq = x.seq::int
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
    return { accepted: row.accepted, duplicates, eventCount: row.event_count };
  });
}

type AppendRow = {
  found: boolean;
  /** False when the run's row changed since the statement began: nothing was stored (appendSql). */
  current: boolean;
  accepted: number;
  usage: PricedUsage[] | string | null;
  user_id: string | null;
  /** The run's event count after the append (null when nothing was inserted). */
  event_count: number | null;
};

/** What an append did, with the run's event count after it (for the caller, not the API's answer). */
export type AppendOutcome = AppendEventsResult & { eventCount: number | null };

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
    .where(and(eventsOfRun(projectId, runId), gt(runEvents.seq, after)))
    .orderBy(asc(runEvents.seq))
    .limit(opts.limit + 1);
  const more = rows.length > opts.limit;
  const data = more ? rows.slice(0, opts.limit) : rows;
  return { data, nextCursor: more ? encodeCursor([data[data.length - 1]!.seq]) : null };
}
