import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
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

/** How many of the oldest due rows, per row of the batch, the plain read looks at. */
const DUE_WINDOW_PER_ROW = 8;

/**
 * The plain read claimPerProject starts from: the projects among the oldest due rows of `table`
 * (those `due` selects, ordered by the column `dueAt`), with how many each has there, oldest first.
 * It reads a window of `limit` x 8 rows, not every due row, so a backlog costs what a batch does;
 * projects behind a long backlog in that window get their turn as it drains.
 */
export function dueProjectsSql(table: string, due: SQL, dueAt: string, limit: number): SQL {
  const t = sql.identifier(table);
  const at = sql.identifier(dueAt);
  return sql`select project_id, count(*)::int as n from (
      select ${t}.project_id, ${t}.${at} as due_at from ${t} where ${due}
      order by ${at} limit ${limit * DUE_WINDOW_PER_ROW}) d
    group by project_id order by min(due_at), project_id limit ${limit}`;
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
