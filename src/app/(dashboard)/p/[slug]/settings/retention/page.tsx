import type { Metadata } from 'next';
import { Card, CardHeader, PageHeader } from '@/components/ui/card';
import { getDb } from '@/db/client';
import { getRetention } from '@/server/retention';
import { requireProject } from '@/app/(dashboard)/_lib/project';
import { RetentionForm } from './retention-form';

export const metadata: Metadata = { title: 'Retention · runledger' };

export default async function RetentionPage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireProject((await params).slug, 'retention');
  const retention = await getRetention(getDb(), ctx.project.id);
  return (
    <div className="max-w-3xl">
      <PageHeader
        title="Retention"
        description={<>How long {ctx.project.name} keeps its runs and its usage ledger.</>}
      />
      <Card>
        <CardHeader title="Retention">
          <p className="text-xs text-zinc-500">
            A background job deletes what expired, in small batches, and logs what it deleted. Runs go with
            their events, results and reports. The ledger is cut by whole UTC days and never inside the
            current month, so quota counters of current windows stay whole; counters of ended windows are
            pruned.
          </p>
        </CardHeader>
        <RetentionForm retention={retention} />
      </Card>
    </div>
  );
}
