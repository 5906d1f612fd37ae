import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { formatDuration, prettyJson } from '@/lib/format';
import type { compareDatasetItem } from '@/server/compare';
import { labels } from './item-compare-table';
import { ItemSideCard, type ScoreLine } from './item-side';
import { WordDiff } from './word-diff';

type ItemComparison = Awaited<ReturnType<typeof compareDatasetItem>>;

/** One item of two dataset runs: its input and ground truth, then both results with their scores. */
export function ItemCompare({
  cmp,
  scoresA,
  scoresB,
  back,
}: {
  cmp: ItemComparison;
  scoresA: ScoreLine[];
  scoresB: ScoreLine[];
  back: string;
}) {
  const { item, left, right } = cmp;
  const delta = item.latencyDeltaMs;
  return (
    <div className="flex flex-col gap-4">
      <Link href={back} className="text-sm text-zinc-600 hover:underline">
        ← All items
      </Link>
      <Card>
        <CardHeader title="Item" />
        <dl className="grid grid-cols-1 gap-3 px-4 py-3 text-sm md:grid-cols-2" data-testid="item-facts">
          <div>
            <dt className="text-xs font-semibold text-zinc-500">Input</dt>
            <dd>
              <pre className="max-h-40 overflow-auto whitespace-pre-wrap break-words font-mono text-xs">
                {prettyJson(item.b?.input ?? item.a?.input ?? null)}
              </pre>
            </dd>
          </div>
          <div>
            <dt className="text-xs font-semibold text-zinc-500">Ground truth</dt>
            <dd>
              <pre className="max-h-40 overflow-auto whitespace-pre-wrap break-words font-mono text-xs">
                {item.groundTruth === null ? '—' : prettyJson(item.groundTruth)}
              </pre>
            </dd>
          </div>
          <div className="flex items-center gap-3">
            <Badge tone={labels[item.change].tone}>{labels[item.change].text}</Badge>
            <span className="tabular-nums text-zinc-600">
              latency Δ{' '}
              {delta === null
                ? '—'
                : `${delta > 0 ? '+' : delta < 0 ? '−' : '±'}${formatDuration(Math.abs(delta))}`}
            </span>
          </div>
        </dl>
      </Card>
      {left.answer && right.answer && (
        <Card>
          <CardHeader title="Output: A → B, word by word" />
          <div className="px-4 py-3">
            <WordDiff a={left.answer} b={right.answer} />
          </div>
        </Card>
      )}
      <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
        <ItemSideCard label="A" runName={cmp.a.name} side={left} scores={scoresA} />
        <ItemSideCard label="B" runName={cmp.b.name} side={right} scores={scoresB} />
      </div>
    </div>
  );
}
