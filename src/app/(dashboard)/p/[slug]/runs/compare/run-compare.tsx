import Link from 'next/link';
import { StatusBadge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { projectPath } from '@/lib/project-path';
import type { RunSide } from '@/server/compare';
import { StatsTable } from './stats-table';
import { StepsSideBySide } from './steps';
import { WordDiff } from './word-diff';

function RunTitle({ slug, label, side }: { slug: string; label: string; side: RunSide }) {
  return (
    <div className="min-w-0">
      <span className="mr-2 text-xs font-semibold text-zinc-400">{label}</span>
      <Link
        href={projectPath(slug, 'runs', side.run.id)}
        className="font-medium text-zinc-900 hover:underline"
      >
        {side.run.name}
      </Link>{' '}
      <StatusBadge status={side.run.status} />
      {side.run.model && <span className="ml-2 font-mono text-xs text-zinc-500">{side.run.model}</span>}
      {side.truncated && <span className="ml-2 text-xs text-amber-700">(first events only)</span>}
    </div>
  );
}

export function RunCompare({
  slug,
  left,
  right,
  stepCount,
}: {
  slug: string;
  left: RunSide;
  right: RunSide;
  stepCount: number;
}) {
  return (
    <div className="flex flex-col gap-4">
      <div className="grid grid-cols-2 gap-4">
        <RunTitle slug={slug} label="A" side={left} />
        <RunTitle slug={slug} label="B" side={right} />
      </div>
      <Card>
        <CardHeader title="Numbers" />
        <StatsTable left={left} right={right} />
      </Card>
      <Card>
        <CardHeader title="Final answer: A → B, word by word" />
        <div className="px-4 py-3">
          {left.answer || right.answer ? (
            <WordDiff a={left.answer} b={right.answer} />
          ) : (
            <p className="text-sm text-zinc-500">Neither run has a final answer.</p>
          )}
        </div>
      </Card>
      <Card>
        <CardHeader title={`Transcripts by step (${stepCount})`} />
        <StepsSideBySide left={left.steps} right={right.steps} count={stepCount} />
      </Card>
    </div>
  );
}
