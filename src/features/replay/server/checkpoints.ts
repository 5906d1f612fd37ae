import 'server-only';
import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { MAX_INT32 } from '@/lib/contract/common';
import { runTranscriptCheckpoints } from '@/db/schema';
import { queryRows, queryRowsPrepared } from '@/db/sql';
import {
  type ReplayBase,
  type ReplayClock,
  startClock,
  TranscriptFolder,
  tick,
} from '@/features/replay/lib/transcript';
import { AppError } from '@/server/errors';
import { eventsOfRun } from '@/server/events/partitions';
import { assertRunInProject } from '@/server/runs/scope';
import { ChainDecoder, encodeCheckpoint, type StoredCheckpoint } from './codec';

/** Events folded between two checkpoints: a `?seq=` link sends the browser at most this many to fold. */
export const CHECKPOINT_EVERY = 1000;

/** The largest seq (an int4 column). */
const MAX_SEQ = MAX_INT32;

/**
 * Every this many checkpoints one is stored whole (a keyframe: a delta from nothing), so a read
 * decodes at most this many rows, however long the run. Measured at 1M events (bench/replay's agent
 * run): a read is about the keyframe's size (the transcript then, 8 MB of JSON), the deltas after it
 * add ~9 kB each (31 of them: 283 kB, +15% time); each keyframe costs the background fold ~0.5 s and
 * its storage, so 16 would double the fold (31 s → 61 s) and store 21 MB instead of 12 MB.
 */
export const KEYFRAME_EVERY = 32;

/** Whether the checkpoint folding `eventCount` events is stored whole: the first one and every KEYFRAME_EVERY-th after. */
const isKeyframe = (eventCount: number) => (eventCount / CHECKPOINT_EVERY - 1) % KEYFRAME_EVERY === 0;

/**
 * The rows a read of the run's chain up to `uptoSeq` decodes: from the last keyframe at or before it,
 * or from the chain's start when there is none (rows stored before keyframes were).
 */
export async function chainRows(db: DbOrTx, projectId: string, runId: string, uptoSeq: number) {
  const c = runTranscriptCheckpoints;
  const lastKeyframe = sql`coalesce((select max(k.seq) from run_transcript_checkpoints k
    where k.project_id = ${projectId}::uuid and k.run_id = ${runId}::uuid and k.seq <= ${uptoSeq}
      and k.keyframe), -1)`;
  return db
    .select({ seq: c.seq, eventCount: c.eventCount, keyframe: c.keyframe, state: c.state })
    .from(c)
    .where(and(eq(c.projectId, projectId), eq(c.runId, runId), lte(c.seq, uptoSeq), gte(c.seq, lastKeyframe)))
    .orderBy(asc(c.seq));
}

/** The run's chain up to `uptoSeq`, decoded: the state at its last checkpoint (null: no checkpoint). */
async function readChain(
  db: DbOrTx,
  projectId: string,
  runId: string,
  uptoSeq: number,
): Promise<ReplayBase | null> {
  const decoder = new ChainDecoder();
  let last: { seq: number; eventCount: number; clock: ReplayClock } | null = null;
  for (const r of await chainRows(db, projectId, runId, uptoSeq)) {
    // A chain with a hole (a write that lost a race with an out-of-order insert) ends before it; a
    // keyframe starts one (its predecessors were stored when it was written: a stale one takes the
    // keyframe with it).
    const follows = last
      ? r.eventCount === last.eventCount + CHECKPOINT_EVERY
      : r.keyframe || r.eventCount === CHECKPOINT_EVERY;
    if (!follows) break;
    const stored = r.state as StoredCheckpoint;
    decoder.apply(stored);
    last = { seq: r.seq, eventCount: r.eventCount, clock: stored.clock };
  }
  if (!last) return null;
  return { count: last.eventCount, seq: last.seq, clock: last.clock, transcript: decoder.state() };
}

