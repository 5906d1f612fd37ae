import Link from 'next/link';
import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';
import { dashboardRead } from '@/app/_lib/read-db';
import { topSubjects } from '@/server/usage';
import { formatAmount, windowNames } from './format';
import { ModeBadge, PercentText, QuotaBar } from './quota-bar';
import { TopControls } from './subject-search';
import { projectPath } from '@/lib/project-path';

/** The subjects that used the most of a metric in a current window, with their quotas. */
export async function TopSubjects({
  slug,
  projectId,
  metrics,
  metric,
  window,
}: {
  slug: string;
  projectId: string;
  metrics: string[];
  metric: string;
  window: 'minute' | 'hour' | 'day' | 'month';
}) {
  const { data } = await dashboardRead((db) => topSubjects(db, projectId, { metric, window, limit: 10 }));
  return (
    <Card>
      <CardHeader title="Top subjects" actions={metrics.length > 0 && <TopControls metrics={metrics} />}>
        <p className="text-xs text-zinc-500">
          {metric}, {windowNames[window]}, with the quota that applies to each
        </p>
      </CardHeader>
      {data.length === 0 ? (
        <EmptyState title={`No ${metric} used ${windowNames[window]}`} />
      ) : (
        <Table data-testid="top-subjects">
          <thead>
            <tr>
              <Th>Subject</Th>
              <Th className="text-right">Used</Th>
              <Th className="w-1/3">Quota</Th>
            </tr>
          </thead>
          <tbody>
            {data.map((r) => (
              <tr key={r.subject}>
                <Td className="font-mono text-xs">
                  <Link
                    className="text-zinc-900 underline-offset-2 hover:underline"
                    href={`${projectPath(slug, 'usage')}?subject=${encodeURIComponent(r.subject)}`}
                  >
                    {r.subject}
                  </Link>
                </Td>
                <Td className="text-right tabular-nums">{formatAmount(metric, r.used)}</Td>
                <Td>
                  {r.quota ? (
                    <div className="flex flex-col gap-1">
                      <QuotaBar used={r.used} limit={r.quota.limit} label={`${r.subject} ${metric} used`} />
                      <div className="flex items-center justify-between gap-2 text-xs text-zinc-500">
                        <span>
                          of {formatAmount(metric, r.quota.limit)}
                          {r.quota.subject === '*' ? ' (*)' : ''}
                        </span>
                        <span className="flex items-center gap-1">
                          <PercentText used={r.used} limit={r.quota.limit} />{' '}
                          <ModeBadge mode={r.quota.mode} />
                        </span>
                      </div>
                    </div>
                  ) : (
                    <span className="text-xs text-zinc-400">no quota</span>
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
