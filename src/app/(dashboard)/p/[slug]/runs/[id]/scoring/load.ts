import 'server-only';
import type { RoledProject } from '@/app/(dashboard)/_lib/project';
import type { Db } from '@/db/client';
import type { SessionUser } from '@/server/accounts/sign-in';
import { hasRole } from '@/server/access';
import { authorNames, listScoreConfigs, scoresOfRun, toScoreConfigDto, toScoreDto } from '@/server/scores';
import type { Scoring } from './score-panel';

/** What the run page's scoring needs: the run's scores with their authors, the configs, the role. */
export async function runScoring(
  db: Db,
  ctx: { project: RoledProject; user: SessionUser },
  runId: string,
): Promise<Scoring> {
  const projectId = ctx.project.id;
  const [scores, configs] = await Promise.all([
    scoresOfRun(db, projectId, runId),
    listScoreConfigs(db, projectId),
  ]);
  const nameOf = await authorNames(db, scores);
  return {
    configs: configs.map(toScoreConfigDto),
    scores: scores.map((s) => ({
      ...toScoreDto(s),
      author: nameOf(s),
      mine: s.source === 'annotation' && s.authorId === ctx.user.actor.id,
    })),
    canScore: hasRole(ctx.project.role, 'editor'),
  };
}
