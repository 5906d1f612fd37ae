import type { Metadata } from 'next';
import { createSearchParamsCache, createSerializer, type SearchParams } from 'nuqs/server';
import { Suspense } from 'react';
import { Card, CardHeader, PageHeader } from '@/components/ui/card';
import { getDb } from '@/db/client';
import { usageMetrics } from '@/server/usage/dashboard';
import { requireProject } from '@/app/(dashboard)/_lib/project';
import { projectPath } from '@/lib/project-path';
import { CostSection } from './cost-section';
import { usageSearchParams } from './search-params';
import { DailyCharts } from './daily-charts';
import { HourlyTokens } from './hourly-tokens';
import { QuotaEditor } from './quota-editor-card';
import { QuotaOverview } from './quota-overview';
import { SubjectDetail } from './subject-detail';
import { TopSubjects } from './top-subjects';
import { SubjectSearch } from './subject-search';
import { Section } from './section';

export const metadata: Metadata = { title: 'Usage · runledger' };

const cache = createSearchParamsCache(usageSearchParams);
const serialize = createSerializer(usageSearchParams);

export default async function UsagePage({
  params: route,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const ctx = await requireProject((await route).slug, 'usage');
  const projectId = ctx.project.id;
  const params = cache.parse(await searchParams);
  const metrics = await usageMetrics(getDb(), projectId, new Date(Date.now() - 31 * 86_400_000));
  const topMetric = params.top && metrics.includes(params.top) ? params.top : (metrics[0] ?? 'tokens');
  const subject = params.subject?.trim() || null;
  const chart = params.chart && metrics.includes(params.chart) ? params.chart : topMetric;
  // A section's other charts are links: this page with one parameter changed.
  const href = (patch: Partial<typeof params>) =>
    `${projectPath(ctx.project.slug, 'usage')}${serialize({ ...params, ...patch })}`;

  return (
    <div className="flex max-w-7xl flex-col gap-5">
      <PageHeader
        title="Usage"
        description={
          <>Metered usage and quotas of {ctx.project.name}. Windows are calendar windows in UTC.</>
        }
      />
      <Section title="Quotas">
        <QuotaOverview slug={ctx.project.slug} projectId={projectId} />
      </Section>

      <Card>
        <CardHeader title="Subject" actions={<SubjectSearch />}>
          <p className="text-xs text-zinc-500">
            One subject&apos;s usage and quotas in every current window.
          </p>
        </CardHeader>
        {subject ? (
          <Suspense key={subject} fallback={<div className="h-24 animate-pulse bg-zinc-50" aria-busy />}>
            <SubjectDetail projectId={projectId} subject={subject} />
          </Suspense>
        ) : (
          <p className="px-4 py-3 text-sm text-zinc-500">Look up a subject (usually a run&apos;s user id).</p>
        )}
      </Card>

      <Section title="Cost" height="h-56">
        <CostSection
          slug={ctx.project.slug}
          projectId={projectId}
          split={params.cost ?? 'model'}
          href={(cost) => href({ cost: cost === 'user' ? 'user' : null })}
        />
      </Section>
      <Section title="Usage per day" height="h-56">
        <DailyCharts
          projectId={projectId}
          metrics={metrics}
          metric={chart}
          href={(metric) => href({ chart: metric })}
        />
      </Section>
      <div className="grid grid-cols-1 gap-5 xl:grid-cols-2">
        <Section title="Tokens per hour" height="h-56">
          <HourlyTokens projectId={projectId} />
        </Section>
        <Section title="Top subjects" height="h-56">
          <TopSubjects
            slug={ctx.project.slug}
            projectId={projectId}
            metrics={metrics}
            metric={topMetric}
            window={params.topWindow ?? 'day'}
          />
        </Section>
      </div>
      <Section title="Edit quotas">
        <QuotaEditor projectId={projectId} readOnly={ctx.project.role === 'viewer'} />
      </Section>
    </div>
  );
}
