import type { Metadata } from 'next';
import Link from 'next/link';
import { requireProject } from '@/app/(dashboard)/_lib/project';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader, EmptyState, PageHeader } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';
import { getDb } from '@/db/client';
import { hasRole, projectPath } from '@/lib/project-path';
import { evaluationCounts, listEvaluators, listLlmProviders, recentProblems } from '@/server/evaluators';
import { describeConfig, describeFilter } from './describe';
import { EvaluatorRowActions } from './evaluator-actions';
import { EvaluatorForm, TYPE_LABELS } from './evaluator-form';
import { ProviderForm, RemoveProviderButton } from './provider-form';
import { ProviderTable } from './provider-table';

export const metadata: Metadata = { title: 'Evaluators · runledger' };

/** The project's evaluators and LLM providers: everyone reads them, editors and owners change them. */
export default async function EvaluatorsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { project } = await requireProject((await params).slug, 'evaluators');
  const db = getDb();
  const [evaluators, counts, providers, problems] = await Promise.all([
    listEvaluators(db, project.id),
    evaluationCounts(db, project.id),
    listLlmProviders(db, project.id),
    recentProblems(db, project.id),
  ]);
  const canEdit = hasRole(project.role, 'editor');
  const count = (id: string, status: string) =>
    counts.find((c) => c.evaluatorId === id && c.status === status)?.count ?? 0;
  const providerName = (id: string) => providers.find((p) => p.id === id)?.name ?? 'a deleted provider';
  const nameOf = (id: string) => evaluators.find((e) => e.id === id)?.name ?? id;
  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Evaluators"
        description="Checks that score runs and dataset results. Online evaluators score finished runs as they finish; any evaluator can be run on a dataset run or a selection of runs (POST /api/v1/evaluators/{id}/runs). Each writes one score per run or result, named after it."
      />
      <Card className="mb-5">
        <CardHeader title={`Evaluators (${evaluators.length})`} />
        {evaluators.length === 0 ? (
          <EmptyState title="No evaluators yet">
            {canEdit ? 'Add one below.' : 'An editor of this project can add them.'}
          </EmptyState>
        ) : (
          <Table data-testid="evaluators-table">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Checks</Th>
                <Th>Runs on</Th>
                <Th className="text-right">Scored</Th>
                <Th className="text-right">Waiting</Th>
                <Th className="text-right">Failed / skipped</Th>
                <Th>Budget</Th>
                <Th />
              </tr>
            </thead>
            <tbody>
              {evaluators.map((e) => (
                <tr key={e.id}>
                  <Td className="font-medium">
                    {e.name} {!e.enabled && <Badge tone="amber">paused</Badge>}
                  </Td>
                  <Td>
                    <Badge tone={e.config.type === 'llm_judge' ? 'violet' : 'blue'}>
                      {TYPE_LABELS[e.config.type]}
                    </Badge>{' '}
                    <span className="text-xs text-zinc-600">{describeConfig(e.config, providerName)}</span>
                  </Td>
                  <Td className="text-xs text-zinc-600">
                    {e.online ? `online: ${describeFilter(e.filter, e.sampleRate)}` : 'on demand'}
                  </Td>
                  <Td className="text-right tabular-nums">{count(e.id, 'done')}</Td>
                  <Td className="text-right tabular-nums">
                    {count(e.id, 'pending') + count(e.id, 'running')}
                  </Td>
                  <Td className="text-right tabular-nums">
                    {count(e.id, 'failed')} / {count(e.id, 'skipped')}
                  </Td>
                  <Td className="text-xs">{e.dailyBudget === null ? '—' : `${e.dailyBudget}/day`}</Td>
                  <Td>{canEdit && <EvaluatorRowActions id={e.id} enabled={e.enabled} />}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
      {problems.length > 0 && (
        <Card className="mb-5">
          <CardHeader title="Recent failures and skips" />
          <Table>
            <tbody>
              {problems.map((j) => (
                <tr key={j.id}>
                  <Td>{nameOf(j.evaluatorId)}</Td>
                  <Td>
                    <Link
                      className="font-mono text-xs underline"
                      href={projectPath(project.slug, 'runs', j.runId)}
                    >
                      {j.runId.slice(0, 8)}
                    </Link>
                  </Td>
                  <Td>
                    <Badge tone={j.status === 'failed' ? 'red' : 'gray'}>{j.status}</Badge>
                  </Td>
                  <Td className="text-xs text-zinc-600">{j.lastError}</Td>
                  <Td className="text-xs tabular-nums">{j.attempts} attempts</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
      {canEdit && (
        <Card className="mb-5">
          <CardHeader title="Add an evaluator" />
          <div className="p-4">
            <EvaluatorForm providers={providers.map((p) => ({ id: p.id, name: p.name }))} />
          </div>
        </Card>
      )}
      <Card>
        <CardHeader title="LLM providers (OpenAI-compatible endpoints for judges)" />
        <ProviderTable
          providers={providers.map((p) => ({
            name: p.name,
            baseUrl: p.baseUrl,
            hasApiKey: p.apiKeyCipher !== null,
          }))}
          remove={canEdit ? (name) => <RemoveProviderButton name={name} /> : undefined}
        />
        {canEdit && (
          <div className="border-t border-zinc-100 p-4">
            <ProviderForm />
          </div>
        )}
      </Card>
    </div>
  );
}
