import 'server-only';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import { type RunEvent, runEvents, runs } from '@/db/schema';
import type { AppendEventsResult, EventDto, EventInput } from '@/lib/contract';
import { decodeCursor, encodeCursor } from '@/lib/cursor';
import { iso } from '@/lib/time';
import { AppError, notFound } from '../errors';

/**
 * Appends a batch of events in one INSERT ... SELECT with ON CONFLICT DO NOTHING. A seq already stored
 * with the same type and payload is a duplicate (a safe retry); with another type or payload the whole
 * batch is refused (409, nothing stored). The run's event_count/last_seq move in the same transaction.
 */
export async function appendEvents(
  db: DbOrTx,
  projectId: string,
  runId: string,
  events: EventInput[],
): Promise<AppendEventsResult> {
  const batch = JSON.stringify(
    events.map((e) => ({ seq: e.seq, type: e.type, ts: e.ts ?? null, payload: e.payload ?? {} })),
  );
  return db.transaction(async (tx) => {
    const [run] = await tx
      .select({ id: runs.id })
      .from(runs)
      .where(and(eq(runs.id, runId), eq(runs.projectId, projectId)));
    if (!run) throw notFound('Run');

    const inserted = await queryRows<{ seq: number }>(
      tx,
      sql`insert into run_events (run_id, seq, type, ts, payload)
          select ${runId}::uuid, x.seq, x.type, coalesce(x.ts, now()), x.payload
          from jsonb_to_recordset(${batch}::jsonb) as x(seq int, type text, ts timestamptz, payload jsonb)
          on conflict (run_id, seq) do nothing
          returning seq`,
    );
    const duplicates = events.length - inserted.length;
    if (duplicates > 0) {
      const insertedSeqs = inserted.map((r) => r.seq);
      const clashes = await queryRows<{ seq: number }>(
        tx,
        sql`select x.seq from jsonb_to_recordset(${batch}::jsonb) as x(seq int, type text, payload jsonb)
            join run_events e on e.run_id = ${runId}::uuid and e.seq = x.seq
            where not (x.seq = any(${`{${insertedSeqs.join(',')}}`}::int[]))
              and (e.type <> x.type or e.payload <> x.payload)
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
    if (inserted.length > 0) {
      const maxSeq = Math.max(...inserted.map((r) => r.seq));
      await tx
        .update(runs)
        .set({
          eventCount: sql`${runs.eventCount} + ${inserted.length}`,
          lastSeq: sql`greatest(coalesce(${runs.lastSeq}, -1), ${maxSeq})`,
          updatedAt: new Date(),
        })
        .where(eq(runs.id, runId));
    }
    return { accepted: inserted.length, duplicates };
  });
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
  const [run] = await db
    .select({ id: runs.id })
    .from(runs)
    .where(and(eq(runs.id, runId), eq(runs.projectId, projectId)));
  if (!run) throw notFound('Run');
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
