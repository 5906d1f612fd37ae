import type { Metadata } from 'next';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader, EmptyState, PageHeader } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';
import { getDb } from '@/db/client';
import { formatTime } from '@/lib/format';
import { hasRole } from '@/server/access';
import { listPrices, listRecomputeJobs } from '@/server/prices';
import { requireProject } from '@/app/(dashboard)/_lib/project';
import { PriceForm, RemovePriceButton, SeedPricesButton } from './price-form';

export const metadata: Metadata = { title: 'Model prices · runledger' };

const money = (v: number | null) => (v === null ? '—' : `$${v}`);

/** The project's price table: runs and usage events with tokens and no cost are priced from it. */
export default async function PricesPage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireProject((await params).slug, 'prices');
  const db = getDb();
  const [prices, jobs] = await Promise.all([
    listPrices(db, ctx.project.id),
    listRecomputeJobs(db, ctx.project.id, 5),
  ]);
  // Viewers read the prices; editing them is for editors and owners.
  const canEdit = hasRole(ctx.project.role, 'editor');
  return (
    <div className="max-w-5xl">
      <PageHeader
        title="Model prices"
        description="USD per 1M tokens. A run or usage event that carries tokens and no cost is priced at ingest with the price in force then; a cost sent by the client always wins."
      />
      {canEdit && (
        <Card className="mb-5">
          <CardHeader title="Add or change a price" />
          <div className="p-4">
            <PriceForm />
          </div>
        </Card>
      )}
      <Card className="mb-5">
        <CardHeader
          title={`Prices (${prices.length})`}
          actions={canEdit ? <SeedPricesButton /> : undefined}
        />
        {prices.length === 0 ? (
          <EmptyState title="No prices yet">
            {canEdit ? 'Add one above, or start from the common models.' : 'An editor or owner can add them.'}
          </EmptyState>
        ) : (
          <Table data-testid="prices-table">
            <thead>
              <tr>
                <Th>Model</Th>
                <Th className="text-right">Input</Th>
                <Th className="text-right">Output</Th>
                <Th className="text-right">Cached input</Th>
                <Th>Effective from</Th>
                <Th />
              </tr>
            </thead>
            <tbody>
              {prices.map((p) => (
                <tr key={p.id}>
                  <Td className="font-mono text-xs">{p.model}</Td>
                  <Td className="text-right tabular-nums">{money(p.inputPerMillion)}</Td>
                  <Td className="text-right tabular-nums">{money(p.outputPerMillion)}</Td>
                  <Td className="text-right tabular-nums">{money(p.cachedInputPerMillion)}</Td>
                  <Td>{p.effectiveFrom}</Td>
                  <Td>{canEdit && <RemovePriceButton priceId={p.id} />}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
      {jobs.length > 0 && (
        <Card>
          <CardHeader title="Recent recomputations" />
          <Table>
            <tbody>
              {jobs.map((j) => (
                <tr key={j.id}>
                  <Td className="font-mono text-xs">{j.model ?? 'every model'}</Td>
                  <Td>
                    {j.fromDate} → {j.toDate}
                  </Td>
                  <Td>
                    <Badge tone={j.status === 'done' ? 'green' : j.status === 'failed' ? 'red' : 'amber'}>
                      {j.status}
                    </Badge>
                  </Td>
                  <Td className="tabular-nums">{j.processed.toLocaleString('en-US')} runs</Td>
                  <Td>{formatTime(j.createdAt)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
    </div>
  );
}
