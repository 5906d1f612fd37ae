import { Card, CardHeader } from '@/components/ui/card';
import { Table, Th } from '@/components/ui/table';
import { getDb } from '@/db/client';
import { listQuotas } from '@/server/usage';
import { QuotaEditRow } from './quota-edit-row';
import { CreateQuotaForm } from './quota-editor';

/**
 * The project's quotas, editable in place, and the form for a new one. `readOnly` (viewers): the same
 * editor with every control disabled; the actions refuse anyway.
 */
export async function QuotaEditor({
  projectId,
  readOnly = false,
}: {
  projectId: string;
  readOnly?: boolean;
}) {
  const quotas = await listQuotas(getDb(), projectId);
  return (
    <Card>
      <fieldset disabled={readOnly} data-testid="quota-editor-fieldset" className="contents">
        <CardHeader title="Edit quotas">
          <p className="text-xs text-zinc-500">
            A hard quota refuses usage past its limit (HTTP 429); a soft one only shows it here. A
            subject&apos;s own quota replaces the <code>*</code> quota of the same metric and window.
          </p>
          {readOnly && (
            <p className="text-xs font-medium text-amber-700">Read-only: viewers cannot change quotas.</p>
          )}
        </CardHeader>
        <div className="border-b border-zinc-200 p-4">
          <CreateQuotaForm />
        </div>
        {quotas.length > 0 && (
          <Table data-testid="quota-editor">
            <thead>
              <tr>
                <Th>Subject</Th>
                <Th>Metric</Th>
                <Th>Window</Th>
                <Th>Limit and mode</Th>
                <Th />
              </tr>
            </thead>
            <tbody>
              {quotas.map((q) => (
                <QuotaEditRow key={q.id} quota={q} />
              ))}
            </tbody>
          </Table>
        )}
      </fieldset>
    </Card>
  );
}