/**
 * Folds the run's events into checkpoints every CHECKPOINT_EVERY events, from its last valid one up to
 * the one covering `uptoSeq` (all of them by default). Each is written in a transaction holding the
 * run row's lock and only if the events it folded are still exactly those stored (none inserted
 * before it since it was read), and after its predecessor: an append that lands meanwhile either
 * waits for it and then deletes it (the append's statement, checkpointsOutdatedSql), or makes the check fail.
 */
export async function ensureCheckpoints(
  db: DbOrTx,
  projectId: string,
  runId: string,
  uptoSeq = MAX_SEQ,
  /** The last checkpoint this process wrote for the run: used when it is still stored (saves the chain read). */
  from: ReplayBase | null = null,
): Promise<{ written: number; last: ReplayBase | null }> {
  const remembered = from !== null && (await stillStored(db, projectId, runId, from));
  let base = remembered ? from : await readChain(db, projectId, runId, MAX_SEQ);
  if (base && base.seq >= uptoSeq) return { written: 0, last: base };
  const folder = TranscriptFolder.from(base?.transcript ?? null);
  const clock = base ? { ...base.clock } : startClock();
  let prev = base?.transcript ?? null;
  let written = 0;
  for (;;) {
    const after = base?.seq ?? -1;
    const page = await readPage(db, projectId, runId, after);
    if (page.length < CHECKPOINT_EVERY) return { written, last: base };
    foldPage(folder, clock, page);
    const state = folder.state();
    const seq = page.at(-1)!.seq;
    const eventCount = (base?.count ?? 0) + CHECKPOINT_EVERY;
    const keyframe = isKeyframe(eventCount);
    const stored = encodeCheckpoint(keyframe ? null : prev, state, clock);
    const ok = await db.transaction(async (tx) => {
      // An update, not a share lock: it takes the run's row lock and gives the row a new version, which
      // tells an append that began before it and did not see this checkpoint to try again (appendEvents).
      await tx.execute(
        sql`update runs set updated_at = updated_at where project_id = ${projectId}::uuid and id = ${runId}::uuid`,
      );
      const [row] = await queryRows<{ n: number }>(
        tx,
        sql`insert into run_transcript_checkpoints (project_id, run_id, seq, event_count, keyframe, state)
            select r.project_id, r.id, ${seq}, ${eventCount}, ${keyframe}, ${JSON.stringify(stored)}::jsonb
            from runs r
            where r.project_id = ${projectId}::uuid and r.id = ${runId}::uuid
              and (select count(*) from run_events where ${eventsOfRun(projectId, runId)}
                     and seq > ${after} and seq <= ${seq}) = ${CHECKPOINT_EVERY}
              and (${after} = -1 or exists (select 1 from run_transcript_checkpoints
                     where project_id = ${projectId}::uuid and run_id = ${runId}::uuid and seq = ${after}
                       and event_count = ${eventCount - CHECKPOINT_EVERY}))
            on conflict do nothing
            returning 1 as n`,
      );
      return !!row;
    });
    if (!ok) {
      // The checkpoint this process remembered is stored but no longer the last: another server folded
      // the run further meanwhile. Go on from the stored chain rather than stop short of the end.
      if (remembered) {
        const rest = await ensureCheckpoints(db, projectId, runId, uptoSeq);
        return { written: written + rest.written, last: rest.last };
      }
      return { written, last: null };
    }
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
function readPage(db: DbOrTx, projectId: string, runId: string, after: number, upto = MAX_SEQ) {
  return queryRowsPrepared<RawEvent>(
    db,
    sql`select seq, type, floor(extract(epoch from ts) * 1000)::float8 as ms, payload
        from run_events where ${eventsOfRun(projectId, runId)} and seq > ${after} and seq <= ${upto}
        order by seq limit ${CHECKPOINT_EVERY}`,
  );
}

type RawEvent = { seq: number; type: string; ms: number; payload: unknown };

/** Folds events (in seq order) into a transcript and its replay clock, as the browser's replay does. */
function foldPage(folder: TranscriptFolder, clock: ReplayClock, page: RawEvent[]): void {
  for (const e of page) {
    tick(clock, e.ms);
    folder.apply({
      seq: e.seq,
      type: e.type,
      payload: typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload,
    });
  }
}

/**
 * The replay's state right after the run's last event at or before `seq`: its last checkpoint at or
 * before it with the (fewer than CHECKPOINT_EVERY, unless the background fold is behind) events after
 * that folded on here. Null without a checkpoint at or before `seq`.
 */
async function stateAt(
  db: DbOrTx,
  projectId: string,
  runId: string,
  seq: number,
  /** The last checkpoint at or before `seq`, when the caller has read it. */
  read?: ReplayBase,
): Promise<ReplayBase | null> {
  const checkpoint = read ?? (await readChain(db, projectId, runId, seq));
  if (!checkpoint || checkpoint.seq >= seq) return checkpoint;
  const page = await readPage(db, projectId, runId, checkpoint.seq, seq);
  if (page.length === 0) return checkpoint;
  const folder = TranscriptFolder.from(checkpoint.transcript);
  const clock = { ...checkpoint.clock };
  foldPage(folder, clock, page);
  return { count: checkpoint.count + page.length, seq: page.at(-1)!.seq, clock, transcript: folder.state() };
}

/** Whether a checkpoint is still stored: the trigger deletes a stale one with all after it, so its chain is whole. */
async function stillStored(db: DbOrTx, projectId: string, runId: string, cp: ReplayBase): Promise<boolean> {
  const rows = await db
    .select({ seq: runTranscriptCheckpoints.seq })
    .from(runTranscriptCheckpoints)
    .where(
      and(
        eq(runTranscriptCheckpoints.projectId, projectId),
        eq(runTranscriptCheckpoints.runId, runId),
        eq(runTranscriptCheckpoints.seq, cp.seq),
        eq(runTranscriptCheckpoints.eventCount, cp.count),
      ),
    );
  return rows.length > 0;
}

/**
 * The run's last checkpoint at or before `seq` (folding the ones missing first), or null when the run
 * has fewer events before `seq` than one checkpoint holds.
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
        where ${eventsOfRun(projectId, runId, 'e')} and e.seq <= ${seq}
          and e.seq > coalesce((select max(c.seq) from run_transcript_checkpoints c
                                where c.project_id = ${projectId}::uuid and c.run_id = ${runId}::uuid), -1)`,
  );
  if ((due?.n ?? 0) >= CHECKPOINT_EVERY) await ensureCheckpoints(db, projectId, runId, seq);
  return readChain(db, projectId, runId, seq);
}

/**
 * Where a replay of the run at `seq` starts: the state right after its last event at or before `seq`
 * (its checkpoint there, replayBaseAt, plus the events after it folded on: stateAt), so a `?seq=` page
 * carries only the events after that point; null as replayBaseAt.
 */
export async function replayStateAt(
  db: DbOrTx,
  projectId: string,
  runId: string,
  seq: number,
): Promise<ReplayBase | null> {
  const checkpoint = await replayBaseAt(db, projectId, runId, seq);
  return checkpoint && stateAt(db, projectId, runId, seq, checkpoint);
}

/** The most parts one read of a checkpoint's left-out parts answers. */
export const BASE_PARTS_MAX = 500;

/**
 * Parts [from, to) of the open message of the run's replay state at `seq` (the base a `?seq=` page was
 * sent trimmed, stateAt): what the replay fetches when the reader scrolls back before the parts it was
 * sent. `key` is the message the page holds; a state folded since with another message is not found.
 */
export async function baseParts(
  db: DbOrTx,
  projectId: string,
  runId: string,
  { seq, key, from, to }: { seq: number; key: string; from: number; to: number },
): Promise<unknown[]> {
  await assertRunInProject(db, projectId, runId);
  const base = await stateAt(db, projectId, runId, seq);
  const open = base?.seq === seq ? base.transcript.open : null;
  if (!open || open.key !== key) throw new AppError('not_found', 'Transcript checkpoint not found');
  return open.state.parts.slice(Math.max(0, from), Math.min(to, from + BASE_PARTS_MAX));
}
