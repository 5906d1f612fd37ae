import { Table, Td, Th } from '@/components/ui/table';
import { dashboardRead } from '@/app/_lib/read-db';
import { windowKinds } from '@/lib/windows';
import { subjectUsage } from '@/server/usage/dashboard';
import { formatAmount, formatResetsIn, windowNames } from './format';
import { ModeBadge, QuotaBar } from './quota-bar';

/** One subject's usage in every current window, per metric, with the quotas that govern it. */
export async function SubjectDetail({ projectId, subject }: { projectId: string; subject: string }) {
  const now = new Date();
  const rows = await dashboardRead((db) => subjectUsage(db, projectId, subject, { now }));
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
