import 'server-only';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { PG_FOREIGN_KEY_VIOLATION, pgErrorCode, queryRows } from '@/db/sql';
import { type RunEvent, runEvents, runs } from '@/db/schema';
import type { AppendEventsResult, EventDto, EventInput, UsageEventPayload } from '@/lib/contract';
import { decodeCursor, encodeCursor } from '@/lib/cursor';
import { iso } from '@/lib/time';
import { AppError, notFound } from '../errors';
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
      let maxSeq = -1;
      for (const r of inserted) if (r.seq > maxSeq) maxSeq = r.seq;
      const usage = acceptedUsage(events, inserted, duplicates > 0);
      const input = usage.reduce((n, u) => n + u.inputTokens, 0);
      const output = usage.reduce((n, u) => n + u.outputTokens, 0);
      const cost = usage.reduce((n, u) => n + (u.costUsd ?? 0), 0);
      const model = usage.find((u) => u.model)?.model;
      const [updated] = await tx
        .update(runs)
        .set({
          eventCount: sql`${runs.eventCount} + ${inserted.length}`,
          lastSeq: sql`greatest(coalesce(${runs.lastSeq}, -1), ${maxSeq})`,
          updatedAt: new Date(),
          ...(usage.length > 0
            ? {
                inputTokens: sql`${runs.inputTokens} + ${input}`,
                outputTokens: sql`${runs.outputTokens} + ${output}`,
                totalTokens: sql`${runs.totalTokens} + ${input + output}`,
                costUsd: sql`${runs.costUsd} + ${cost}`,
                ...(model ? { model: sql`coalesce(${runs.model}, ${model})` } : {}),
              }
            : {}),
        })
        .where(eq(runs.id, runId))
        .returning({ userId: runs.userId });
      if (usage.length > 0) {
        await onUsageEventsAccepted(tx, { projectId, runId, userId: updated?.userId ?? null, events: usage });
      }
    }
    return { accepted: inserted.length, duplicates };
  });
}

/** The `usage` events among those this call stored (the contract validated their payloads). */
function acceptedUsage(
  events: EventInput[],
  inserted: { seq: number }[],
  someDuplicates: boolean,
): AcceptedUsage['events'] {
  const stored = someDuplicates ? new Set(inserted.map((r) => r.seq)) : null;
  const out: AcceptedUsage['events'] = [];
  for (const e of events) {
    if (e.type !== 'usage' || (stored && !stored.has(e.seq))) continue;
    const p = e.payload as UsageEventPayload;
    out.push({
      seq: e.seq,
      inputTokens: p.inputTokens,
      outputTokens: p.outputTokens,
      ...(p.model ? { model: p.model } : {}),
      ...(p.costUsd !== undefined ? { costUsd: p.costUsd } : {}),
    });
  }
  return out.sort((a, b) => a.seq - b.seq);
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
