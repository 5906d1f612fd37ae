import type { Metadata } from 'next';
import Link from 'next/link';
import { requireProject } from '@/app/(dashboard)/_lib/project';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader, EmptyState, PageHeader } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';
import { getDb } from '@/db/client';
import { formatTime } from '@/lib/format';
import { projectPath } from '@/lib/project-path';
import { hasRole } from '@/server/access';
import { listDestinations, toDestinationDto } from '@/server/webhooks';
import { DeliveryLog } from './delivery-log';
import { AddDestinationForm, DeleteButton, TestButton } from './destination-forms';

export const metadata: Metadata = { title: 'Alert destinations · runledger' };

type Props = { params: Promise<{ slug: string }>; searchParams: Promise<{ destination?: string }> };

export default async function DestinationsPage({ params, searchParams }: Props) {
  const ctx = await requireProject((await params).slug, 'destinations');
  const destinations = (await listDestinations(getDb(), ctx.project.id)).map(toDestinationDto);
  const canEdit = hasRole(ctx.project.role, 'editor');
  const wanted = (await searchParams).destination;
  const selected = destinations.find((d) => d.id === wanted) ?? destinations[0];
  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Alert destinations"
        description="Webhook URLs that receive every alert of this project: a monitor firing or resolved, a quota's soft limit crossed or its hard limit refusing, and test events. Signed per Standard Webhooks; retried for a day."
      />
      {canEdit && (
        <Card className="mb-5">
          <CardHeader title="New destination" />
          <div className="p-4">
            <AddDestinationForm />
          </div>
        </Card>
      )}
      <Card className="mb-5">
        {destinations.length === 0 ? (
          <EmptyState title="No destinations yet">
            {canEdit ? 'Add a webhook URL above.' : 'An editor or owner can add one.'}
          </EmptyState>
        ) : (
          <Table data-testid="destinations-table">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>URL</Th>
                <Th>Format</Th>
                <Th>State</Th>
                <Th />
              </tr>
            </thead>
            <tbody>
              {destinations.map((d) => (
                <tr key={d.id} data-testid="destination-row">
                  <Td className="font-medium text-zinc-900">
                    <Link
                      href={`${projectPath(ctx.project.slug, 'settings', 'destinations')}?destination=${d.id}`}
                    >
                      {d.name}
                    </Link>
                  </Td>
                  <Td className="max-w-xs truncate font-mono text-xs">{d.url}</Td>
                  <Td>{d.format}</Td>
                  <Td>
                    {d.disabledAt ? (
                      <Badge tone="red">disabled {formatTime(d.disabledAt)}</Badge>
                    ) : d.failingSince ? (
                      <Badge tone="amber">failing since {formatTime(d.failingSince)}</Badge>
                    ) : (
                      <Badge tone="green">active</Badge>
                    )}
                  </Td>
                  <Td className="space-x-2 whitespace-nowrap text-right">
                    {canEdit && <TestButton id={d.id} />}
                    {canEdit && <DeleteButton id={d.id} name={d.name} />}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
      {selected && <DeliveryLog projectId={ctx.project.id} destination={selected} canEdit={canEdit} />}
    </div>
  );
}
