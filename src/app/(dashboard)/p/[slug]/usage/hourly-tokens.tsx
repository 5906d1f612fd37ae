import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { dashboardRead } from '@/app/_lib/read-db';
import { usageSeries } from '@/server/usage';
import { HourlyChart } from './charts';
import { formatAmount } from './format';

/** Tokens per hour over the last 48 hours, from the ledger. */
export async function HourlyTokens({ projectId }: { projectId: string }) {
  const { data } = await dashboardRead((db) =>
    usageSeries(db, projectId, { metric: 'tokens', bucket: 'hour' }),
  );
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
