'use client';
import { debounce, useQueryStates } from 'nuqs';
import { useTransition } from 'react';
import { Input, Select } from '@/components/ui/input';
import { OptionSelect } from './option-select';
import { runKinds, runStatuses } from '@/lib/contract/runs';
import { runsSearchParams, timeRanges } from './search-params';
import { TextFilter } from './text-filter';

const rangeLabels: Record<(typeof timeRanges)[number], string> = {
  '1h': 'Last hour',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
};

export function RunFilters({ models }: { models: string[] }) {
  const [pending, startTransition] = useTransition();
  const [params, setParams] = useQueryStates(runsSearchParams, { shallow: false, startTransition });
  // Any filter change starts again from the newest page.
  const set = (patch: Partial<typeof params>, opts?: Parameters<typeof setParams>[1]) =>
    setParams({ ...patch, cursor: null }, opts);
  const active = Object.entries(params).some(([k, v]) => k !== 'cursor' && v !== null);
  // Every filter (and the cursor) back to null.
  const cleared = Object.fromEntries(Object.keys(params).map((k) => [k, null])) as {
    [K in keyof typeof params]: null;
  };

  return (
    <div className="mb-4 flex flex-wrap items-center gap-2" aria-busy={pending}>
      <Input
        type="search"
        aria-label="Search runs"
        placeholder="Search names…"
        value={params.q ?? ''}
        onChange={(e) => set({ q: e.target.value || null }, { limitUrlUpdates: debounce(350) })}
        className="w-56"
      />
      <OptionSelect
        label="Status"
        all="All statuses"
        value={params.status}
        options={runStatuses}
        onChange={(status) => set({ status })}
      />
      <OptionSelect
        label="Kind"
        all="All kinds"
        value={params.kind}
        options={runKinds}
        onChange={(kind) => set({ kind })}
      />
      <Select
        aria-label="Model"
        value={params.model ?? ''}
        onChange={(e) => set({ model: e.target.value || null })}
      >
        <option value="">All models</option>
        {params.model && !models.includes(params.model) && (
          <option value={params.model}>{params.model}</option>
        )}
        {models.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </Select>
      <OptionSelect
        label="Time range"
        all="Any time"
        value={params.range}
        options={timeRanges}
        labels={rangeLabels}
        onChange={(range) => set({ range, from: null, to: null })}
      />
      <TextFilter label="User" value={params.user} onApply={(user) => set({ user })} />
      <TextFilter label="Thread" value={params.thread} onApply={(thread) => set({ thread })} />
      <TextFilter label="Tag" value={params.tag} onApply={(tag) => set({ tag })} />
      {active && (
        <button
          type="button"
          onClick={() => setParams(cleared)}
          className="h-9 px-2 text-sm text-zinc-500 hover:text-zinc-900 hover:underline"
        >
          Clear filters
        </button>
      )}
      {pending && <span className="text-xs text-zinc-400">Loading…</span>}
    </div>
  );
}
