import type { Metadata } from 'next';
import { requireProject } from '@/app/(dashboard)/_lib/project';
import { Card, CardHeader, EmptyState, PageHeader } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';
import { getDb } from '@/db/client';
import { hasRole } from '@/server/access';
import { getScoreSettings, listScoreConfigs } from '@/server/scores';
import { ScoreConfigForm } from './config-form';
import { RemoveConfigButton } from './remove-config-button';
import { ScoreSettingsForm } from './settings-form';

export const metadata: Metadata = { title: 'Score configs · runledger' };

function shape(c: { dataType: string; min: number | null; max: number | null; categories: string[] | null }) {
  if (c.dataType === 'categorical') return (c.categories ?? []).join(', ');
  if (c.dataType === 'boolean') return 'yes / no';
  return `${c.min ?? '−∞'} … ${c.max ?? '∞'}`;
}

export default async function ScoreConfigsPage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireProject((await params).slug, 'scores');
  const db = getDb();
  const [configs, settings] = await Promise.all([
    listScoreConfigs(db, ctx.project.id),
    getScoreSettings(db, ctx.project.id),
  ]);
  const editor = hasRole(ctx.project.role, 'editor');
  return (
    <div className="flex max-w-4xl flex-col gap-5">
      <PageHeader
        title="Score configs"
        description="What a score of each name must look like. A score naming a config is checked against it; the replay's scoring panel offers these."
      />
      <Card>
        <CardHeader title="Configs" />
        {configs.length === 0 ? (
          <EmptyState title="No score configs yet">
            Scores without a config are stored as numbers (or yes/no), unchecked.
          </EmptyState>
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Type</Th>
                <Th>Values</Th>
                <Th>Description</Th>
                {editor && <Th />}
              </tr>
            </thead>
            <tbody>
              {configs.map((c) => (
                <tr key={c.id}>
                  <Td className="font-medium">{c.name}</Td>
                  <Td>{c.dataType}</Td>
                  <Td>{shape(c)}</Td>
                  <Td className="text-zinc-500">{c.description ?? ''}</Td>
                  {editor && (
                    <Td>
                      <RemoveConfigButton name={c.name} />
                    </Td>
                  )}
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        {editor && <ScoreConfigForm />}
      </Card>
      <Card>
        <CardHeader title="Settings" />
        <ScoreSettingsForm
          requireConfig={settings.requireConfig}
          historyColumns={settings.historyColumns}
          disabled={!editor}
        />
      </Card>
    </div>
  );
}
