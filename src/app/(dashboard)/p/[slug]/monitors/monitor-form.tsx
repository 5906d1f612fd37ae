'use client';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { Input, Label, Select } from '@/components/ui/input';
import { saveMonitor } from './actions';
import { type Draft, definitionOf } from './definition';
import { ConditionFields, type QuotaOption } from './condition-fields';
import { FilterFields } from './filter-fields';
import { MonitorPreview } from './monitor-preview';

export type { QuotaOption } from './condition-fields';

/** Create or edit a monitor, with the live preview of its metric beside the fields. */
export function MonitorForm({
  id,
  initial,
  quotas,
  doneHref,
}: {
  id?: string;
  initial: Draft;
  quotas: QuotaOption[];
  doneHref: string;
}) {
  const router = useRouter();
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    startTransition(async () => {
      const res = await saveMonitor(null, { id, monitor: definitionOf(draft) });
      if (!res.ok) {
        const fields = Object.entries(res.fieldErrors ?? {}).map(
          ([f, m]) => `${f.replace(/^monitor\./, '')}: ${m.join(', ')}`,
        );
        setErrors(fields.length > 0 ? fields.join('; ') : (res.error ?? 'Not saved'));
        return;
      }
      setErrors(null);
      router.push(doneHref);
      router.refresh();
    });
  };
  return (
    <form onSubmit={submit} className="flex flex-col gap-3" data-testid="monitor-form">
      <ConditionFields draft={draft} set={set} quotas={quotas} />
      <FilterFields draft={draft} set={set} />
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={draft.perSubject}
            onChange={(e) => set({ perSubject: e.target.checked })}
          />
          Per subject (each user on its own)
        </label>
        <div className="flex flex-col gap-1">
          <Label htmlFor="mon-cooldown">Cooldown (min)</Label>
          <Input
            id="mon-cooldown"
            value={draft.cooldownMinutes}
            className="w-24"
            onChange={(e) => set({ cooldownMinutes: e.target.value })}
          />
        </div>
        <div className="flex flex-col gap-1">
          <Label htmlFor="mon-nodata">No data means</Label>
          <Select
            id="mon-nodata"
            value={draft.noData}
            onChange={(e) => set({ noData: e.target.value as Draft['noData'] })}
          >
            <option value="ok">ok</option>
            <option value="firing">firing</option>
          </Select>
        </div>
      </div>
      <MonitorPreview draft={draft} />
      {errors && (
        <p className="text-sm text-red-600" role="alert">
          {errors}
        </p>
      )}
      <div>
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : id ? 'Save monitor' : 'Create monitor'}
        </Button>
      </div>
    </form>
  );
}
