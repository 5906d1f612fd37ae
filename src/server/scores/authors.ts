import 'server-only';
import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type Score, users } from '@/db/schema';
import { OTLP_SCORE_AUTHOR } from './observed';

/**
 * What to call each score's author on a page: a member's email (their user id otherwise, once they are
 * gone), "API key …" or "evaluator …" with the id's head.
 */
export async function authorNames(db: DbOrTx, list: Pick<Score, 'source' | 'authorId'>[]) {
  const userIds = [...new Set(list.filter((s) => s.source === 'annotation').map((s) => s.authorId))];
  const found =
    userIds.length === 0
      ? []
      : await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, userIds));
  const emails = new Map(found.map((u) => [u.id, u.email]));
  const names = new Map<string, string>();
  for (const s of list) {
    const key = `${s.source}:${s.authorId}`;
    if (names.has(key)) continue;
    const head = s.authorId.slice(0, 8);
    names.set(
      key,
      s.source === 'annotation'
        ? (emails.get(s.authorId) ?? s.authorId)
        : s.source === 'api'
          ? s.authorId === OTLP_SCORE_AUTHOR
            ? 'OpenTelemetry'
            : `API key ${head}`
          : `evaluator ${head}`,
    );
  }
  return (s: Pick<Score, 'source' | 'authorId'>) => names.get(`${s.source}:${s.authorId}`)!;
}
