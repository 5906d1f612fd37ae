import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { insertScores, listScores, toScoreDto } from '@/server/scores';
import { apiRoute, otherMethods } from '../_lib/route';

export const POST = apiRoute(routes.addScores, async ({ projectId, actor, body }) => {
  const author = { source: 'api', authorId: actor.apiKey.id } as const;
  const { accepted, duplicates } = await insertScores(getDb(), projectId, author, body.scores, actor);
  return { status: 200, body: { accepted, duplicates } };
});

export const GET = apiRoute(routes.listScores, async ({ projectId, query }) => {
  const page = await listScores(getDb(), projectId, query);
  return { status: 200, body: { data: page.data.map(toScoreDto), nextCursor: page.nextCursor } };
});

const other = otherMethods('GET', 'POST');
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
