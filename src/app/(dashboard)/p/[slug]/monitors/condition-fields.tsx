'use client';
import { Input, Label, Select } from '@/components/ui/input';
import { monitorComparators, monitorMetrics } from '@/lib/enums';
import type { Draft } from './definition';
import { comparatorSymbols, metricLabels, windowLabel } from './describe';

const windows = [300, 600, 900, 1800, 3600, 6 * 3600, 12 * 3600, 86_400];
export type QuotaOption = { id: string; label: string };

/** A monitor's name and condition: the metric (with its score or quota), window, comparator and threshold. */
export function ConditionFields({
  draft,
  set,
  quotas,
}: {
  draft: Draft;
  set: (patch: Partial<Draft>) => void;
  quotas: QuotaOption[];
}) {
  return (
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
  );
}
