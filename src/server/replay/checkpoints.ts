import 'server-only';
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { runTranscriptCheckpoints } from '@/db/schema';
import { queryRows, queryRowsPrepared } from '@/db/sql';
import {
  type ReplayBase,
  type ReplayClock,
  startClock,
  TranscriptFolder,
  type TranscriptState,
  tick,
} from '@/lib/replay/transcript';
import { AppError } from '../errors';
import { assertRunInProject } from '../runs/scope';
import { decodeCheckpoint, encodeCheckpoint, type StoredCheckpoint } from './codec';

/** Events folded between two checkpoints: a `?seq=` link sends the browser at most this many to fold. */
export const CHECKPOINT_EVERY = 1000;

/** The largest seq (an int4 column). */
const MAX_SEQ = 2_147_483_647;

type Row = { seq: number; eventCount: number; state: unknown };

/** The run's chain up to `uptoSeq`, decoded: the state at its last checkpoint (null: no checkpoint). */
async function readChain(db: DbOrTx, runId: string, uptoSeq: number): Promise<ReplayBase | null> {
  const rows: Row[] = await db
    .select({
      seq: runTranscriptCheckpoints.seq,
      eventCount: runTranscriptCheckpoints.eventCount,
      state: runTranscriptCheckpoints.state,
    })
    .from(runTranscriptCheckpoints)
    .where(and(eq(runTranscriptCheckpoints.runId, runId), lte(runTranscriptCheckpoints.seq, uptoSeq)))
    .orderBy(asc(runTranscriptCheckpoints.seq));
  let state: TranscriptState | null = null;
  let last: (Row & { clock: ReplayClock }) | null = null;
  for (const r of rows) {
    // A chain with a hole (a write that lost a race with an out-of-order insert) ends before it.
    if (last ? r.eventCount !== last.eventCount + CHECKPOINT_EVERY : r.eventCount !== CHECKPOINT_EVERY) break;
    const stored = r.state as StoredCheckpoint;
    state = decodeCheckpoint(state, stored);
    last = { ...r, clock: stored.clock };
  }
  if (!last || !state) return null;
  return { count: last.eventCount, seq: last.seq, clock: last.clock, transcript: state };
}

/**
 * Folds the run's events into checkpoints every CHECKPOINT_EVERY events, from its last valid one up to
 * the one covering `uptoSeq` (all of them by default). Each is written in a transaction holding the
 * run row's lock and only if the events it folded are still exactly those stored (none inserted
 * before it since it was read), and after its predecessor: an append that lands meanwhile either
 * waits for it and then deletes it (the run_events trigger), or makes the check fail.
 */
export async function ensureCheckpoints(
  db: DbOrTx,
  runId: string,
  uptoSeq = MAX_SEQ,
  /** The last checkpoint this process wrote for the run: used when it is still stored (saves the chain read). */
  from: ReplayBase | null = null,
): Promise<{ written: number; last: ReplayBase | null }> {
  let base = from && (await stillStored(db, runId, from)) ? from : await readChain(db, runId, MAX_SEQ);
  if (base && base.seq >= uptoSeq) return { written: 0, last: base };
  const folder = TranscriptFolder.from(base?.transcript ?? null);
  const clock = base ? { ...base.clock } : startClock();
  let prev = base?.transcript ?? null;
  let written = 0;
  for (;;) {
    const after = base?.seq ?? -1;
    const page = await readPage(db, runId, after);
    if (page.length < CHECKPOINT_EVERY) return { written, last: base };
    for (const e of page) {
      tick(clock, e.ms);
      folder.apply({
        seq: e.seq,
        type: e.type,
        payload: typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload,
      });
    }
    const state = folder.state();
    const seq = page.at(-1)!.seq;
    const eventCount = (base?.count ?? 0) + CHECKPOINT_EVERY;
    const stored = encodeCheckpoint(prev, state, clock);
    const ok = await db.transaction(async (tx) => {
      await tx.execute(sql`select 1 from runs where id = ${runId}::uuid for share`);
      const [row] = await queryRows<{ n: number }>(
        tx,
        sql`insert into run_transcript_checkpoints (run_id, seq, event_count, state)
            select ${runId}::uuid, ${seq}, ${eventCount}, ${JSON.stringify(stored)}::jsonb
            where (select count(*) from run_events where run_id = ${runId}::uuid
                     and seq > ${after} and seq <= ${seq}) = ${CHECKPOINT_EVERY}
              and (${after} = -1 or exists (select 1 from run_transcript_checkpoints
                     where run_id = ${runId}::uuid and seq = ${after} and event_count = ${eventCount - CHECKPOINT_EVERY}))
            on conflict do nothing
            returning 1 as n`,
      );
      return !!row;
    });
    if (!ok) return { written, last: null };
    written++;
    prev = state;
    base = { count: eventCount, seq, clock: { ...clock }, transcript: state };
    if (seq >= uptoSeq) return { written, last: base };
  }
}

