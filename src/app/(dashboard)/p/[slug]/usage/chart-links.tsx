import Link from 'next/link';
import { cn } from '@/lib/cn';
import { LinkPending } from './link-pending';

/**
 * A section's chart switcher: a link per choice, kept in the address, so the server draws only the
 * chosen chart (a page of every choice's chart weighed ~250 kB) and a view is a link.
 */
export function ChartLinks({
  label,
  options,
  current,
  href,
}: {
  /** What the links choose (the accessible name of the group). */
  label: string;
  options: readonly { value: string; name: string }[];
  current: string;
  href: (value: string) => string;
}) {
  if (options.length < 2) return null;
  return (
    <nav aria-label={label} className="mb-2 flex flex-wrap gap-1">
      {options.map((o) => (
        <Link
          key={o.value}
          href={href(o.value)}
          replace
          scroll={false}
          prefetch={false}
          aria-current={o.value === current ? 'true' : undefined}
          className={cn(
            'inline-flex items-center gap-1 rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset',
            o.value === current
              ? 'bg-zinc-900 text-white ring-zinc-900'
              : 'text-zinc-600 ring-zinc-200 hover:bg-zinc-50',
          )}
        >
          {o.name}
          <LinkPending />
        </Link>
      ))}
    </nav>
  );
}
