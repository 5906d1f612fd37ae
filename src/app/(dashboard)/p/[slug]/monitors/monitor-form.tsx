'use client';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { Input, Label, Select } from '@/components/ui/input';
import { monitorComparators, monitorMetrics } from '@/lib/enums';
import { saveMonitor } from './actions';
import { type Draft, definitionOf } from './definition';
import { comparatorSymbols, metricLabels, windowLabel } from './describe';
import { FilterFields } from './filter-fields';
import { MonitorPreview } from './monitor-preview';

const windows = [300, 600, 900, 1800, 3600, 6 * 3600, 12 * 3600, 86_400];
export type QuotaOption = { id: string; label: string };

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
      <div className="flex flex-wrap items-end gap-2">
        <div className="flex w-full flex-col gap-1 sm:w-56">
          <Label htmlFor="mon-name">Name</Label>
          <Input id="mon-name" value={draft.name} onChange={(e) => set({ name: e.target.value })} />
        </div>
        <div className="flex flex-col gap-1">
          <Label htmlFor="mon-metric">Metric</Label>
          <Select
            id="mon-metric"
            value={draft.metric}
            onChange={(e) => set({ metric: e.target.value as Draft['metric'] })}
          >
            {monitorMetrics.map((m) => (
              <option key={m} value={m}>
                {metricLabels[m]}
              </option>
            ))}
          </Select>
        </div>
        {draft.metric.startsWith('score_') && (
          <div className="flex flex-col gap-1">
            <Label htmlFor="mon-score">Score name</Label>
            <Input
              id="mon-score"
              value={draft.scoreName}
              onChange={(e) => set({ scoreName: e.target.value })}
            />
          </div>
        )}
        {draft.metric === 'quota_use' && (
          <div className="flex flex-col gap-1">
            <Label htmlFor="mon-quota">Quota</Label>
            <Select id="mon-quota" value={draft.quotaId} onChange={(e) => set({ quotaId: e.target.value })}>
              <option value="">choose…</option>
              {quotas.map((q) => (
                <option key={q.id} value={q.id}>
                  {q.label}
                </option>
              ))}
            </Select>
          </div>
        )}
        <div className="flex flex-col gap-1">
          <Label htmlFor="mon-window">Window</Label>
          <Select
            id="mon-window"
            value={draft.windowSeconds}
            onChange={(e) => set({ windowSeconds: e.target.value })}
          >
            {windows.map((w) => (
              <option key={w} value={String(w)}>
                {windowLabel(w)}
              </option>
            ))}
          </Select>
        </div>
        <div className="flex flex-col gap-1">
          <Label htmlFor="mon-comparator">Fires when</Label>
          <Select
            id="mon-comparator"
            value={draft.comparator}
            onChange={(e) => set({ comparator: e.target.value as Draft['comparator'] })}
          >
            {monitorComparators.map((c) => (
              <option key={c} value={c}>
                {comparatorSymbols[c]}
              </option>
            ))}
          </Select>
        </div>
        <div className="flex flex-col gap-1">
          <Label htmlFor="mon-threshold">Threshold</Label>
          <Input
            id="mon-threshold"
            value={draft.threshold}
            className="w-28"
            onChange={(e) => set({ threshold: e.target.value })}
          />
        </div>
      </div>
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