/**
 * The next CHECKPOINT_EVERY events after `after`. Raw rows, not the ORM's: this is the background
 * pass's hot loop, and mapping each row's columns (a Date per timestamp, read back as text) cost more
 * than folding it. The time comes as epoch milliseconds, truncated as a JS Date would hold it.
 */
function readPage(db: DbOrTx, runId: string, after: number) {
  return queryRowsPrepared<{ seq: number; type: string; ms: number; payload: unknown }>(
    db,
    sql`select seq, type, floor(extract(epoch from ts) * 1000)::float8 as ms, payload
        from run_events where run_id = ${runId}::uuid and seq > ${after}
        order by seq limit ${CHECKPOINT_EVERY}`,
  );
}

/** Whether a checkpoint is still stored: the trigger deletes a stale one with all after it, so its chain is whole. */
async function stillStored(db: DbOrTx, runId: string, cp: ReplayBase): Promise<boolean> {
  const rows = await db
    .select({ seq: runTranscriptCheckpoints.seq })
    .from(runTranscriptCheckpoints)
    .where(
      and(
        eq(runTranscriptCheckpoints.runId, runId),
        eq(runTranscriptCheckpoints.seq, cp.seq),
        eq(runTranscriptCheckpoints.eventCount, cp.count),
      ),
    );
  return rows.length > 0;
}

/**
 * Where a replay of the run at `seq` starts: the last checkpoint at or before it (folding the ones
 * missing first), or null when the run has fewer events before `seq` than one checkpoint holds.
 */
export async function replayBaseAt(
  db: DbOrTx,
  projectId: string,
  runId: string,
  seq: number,
): Promise<ReplayBase | null> {
  await assertRunInProject(db, projectId, runId);
  // Fold only when a checkpoint at or before `seq` is missing (usually the background pass has made it).
  const [due] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from run_events e
        where e.run_id = ${runId}::uuid and e.seq <= ${seq}
          and e.seq > coalesce((select max(c.seq) from run_transcript_checkpoints c
                                where c.run_id = ${runId}::uuid), -1)`,
  );
  if ((due?.n ?? 0) >= CHECKPOINT_EVERY) await ensureCheckpoints(db, runId, seq);
  return readChain(db, runId, seq);
}

/** The most parts one read of a checkpoint's left-out parts answers. */
export const BASE_PARTS_MAX = 500;

/**
 * Parts [from, to) of the open message of the run's checkpoint at `seq` (the base a `?seq=` page was
 * sent trimmed): what the replay fetches when the reader scrolls back before the parts it was sent.
 * `key` is the message the page holds; a checkpoint folded since with another message is not found.
 */
export async function baseParts(
  db: DbOrTx,
  projectId: string,
  runId: string,
  { seq, key, from, to }: { seq: number; key: string; from: number; to: number },
): Promise<unknown[]> {
  await assertRunInProject(db, projectId, runId);
  const base = await readChain(db, runId, seq);
  const open = base?.seq === seq ? base.transcript.open : null;
  if (!open || open.key !== key) throw new AppError('not_found', 'Transcript checkpoint not found');
  return open.state.parts.slice(Math.max(0, from), Math.min(to, from + BASE_PARTS_MAX));
}
