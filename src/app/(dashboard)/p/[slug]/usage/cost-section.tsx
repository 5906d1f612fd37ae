import Link from 'next/link';
import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';
import { dashboardRead } from '@/app/_lib/read-db';
import { formatCost } from '@/lib/format';
import { projectPath } from '@/lib/project-path';
import { costPerDay, topUsersByCost } from '@/server/prices';
import { ChartLinks } from './chart-links';
import { CostPerDayChart } from './cost-chart';

const DAYS = 30;

const splits = [
  { value: 'model', name: 'by model' },
  { value: 'user', name: 'by user' },
] as const;

/**
 * Run cost over the last 30 days: per day split by model or by user (the chosen split only, the other
 * a link), and the users who cost most.
 */
export async function CostSection({
  slug,
  projectId,
  split,
  href,
}: {
  slug: string;
  projectId: string;
  split: 'model' | 'user';
  /** The page's address with the other split chosen. */
  href: (split: string) => string;
}) {
  const from = new Date(Date.now() - (DAYS - 1) * 86_400_000);
  const [perDay, top] = await dashboardRead((db) =>
    Promise.all([costPerDay(db, projectId, from, split), topUsersByCost(db, projectId, from)]),
  );
  const prices = (
    <Link
      href={projectPath(slug, 'settings', 'prices')}
      className="text-xs text-zinc-500 underline hover:text-zinc-900"
    >
      Model prices
    </Link>
  );
  if (perDay.keys.length === 0) {
    return (
      <Card>
        <CardHeader title="Cost" actions={prices} />
        <EmptyState title="No run cost in the last 30 days">
          Runs get a cost from the client, or from the model price table when they carry tokens.
        </EmptyState>
      </Card>
    );
  }
  return (
    <div className="grid grid-cols-1 gap-5 xl:grid-cols-2">
      <Card>
        <CardHeader title="Cost per day" actions={prices} />
        <div className="p-4">
          <ChartLinks label="Split cost by" options={splits} current={split} href={href} />
          <CostPerDayChart id={`cost-by-${split}`} {...perDay} />
        </div>
      </Card>
      <Card>
        <CardHeader title="Top users by cost (30 days)" />
        <Table data-testid="top-users-cost">
          <thead>
            <tr>
              <Th>User</Th>
              <Th className="text-right">Runs</Th>
              <Th className="text-right">Cost</Th>
            </tr>
          </thead>
          <tbody>
            {top.map((u) => (
              <tr key={u.userId}>
                <Td>
                  <Link
                    href={`${projectPath(slug, 'runs')}?user=${encodeURIComponent(u.userId)}`}
                    className="hover:underline"
                  >
                    {u.userId}
                  </Link>
                </Td>
                <Td className="text-right tabular-nums">{u.runs.toLocaleString('en-US')}</Td>
                <Td className="text-right tabular-nums">{formatCost(u.usd)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Card>
    </div>
  );
}
