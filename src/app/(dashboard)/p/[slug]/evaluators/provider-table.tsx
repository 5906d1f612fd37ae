import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';

type Row = { name: string; baseUrl: string; hasApiKey: boolean };

/** The providers, without their keys: only whether one is stored. */
export function ProviderTable({
  providers,
  remove,
}: {
  providers: Row[];
  remove?: (name: string) => ReactNode;
}) {
  if (providers.length === 0) return <EmptyState title="No providers yet">A judge needs one.</EmptyState>;
  return (
    <Table data-testid="providers-table">
      <thead>
        <tr>
          <Th>Name</Th>
          <Th>Base URL</Th>
          <Th>API key</Th>
          <Th />
        </tr>
      </thead>
      <tbody>
        {providers.map((p) => (
          <tr key={p.name}>
            <Td className="font-medium">{p.name}</Td>
            <Td className="font-mono text-xs">{p.baseUrl}</Td>
            <Td>{p.hasApiKey ? <Badge tone="green">stored, encrypted</Badge> : <Badge>none</Badge>}</Td>
            <Td>{remove?.(p.name)}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
