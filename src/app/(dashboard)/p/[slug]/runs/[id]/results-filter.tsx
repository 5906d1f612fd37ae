import Link from 'next/link';
import { cn } from '@/lib/cn';

/** All results or failed only (a link each, so the filter lives in the URL). */
export function ResultsFilter({
  status,
  link,
}: {
  status?: 'failed' | 'succeeded';
  link: (p: Record<string, string | undefined>) => string;
}) {
  return (
    <fieldset className="flex gap-1 text-sm" aria-label="Result filter">
      <Link
        href={link({})}
        className={cn(
          'rounded px-2 py-1',
          !status ? 'bg-zinc-900 text-white' : 'text-zinc-600 hover:bg-zinc-100',
        )}
      >
        All
      </Link>
      <Link
        href={link({ results: 'failed' })}
        className={cn(
          'rounded px-2 py-1',
          status === 'failed' ? 'bg-zinc-900 text-white' : 'text-zinc-600 hover:bg-zinc-100',
        )}
      >
        Failed only
      </Link>
    </fieldset>
  );
}
