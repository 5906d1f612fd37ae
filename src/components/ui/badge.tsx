import type { ReactNode } from 'react';
import { cn } from '@/lib/cn';

const tones = {
  gray: 'bg-zinc-100 text-zinc-700 ring-zinc-200',
  blue: 'bg-blue-50 text-blue-700 ring-blue-200',
  green: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
  red: 'bg-red-50 text-red-700 ring-red-200',
  amber: 'bg-amber-50 text-amber-800 ring-amber-200',
  violet: 'bg-violet-50 text-violet-700 ring-violet-200',
} as const;
export type Tone = keyof typeof tones;

export function Badge({
  tone = 'gray',
  children,
  className,
}: {
  tone?: Tone;
  children: ReactNode;
  className?: string;
}) {
  return (
    <span
      className={cn(
        'inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset',
        tones[tone],
        className,
      )}
    >
      {children}
    </span>
  );
}

const statusTones: Record<string, Tone> = {
  queued: 'gray',
  running: 'blue',
  succeeded: 'green',
  failed: 'red',
  cancelled: 'amber',
};

/** A run's status; `stale`: still running or queued, but no event came for a while (its agent may be gone). */
export function StatusBadge({ status, stale = false }: { status: string; stale?: boolean }) {
  if (stale) {
    return (
      <span title="No event for a while: its agent may have stopped" data-stale="">
        <Badge tone="amber">{status} · stale</Badge>
      </span>
    );
  }
  return (
    <Badge tone={statusTones[status] ?? 'gray'}>
      {status === 'running' && <span className="size-1.5 animate-pulse rounded-full bg-blue-500" />}
      {status}
    </Badge>
  );
}
