import 'server-only';
import type { SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';

/** A project with due work and how many of its rows are due, as the plain read found them. */
export type DueProject = { project_id: string; n: number };

/**
 * Splits a batch of `limit` rows across the projects with due work, max-min fair: each gets an equal
 * share, and what a project cannot use (it has fewer rows due) goes to the others. Projects come in
 * the order given (oldest due work first), which breaks ties when the batch is smaller than their
 * number: those left out have the oldest work next time, so none is starved.
 */
export function shareBatch(due: DueProject[], limit: number): { projectId: string; take: number }[] {
  const take = due.map(() => 0);
  let left = limit;
  let open = due.map((_, i) => i).filter((i) => due[i]!.n > 0);
  while (left > 0 && open.length > 0) {
    const each = Math.max(1, Math.floor(left / open.length));
    for (const i of open) {
      const give = Math.min(each, due[i]!.n - take[i]!, left);
      take[i]! += give;
      left -= give;
      if (left === 0) break;
    }
    open = open.filter((i) => take[i]! < due[i]!.n);
  }
  return due.map((d, i) => ({ projectId: d.project_id, take: take[i]! })).filter((s) => s.take > 0);
}

/**
 * Claims up to `limit` due rows project by project, so that every locking statement names one
 * project (a single-shard statement on a database distributed by project, where FOR UPDATE across
 * shards is refused). `due` is a plain read, without locks, of the projects with due work and how
 * many rows each has, oldest due work first, at most `limit` projects; `claim` then takes a
 * project's share with FOR UPDATE SKIP LOCKED. A project whose rows another worker holds yields
 * fewer: the batch may come out short, never doubled.
 */
export async function claimPerProject<T>(
  db: DbOrTx,
  due: SQL,
  limit: number,
  claim: (projectId: string, take: number) => Promise<T[]>,
): Promise<T[]> {
  const projects = await queryRows<DueProject>(db, due);
  const claimed: T[] = [];
  for (const s of shareBatch(
    projects.map((p) => ({ ...p, n: Number(p.n) })),
    limit,
  ))
    claimed.push(...(await claim(s.projectId, s.take)));
  return claimed;
}
