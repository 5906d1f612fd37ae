'use client';
import { debounce, useQueryStates } from 'nuqs';
import { useEffect, useState, useTransition } from 'react';
import { Input, Select } from '@/components/ui/input';
import { runKinds, runStatuses } from '@/lib/contract/runs';
import { runsSearchParams, timeRanges } from './search-params';

const rangeLabels: Record<(typeof timeRanges)[number], string> = {
  '1h': 'Last hour',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
};

/** A text filter applied on Enter or blur, so typing does not reload the list on every key. */
function TextFilter({
  label,
  value,
  onApply,
}: {
  label: string;
  value: string | null;
  onApply: (v: string | null) => void;
}) {
  const [draft, setDraft] = useState(value ?? '');
  useEffect(() => setDraft(value ?? ''), [value]);
  const apply = () => {
    const v = draft.trim() || null;
    if (v !== value) onApply(v);
  };
  return (
    <Input
      aria-label={label}
      placeholder={label}
      value={draft}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={apply}
      onKeyDown={(e) => {
        if (e.key === 'Enter') apply();
      }}
      className="w-32"
    />
  );
}

export function RunFilters({ models }: { models: string[] }) {
  const [pending, startTransition] = useTransition();
  const [params, setParams] = useQueryStates(runsSearchParams, { shallow: false, startTransition });
  // Any filter change starts again from the newest page.
  const set = (patch: Partial<typeof params>, opts?: Parameters<typeof setParams>[1]) =>
    setParams({ ...patch, cursor: null }, opts);
  const active = Object.entries(params).some(([k, v]) => k !== 'cursor' && v !== null);

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
      <Select
        aria-label="Status"
        value={params.status ?? ''}
        onChange={(e) => set({ status: (e.target.value || null) as typeof params.status })}
      >
        <option value="">All statuses</option>
        {runStatuses.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </Select>
      <Select
        aria-label="Kind"
        value={params.kind ?? ''}
        onChange={(e) => set({ kind: (e.target.value || null) as typeof params.kind })}
      >
        <option value="">All kinds</option>
        {runKinds.map((k) => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </Select>
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
      <Select
        aria-label="Time range"
        value={params.range ?? ''}
        onChange={(e) => set({ range: (e.target.value || null) as typeof params.range })}
      >
        <option value="">Any time</option>
        {timeRanges.map((r) => (
          <option key={r} value={r}>
            {rangeLabels[r]}
          </option>
        ))}
      </Select>
      <TextFilter label="User" value={params.user} onApply={(user) => set({ user })} />
      <TextFilter label="Thread" value={params.thread} onApply={(thread) => set({ thread })} />
      <TextFilter label="Tag" value={params.tag} onApply={(tag) => set({ tag })} />
      {active && (
        <button
          type="button"
          onClick={() =>
            setParams({
              status: null,
              kind: null,
              model: null,
              user: null,
              thread: null,
              tag: null,
              range: null,
              q: null,
              cursor: null,
            })
          }
          className="h-9 px-2 text-sm text-zinc-500 hover:text-zinc-900 hover:underline"
        >
          Clear filters
        </button>
      )}
      {pending && <span className="text-xs text-zinc-400">Loading…</span>}
    </div>
  );
}
