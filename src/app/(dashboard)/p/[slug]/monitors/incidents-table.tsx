import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';
import { formatTime } from '@/lib/format';
import type { IncidentRow } from '@/server/monitors';
import { formatValue } from './describe';

/** Incidents, latest first: each links to the runs (or the usage) that caused it. */
export function IncidentsTable({
  incidents,
  showMonitor = true,
}: {
  incidents: IncidentRow[];
  showMonitor?: boolean;
}) {
  if (incidents.length === 0) return <EmptyState title="No incidents yet" />;
  return (
    <Table data-testid="incidents-table">
      <thead>
        <tr>
          <Th>When</Th>
          {showMonitor && <Th>Monitor</Th>}
          <Th>Change</Th>
          <Th>Subject</Th>
          <Th>Value</Th>
          <Th />
        </tr>
      </thead>
      <tbody>
        {incidents.map((i) => (
          <tr key={i.id} data-testid="incident-row">
            <Td className="whitespace-nowrap">{formatTime(i.createdAt)}</Td>
            {showMonitor && <Td className="font-medium text-zinc-900">{i.monitorName}</Td>}
            <Td>
              <Badge tone={i.kind === 'firing' ? 'red' : 'green'}>{i.kind}</Badge>
            </Td>
            <Td>{i.subject ?? '—'}</Td>
            <Td className="whitespace-nowrap">
              {formatValue(i.value)} <span className="text-zinc-400">/ {i.threshold}</span>
            </Td>
            <Td className="whitespace-nowrap text-right">
              <Link href={i.path} className="text-emerald-700 hover:underline" data-testid="incident-link">
                Runs
              </Link>
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
