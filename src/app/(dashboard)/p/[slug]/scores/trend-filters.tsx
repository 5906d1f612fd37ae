'use client';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTransition } from 'react';
import { Select } from '@/components/ui/input';
import { scoreSources } from '@/lib/enums';
import { trendRanges } from './ranges';

/** The Scores page's filters in the address: a name, a time range, a source. */
export function TrendFilters({ names }: { names: string[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, start] = useTransition();
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    start(() => router.push(`${pathname}?${next.toString()}`));
  };
  return (
    <div className="mb-4 flex flex-wrap items-center gap-2" aria-busy={pending}>
      <Select
        aria-label="Score name"
        value={params.get('name') ?? ''}
        onChange={(e) => set('name', e.target.value)}
        className="w-48"
      >
        <option value="">Every score</option>
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </Select>
      <Select
        aria-label="Range"
        value={params.get('range') ?? '30d'}
        onChange={(e) => set('range', e.target.value)}
        className="w-36"
      >
        {Object.keys(trendRanges).map((r) => (
          <option key={r} value={r}>
            last {r}
          </option>
        ))}
      </Select>
      <Select
        aria-label="Source"
        value={params.get('source') ?? ''}
        onChange={(e) => set('source', e.target.value)}
        className="w-40"
      >
        <option value="">Every source</option>
        {scoreSources.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </Select>
    </div>
  );
}
