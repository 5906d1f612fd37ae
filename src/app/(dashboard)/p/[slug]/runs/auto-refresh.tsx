'use client';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { projectPath } from '@/lib/project-path';

/**
 * Re-renders the server page only when a run it shows changed (received events, finished): every few
 * seconds, while the tab is visible, it asks the project's change marker of those runs (primary-key
 * lookups) and refreshes when it moved from the one the page rendered with. A page whose runs receive
 * nothing costs that small request and no render, stale runs included.
 */
export function AutoRefresh({
  slug,
  runIds,
  marker,
  live,
  intervalMs = 3000,
}: {
  /** The project in the address. */
  slug: string;
  /** The shown runs still running or queued. */
  runIds: string[];
  /** runsChangeMarker of those runs, read when the page rendered. */
  marker: string;
  /** Some of them received an event lately (not stale): shows the "live" mark. */
  live: boolean;
  intervalMs?: number;
}) {
  const router = useRouter();
  const ids = runIds.join(',');
  useEffect(() => {
    if (!ids) return;
    const url = `${projectPath(slug, 'runs', 'changes')}?ids=${ids}`;
    let inFlight = false;
    let stopped = false;
    const check = async () => {
      if (inFlight || document.visibilityState !== 'visible') return;
      inFlight = true;
      try {
        const res = await fetch(url, { cache: 'no-store' });
        if (!res.ok || stopped) return;
        const body = (await res.json()) as { marker?: unknown };
        if (typeof body.marker === 'string' && body.marker !== marker) {
          stopped = true;
          router.refresh();
        }
      } catch {
        // Offline or the server restarting: the next tick asks again.
      } finally {
        inFlight = false;
      }
    };
    const id = setInterval(check, intervalMs);
    return () => {
      stopped = true;
      clearInterval(id);
    };
  }, [slug, ids, marker, intervalMs, router]);
  if (!live) return null;
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-blue-700">
      <span className="size-1.5 animate-pulse rounded-full bg-blue-500" /> live
    </span>
  );
}
