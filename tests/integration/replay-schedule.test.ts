import { eq } from 'drizzle-orm';
import { expect, it, vi } from 'vitest';
import { runTranscriptCheckpoints } from '@/db/schema';
import type { EventInput } from '@/lib/contract';
import { appendEvents } from '@/server/events';
import { BACKGROUND_FOLD_FROM, CHECKPOINT_EVERY, scheduleCheckpoints } from '@/features/replay/server';
import { agentRun } from '../../scripts/lib/agent-run';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';

describeEachDb('replay checkpoints in the background', ({ db }) => {
  it('folds a long run after its appends and leaves a short one to be folded on demand', async () => {
    const p = await makeProject(db());
    const long = await makeRun(db(), p.id);
    const short = await makeRun(db(), p.id);
    // The short run first: were it folded, its pass would start first and, being shorter, end first.
    const sizes = [
      [short.id, BACKGROUND_FOLD_FROM - 500],
      [long.id, BACKGROUND_FOLD_FROM + 500],
    ] as const;
    for (const [runId, n] of sizes) {
      const events = agentRun(n) as EventInput[];
      let count: number | null = null;
      for (let i = 0; i < events.length; i += 1000) {
        ({ eventCount: count } = await appendEvents(db(), p.id, runId, events.slice(i, i + 1000)));
        scheduleCheckpoints(db(), p.id, runId, count ?? 0);
      }
      expect(count).toBe(n);
    }
    const folded = async (runId: string) =>
      db()
        .select({ seq: runTranscriptCheckpoints.seq })
        .from(runTranscriptCheckpoints)
        .where(eq(runTranscriptCheckpoints.runId, runId));
    // The long run's pass starts once it has been quiet for a second.
    await vi.waitFor(
      async () =>
        expect(await folded(long.id)).toHaveLength(
          Math.floor((BACKGROUND_FOLD_FROM + 500) / CHECKPOINT_EVERY),
        ),
      {
        timeout: 15_000,
        interval: 200,
      },
    );
    // Both were scheduled alike; only the long one was folded (the short one holds 4 checkpoints' worth).
    expect(await folded(short.id)).toEqual([]);
  });
});
