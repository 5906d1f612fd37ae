import { Badge } from '@/components/ui/badge';
import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';
import { getDb } from '@/db/client';
import type { DestinationDto } from '@/lib/contract';
import { formatTime } from '@/lib/format';
import { listDeliveries, toDeliveryDto } from '@/server/webhooks';
import { RedeliverButton } from './destination-forms';

const tones = { pending: 'amber', sending: 'blue', delivered: 'green', failed: 'red' } as const;

/** The latest deliveries to one destination: time, event, status, attempts, answer. */
export async function DeliveryLog({
  projectId,
  destination,
  canEdit,
}: {
  projectId: string;
  destination: DestinationDto;
  canEdit: boolean;
}) {
  const rows = (await listDeliveries(getDb(), projectId, destination.id, { limit: 100 })).map(toDeliveryDto);
  return (
    <Card>
      <CardHeader title={`Deliveries to ${destination.name}`} />
      {rows.length === 0 ? (
        <EmptyState title="Nothing delivered yet">Send a test event to check the endpoint.</EmptyState>
      ) : (
        <Table data-testid="deliveries-table">
          <thead>
            <tr>
              <Th>Time</Th>
              <Th>Event</Th>
              <Th>Status</Th>
              <Th>Attempts</Th>
              <Th>Response</Th>
              <Th />
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id} data-testid="delivery-row">
                <Td className="whitespace-nowrap">{formatTime(d.lastAttemptAt ?? d.createdAt)}</Td>
                <Td>
                  <span className="font-mono text-xs">{d.eventType}</span>
                  <div className="font-mono text-[11px] text-zinc-400">{d.eventId}</div>
                </Td>
                <Td>
                  <Badge tone={tones[d.status]}>{d.status}</Badge>
                  {d.status === 'pending' && d.nextAttemptAt && (
                    <div className="text-xs text-zinc-500">next {formatTime(d.nextAttemptAt)}</div>
                  )}
                </Td>
                <Td>{d.attempts}</Td>
                <Td className="text-xs">
                  {d.responseStatus !== null ? `HTTP ${d.responseStatus}` : (d.error ?? '—')}
                  {d.responseMs !== null && <span className="text-zinc-500"> · {d.responseMs} ms</span>}
                </Td>
                <Td className="text-right">{canEdit && <RedeliverButton id={d.id} />}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
