import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '@/db/sql';
import { RUN_ROWS } from '@/server/retention';
import { describeEachDb } from '../helpers/db';

describeEachDb('retention covers every table under a run', ({ db }) => {
  it('removes (or detaches) rows of each table that references runs, directly, through another or itself', async () => {
    // The migrated schema's foreign keys, followed from `runs` to every table that depends on it (a
    // partitioned table's partitions carry copies of its keys: the table stands for them).
    const edges = await queryRows<{ child: string; parent: string; on_delete: string }>(
      db(),
      sql`select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent,
            c.confdeltype::text as on_delete
          from pg_constraint c join pg_namespace n on n.oid = c.connamespace
          join pg_class t on t.oid = c.conrelid
          where c.contype = 'f' and n.nspname = 'public' and not t.relispartition`,
    );
    const under = new Set<string>();
    let frontier = ['runs'];
    while (frontier.length > 0) {
      const next = edges
        .filter((e) => frontier.includes(e.parent) && e.child !== e.parent && !under.has(e.child))
        .map((e) => e.child);
      for (const t of next) under.add(t);
      frontier = [...new Set(next)];
    }
    // A child run references its parent: runs is under runs too.
    if (edges.some((e) => e.child === 'runs' && e.parent === 'runs')) under.add('runs');
    expect(under.size).toBeGreaterThanOrEqual(6);
    expect([...under].sort()).toEqual([...new Set(RUN_ROWS.map((s) => s.table))].sort());
    // No key to runs sets null or a default on delete (Citus refuses those on a key holding the
    // distribution column): one either cascades, after its batches, or takes no action and is cleared.
    const toRuns = edges.filter((e) => e.parent === 'runs');
    expect(toRuns.filter((e) => e.on_delete !== 'c' && e.on_delete !== 'a')).toEqual([]);
    const noAction = [...new Set(toRuns.filter((e) => e.on_delete === 'a').map((e) => e.child))].sort();
    expect(noAction).toEqual(['runs', 'usage_events', 'usage_reservations']);
    expect(
      RUN_ROWS.filter((s) => s.detach)
        .map((s) => s.table)
        .sort(),
    ).toEqual(noAction);
  });
});
