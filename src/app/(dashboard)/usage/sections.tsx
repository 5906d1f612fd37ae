import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';
import { getDb } from '@/db/client';
import { windowKinds } from '@/lib/windows';
import { listQuotas, quotaStatus, topSubjects, usageByModelPerDay, usageSeries } from '@/server/usage';
import { subjectUsage } from '@/server/usage/dashboard';
import { DailyByModelChart, HourlyChart } from './charts';
import { formatAmount, formatResetsIn, windowLabels } from './format';
import { ModeBadge, PercentText, QuotaBar } from './quota-bar';
import { CreateQuotaForm, QuotaEditRow } from './quota-editor';
import { TopControls } from './subject-search';

/** Every quota in its current window: used / limit, remaining, when it resets. */
export async function QuotaOverview({ projectId }: { projectId: string }) {
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
          {statuses.map((s) => {
            const q = s.quota;
            const label = `${q.subject} ${q.metric} ${q.window}`;
            return (
              <li
                key={q.id}
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
                              href={`/usage?subject=${encodeURIComponent(s.subject)}`}
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
                        href={`/usage?subject=${encodeURIComponent(q.subject)}`}
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
          })}
        </ul>
      )}
    </Card>
  );
}

/** Usage per day over the last 30 days, one chart per metric, stacked by model. */
export async function DailyCharts({ projectId, metrics }: { projectId: string; metrics: string[] }) {
  const db = getDb();
  const series = await Promise.all(
    metrics.slice(0, 6).map(async (metric) => ({
      metric,
      ...(await usageByModelPerDay(db, projectId, { metric, days: 30 })),
    })),
  );
  const withData = series.filter((s) => s.models.length > 0);
  if (withData.length === 0) {
    return (
      <Card>
        <CardHeader title="Usage per day" />
        <EmptyState title="No usage in the last 30 days">
          Usage appears here once runs report tokens or clients call <code>POST /api/v1/usage</code>.
        </EmptyState>
      </Card>
    );
  }
  return (
    <div className="grid grid-cols-1 gap-5 xl:grid-cols-2">
      {withData.map((s) => (
        <Card key={s.metric}>
          <CardHeader title={`${s.metric} per day`}>
            <p className="text-xs text-zinc-500">
              Last 30 days (UTC), by model · total{' '}
              {formatAmount(
                s.metric,
                s.data.reduce((n, d) => n + d.total, 0),
              )}
            </p>
          </CardHeader>
          <div className="p-3">
            <DailyByModelChart metric={s.metric} models={s.models} data={s.data} />
          </div>
        </Card>
      ))}
    </div>
  );
}

export async function HourlyTokens({ projectId }: { projectId: string }) {
  const { data } = await usageSeries(getDb(), projectId, { metric: 'tokens', bucket: 'hour' });
  const total = data.reduce((n, d) => n + d.total, 0);
  return (
    <Card>
      <CardHeader title="Tokens per hour">
        <p className="text-xs text-zinc-500">Last 48 hours (UTC) · total {formatAmount('tokens', total)}</p>
      </CardHeader>
      {total === 0 ? (
        <EmptyState title="No tokens in the last 48 hours" />
      ) : (
        <div className="p-3">
          <HourlyChart metric="tokens" data={data} />
        </div>
      )}
    </Card>
  );
}

const windowNames = { minute: 'this minute', hour: 'this hour', day: 'today', month: 'this month' };

export async function TopSubjects({
  projectId,
  metrics,
  metric,
  window,
}: {
  projectId: string;
  metrics: string[];
  metric: string;
  window: 'minute' | 'hour' | 'day' | 'month';
}) {
  const { data } = await topSubjects(getDb(), projectId, { metric, window, limit: 10 });
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
                    href={`/usage?subject=${encodeURIComponent(r.subject)}`}
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

/** One subject's usage in every current window, per metric, with the quotas that govern it. */
export async function SubjectDetail({ projectId, subject }: { projectId: string; subject: string }) {
  const now = new Date();
  const rows = await subjectUsage(getDb(), projectId, subject, { now });
  const used = rows.filter((r) => r.used.month > 0);
  return (
    <div data-testid="subject-detail">
      {used.length === 0 && (
        <p className="px-4 pt-3 text-sm text-zinc-500">
          No usage by <span className="font-mono">{subject}</span> this month.
        </p>
      )}
      {rows.length > 0 && (
        <Table>
          <thead>
            <tr>
              <Th>Metric</Th>
              {windowKinds.map((w) => (
                <Th key={w}>{windowNames[w]}</Th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.metric}>
                <Td className="font-medium text-zinc-900">{r.metric}</Td>
                {windowKinds.map((w) => {
                  const q = r.windows.find((x) => x.window === w);
                  return (
                    <Td key={w} className="min-w-40">
                      {q ? (
                        <div className="flex flex-col gap-1">
                          <div className="flex items-center justify-between gap-2 text-xs">
                            <span className="tabular-nums text-zinc-800">
                              {formatAmount(r.metric, q.used)} / {formatAmount(r.metric, q.limit)}
                            </span>
                            <ModeBadge mode={q.mode ?? 'hard'} />
                          </div>
                          <QuotaBar
                            used={q.used}
                            limit={q.limit}
                            label={`${subject} ${r.metric} ${w} used`}
                          />
                          <span className="text-xs text-zinc-500">
                            {q.subject === '*' ? '* quota' : 'own quota'} · resets in{' '}
                            {formatResetsIn(q.resetAt, now)}
                          </span>
                        </div>
                      ) : (
                        <span className="tabular-nums text-zinc-700">
                          {formatAmount(r.metric, r.used[w])}
                          <span className="ml-1 text-xs text-zinc-400">no quota</span>
                        </span>
                      )}
                    </Td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </div>
  );
}

/** `readOnly` (viewers): the same editor with every control disabled; the actions refuse anyway. */
export async function QuotaEditor({
  projectId,
  readOnly = false,
}: {
  projectId: string;
  readOnly?: boolean;
}) {
  const quotas = await listQuotas(getDb(), projectId);
  return (
    <Card>
      <fieldset disabled={readOnly} data-testid="quota-editor-fieldset" className="contents">
        <CardHeader title="Edit quotas">
          <p className="text-xs text-zinc-500">
            A hard quota refuses usage past its limit (HTTP 429); a soft one only shows it here. A
            subject&apos;s own quota replaces the <code>*</code> quota of the same metric and window.
          </p>
          {readOnly && (
            <p className="text-xs font-medium text-amber-700">Read-only: viewers cannot change quotas.</p>
          )}
        </CardHeader>
        <div className="border-b border-zinc-200 p-4">
          <CreateQuotaForm />
        </div>
        {quotas.length > 0 && (
          <Table data-testid="quota-editor">
            <thead>
              <tr>
                <Th>Subject</Th>
                <Th>Metric</Th>
                <Th>Window</Th>
                <Th>Limit and mode</Th>
                <Th />
              </tr>
            </thead>
            <tbody>
              {quotas.map((q) => (
                <QuotaEditRow key={q.id} quota={q} />
              ))}
            </tbody>
          </Table>
        )}
      </fieldset>
    </Card>
  );
}
