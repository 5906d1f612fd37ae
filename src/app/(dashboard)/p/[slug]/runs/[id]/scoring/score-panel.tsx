'use client';
import Link from 'next/link';
import { useParams } from 'next/navigation';
import { Card, CardHeader } from '@/components/ui/card';
import type { ScoreConfigDto } from '@/lib/contract/scores';
import { projectPath } from '@/lib/project-path';
import { ScoreForm } from './score-form';
import { ScoreList } from './score-list';
import type { RunScoreView } from './types';

export type Scoring = { configs: ScoreConfigDto[]; scores: RunScoreView[]; canScore: boolean };

/** Beside the replay: score the run or the step under the playhead, and every score given so far. */
export function ScorePanel({
  runId,
  seq,
  scoring,
  onSeekSeq,
}: {
  runId: string;
  /** The step under the playhead (null: the complete run). */
  seq: number | null;
  scoring: Scoring;
  onSeekSeq: (seq: number) => void;
}) {
  const { slug } = useParams<{ slug: string }>();
  const { configs, scores, canScore } = scoring;
  return (
    <Card data-testid="score-panel">
      <CardHeader title="Scores" />
      {canScore && configs.length > 0 && (
        <ScoreForm runId={runId} seq={seq} configs={configs} mine={scores.filter((s) => s.mine)} />
      )}
      {canScore && configs.length === 0 && (
        <p className="p-3 text-xs text-zinc-500">
          No score configs yet: add one in{' '}
          <Link className="text-blue-700 underline" href={projectPath(slug, 'settings', 'scores')}>
            Settings → Scores
          </Link>{' '}
          to score runs here.
        </p>
      )}
      <ScoreList runId={runId} scores={scores} canScore={canScore} onSeekSeq={onSeekSeq} />
    </Card>
  );
}
