import { expect, it } from 'vitest';
import { appendEvents } from '@/server/events';
import { runsChangeMarker, updateRun, watchedRunIds } from '@/server/runs';
import { isStale, staleBefore } from '@/lib/run-liveness';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';

describeEachDb('the change marker of the runs a page watches', ({ db }) => {
  it('moves when a watched run receives events or changes, and only then', async () => {
    const p = await makeProject(db());
    const other = await makeProject(db());
    const a = await makeRun(db(), p.id, { name: 'a', status: 'running' });
    const b = await makeRun(db(), p.id, { name: 'b', status: 'queued' });
    const done = await makeRun(db(), p.id, { name: 'done', status: 'succeeded' });
    const ids = watchedRunIds([a, b, done]);
    expect(ids).toEqual([a.id, b.id]);

    const m0 = await runsChangeMarker(db(), p.id, ids);
    // Nothing happened to them (another run changed): the same marker, as often as it is asked.
    await appendEvents(db(), p.id, done.id, [{ seq: 0, type: 'user-message', payload: { text: 'x' } }]);
    expect(await runsChangeMarker(db(), p.id, ids)).toBe(m0);
    expect(await runsChangeMarker(db(), p.id, ids)).toBe(m0);

    await appendEvents(db(), p.id, a.id, [{ seq: 0, type: 'user-message', payload: { text: 'hi' } }]);
    const m1 = await runsChangeMarker(db(), p.id, ids);
    expect(m1).not.toBe(m0);
    // A retried batch stores nothing new.
    await appendEvents(db(), p.id, a.id, [{ seq: 0, type: 'user-message', payload: { text: 'hi' } }]);
    expect(await runsChangeMarker(db(), p.id, ids)).toBe(m1);

    await updateRun(db(), p.id, b.id, { status: 'succeeded' });
    expect(await runsChangeMarker(db(), p.id, ids)).not.toBe(m1);

    // Scoped: another project's marker of these ids sees none of them.
    expect(await runsChangeMarker(db(), other.id, ids)).toBe('0:');
    expect(await runsChangeMarker(db(), p.id, [])).toBe('0');
  });

  it('calls a running run stale once nothing touched it for the configured time', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id, { name: 'r', status: 'running' });
    const now = run.updatedAt.getTime();
    expect(isStale(run, staleBefore(now))).toBe(false);
    expect(isStale(run, staleBefore(now + 9 * 60_000))).toBe(false);
    expect(isStale(run, staleBefore(now + 11 * 60_000))).toBe(true);
    const finished = await updateRun(db(), p.id, run.id, { status: 'failed' });
    expect(isStale(finished, staleBefore(now + 11 * 60_000))).toBe(false);
  });
});
