import { Badge } from '@/components/ui/badge';
import { cn } from '@/lib/cn';
import { barState } from './format';

const fill = { ok: 'bg-emerald-500', warning: 'bg-amber-500', exceeded: 'bg-red-500' } as const;
const text = { ok: 'text-zinc-600', warning: 'text-amber-700', exceeded: 'text-red-700' } as const;

/** A quota's current window as a bar: amber from 80 %, red from 100 % of the limit. */
export function QuotaBar({
  used,
  limit,
  label,
  className,
}: {
  used: number;
  limit: number;
  label: string;
  className?: string;
}) {
  const { percent, state } = barState(used, limit);
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={limit}
      aria-valuenow={Math.min(used, limit)}
      data-state={state}
      className={cn('h-2 w-full overflow-hidden rounded-full bg-zinc-100', className)}
    >
      <div
        className={cn('h-full rounded-full', fill[state])}
        style={{ width: `${Math.min(100, percent)}%` }}
      />
    </div>
  );
}

export function PercentText({ used, limit }: { used: number; limit: number }) {
  const { percent, state } = barState(used, limit);
  return (
    <span className={cn('tabular-nums', text[state])}>{limit > 0 ? `${Math.round(percent)}%` : '—'}</span>
  );
}

export function ModeBadge({ mode }: { mode: 'hard' | 'soft' }) {
  return mode === 'hard' ? (
    <Badge tone="gray">hard</Badge>
  ) : (
    <Badge tone="violet" className="border-dashed">
      soft
    </Badge>
  );
}
