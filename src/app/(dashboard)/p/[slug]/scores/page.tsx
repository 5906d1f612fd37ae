import type { Metadata } from 'next';
import { requireProject } from '@/app/(dashboard)/_lib/project';
import { Card, CardHeader, EmptyState, PageHeader } from '@/components/ui/card';
import { getDb } from '@/db/client';
import { scoreSources } from '@/lib/enums';
import { listScoreConfigs, scoreTrends } from '@/server/scores';
import { TrendChart } from './trend-chart';
import { trendRanges } from './ranges';
import { TrendFilters } from './trend-filters';

export const metadata: Metadata = { title: 'Scores · runledger' };

const DAY = 86_400_000;

/** Score trends: per name, the daily mean (numbers) or pass rate (yes/no) over a time range. */
export default async function ScoresPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requireProject((await params).slug, 'scores');
  const sp = await searchParams;
  const range =
    typeof sp.range === 'string' && sp.range in trendRanges ? (sp.range as keyof typeof trendRanges) : '30d';
  const name = typeof sp.name === 'string' && sp.name.length <= 100 ? sp.name : undefined;
  const source = scoreSources.find((s) => s === sp.source);
  const db = getDb();
  const from = new Date(Date.now() - trendRanges[range] * DAY);
  const [trends, configs, all] = await Promise.all([
    scoreTrends(db, ctx.project.id, { from, name, source }),
    listScoreConfigs(db, ctx.project.id),
    name ? scoreTrends(db, ctx.project.id, { from }) : null,
  ]);
  const names = [...new Set([...configs.map((c) => c.name), ...(all ?? trends).map((t) => t.name)])].sort();
  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Scores"
        description="How each score moves, per UTC day: the mean of numbers, the share of yes."
      />
      <TrendFilters names={names} />
      {trends.length === 0 ? (
        <Card>
          <EmptyState title="No scores in this range">
            Scores come from the API (<code>POST /api/v1/scores</code>), from people scoring runs in the
            replay, and from evaluators.
          </EmptyState>
        </Card>
      ) : (
        <div className="grid grid-cols-1 gap-5 xl:grid-cols-2">
          {trends.map((t) => (
            <Card key={t.name}>
              <CardHeader title={t.name}>
                <p className="text-xs text-zinc-500">
                  {t.dataType} · {t.total.toLocaleString('en-US')} scores in the last {range}
                </p>
              </CardHeader>
              <div className="p-3">
                <TrendChart name={t.name} dataType={t.dataType} data={t.points} />
              </div>
            </Card>
          ))}
        </div>
      )}
    </div>
  );
}
