import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { getDb } from '@/db/client';
import { type QuotaStatus, quotaStatus } from '@/server/usage';
import { formatAmount, formatResetsIn, windowLabels } from './format';
import { projectPath } from '@/lib/project-path';
import { ModeBadge, PercentText, QuotaBar } from './quota-bar';

/** One quota: who it governs, its bar, and when it resets. */
function QuotaStatusRow({ slug, status: s, now }: { slug: string; status: QuotaStatus; now: Date }) {
  const q = s.quota;
  const label = `${q.subject} ${q.metric} ${q.window}`;
  return (
    <li
      className="grid grid-cols-1 gap-x-6 gap-y-1.5 px-4 py-3 md:grid-cols-[minmax(0,16rem)_1fr_auto]"
      data-testid="quota-status"
      data-quota={label}
      data-state={s.state}
    >
      <div className="min-w-0">
        <div className="flex items-center gap-2">
          <span className="truncate text-sm font-medium text-zinc-900">{q.metric}</span>
          <span className="text-xs text-zinc-500">{windowLabels[q.window]}</span>
          <ModeBadge mode={q.mode} />
        </div>
        <p className="truncate text-xs text-zinc-500">
          {q.subject === '*' ? (
            <>
              every subject
              {s.subject && (
                <>
                  {' · busiest: '}
                  <Link
                    className="font-mono underline-offset-2 hover:underline"
                    href={`${projectPath(slug, 'usage')}?subject=${encodeURIComponent(s.subject)}`}
                  >
                    {s.subject}
                  </Link>
                </>
              )}
              {s.subjects > 0 && ` · ${s.subjects} counted`}
            </>
          ) : (
            <Link
              className="font-mono underline-offset-2 hover:underline"
              href={`${projectPath(slug, 'usage')}?subject=${encodeURIComponent(q.subject)}`}
            >
              {q.subject}
            </Link>
          )}
        </p>
      </div>
      <div className="flex flex-col justify-center gap-1">
        <QuotaBar used={s.used} limit={q.limit} label={`${label} used`} />
        <div className="flex flex-wrap justify-between gap-2 text-xs text-zinc-600">
          <span className="tabular-nums" data-testid="quota-used">
            {formatAmount(q.metric, s.used)} / {formatAmount(q.metric, q.limit)}
          </span>
          <span className="tabular-nums">{formatAmount(q.metric, s.remaining)} remaining</span>
        </div>
      </div>
      <div className="flex items-center gap-3 text-xs text-zinc-500 md:flex-col md:items-end md:justify-center md:gap-0.5">
        <PercentText used={s.used} limit={q.limit} />
        <span title={s.resetAt}>resets in {formatResetsIn(s.resetAt, now)}</span>
        {s.state === 'exceeded' && q.mode === 'soft' && <Badge tone="red">over soft limit</Badge>}
      </div>
    </li>
  );
}

/** Every quota in its current window: used / limit, remaining, when it resets. */
export async function QuotaOverview({ slug, projectId }: { slug: string; projectId: string }) {
  const now = new Date();
  const statuses = await quotaStatus(getDb(), projectId, { now });
  return (
    <Card>
      <CardHeader title="Quotas">
        <p className="text-xs text-zinc-500">
          Current calendar windows (UTC). A <code>*</code> quota counts each subject on its own; its bar shows
          the subject nearest the limit.
        </p>
      </CardHeader>
      {statuses.length === 0 ? (
        <EmptyState title="No quotas yet">
          Usage is recorded without limits. Add a quota below to cap a metric per minute, hour, day or month.
        </EmptyState>
      ) : (
        <ul className="divide-y divide-zinc-100" data-testid="quota-list">
          {statuses.map((s) => (
            <QuotaStatusRow key={s.quota.id} slug={slug} status={s} now={now} />
          ))}
        </ul>
      )}
    </Card>
  );
}
