'use client';
import { useQueryStates } from 'nuqs';
import { useEffect, useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { usageSearchParams } from './search-params';

/** Looks up one subject: the URL keeps it (?subject=…), so a subject's view is a link. */
export function SubjectSearch() {
  const [pending, startTransition] = useTransition();
  const [{ subject }, setParams] = useQueryStates(usageSearchParams, { shallow: false, startTransition });
  const [draft, setDraft] = useState(subject ?? '');
  useEffect(() => setDraft(subject ?? ''), [subject]);
  return (
    <form
      className="flex items-center gap-2"
      aria-busy={pending}
      onSubmit={(e) => {
        e.preventDefault();
        setParams({ subject: draft.trim() || null });
      }}
    >
      <Input
        type="search"
        aria-label="Look up subject"
        placeholder="A user id, e.g. user_01"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        className="w-64"
      />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? 'Looking up…' : 'Look up'}
      </Button>
      {subject && (
        <Button type="button" variant="ghost" onClick={() => setParams({ subject: null })}>
          Clear
        </Button>
      )}
    </form>
  );
}

/** The metric and window of the top-subjects table, kept in the URL. */
export function TopControls({ metrics }: { metrics: string[] }) {
  const [pending, startTransition] = useTransition();
  const [params, setParams] = useQueryStates(usageSearchParams, { shallow: false, startTransition });
  return (
    <div className="flex items-center gap-2" aria-busy={pending}>
      <select
        aria-label="Top subjects metric"
        className="h-7 rounded-md border border-zinc-300 bg-white px-2 text-xs"
        value={params.top ?? metrics[0] ?? ''}
        onChange={(e) => setParams({ top: e.target.value || null })}
      >
        {metrics.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
      <select
        aria-label="Top subjects window"
        className="h-7 rounded-md border border-zinc-300 bg-white px-2 text-xs"
        value={params.topWindow ?? 'day'}
        onChange={(e) => setParams({ topWindow: e.target.value as 'minute' | 'hour' | 'day' | 'month' })}
      >
        <option value="minute">this minute</option>
        <option value="hour">this hour</option>
        <option value="day">today</option>
        <option value="month">this month</option>
      </select>
    </div>
  );
}
