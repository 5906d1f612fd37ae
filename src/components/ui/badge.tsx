import type { ReactNode } from 'react';
import { cn } from '@/lib/cn';

/** Named classes (src/app/globals.css): a badge sits on every row of a runs page. */
const tones = {
  gray: 'b-gray',
  blue: 'b-blue',
  green: 'b-green',
  red: 'b-red',
  amber: 'b-amber',
  violet: 'b-violet',
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
  return <span className={cn('badge', tones[tone], className)}>{children}</span>;
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
