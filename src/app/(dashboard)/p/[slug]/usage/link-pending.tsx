'use client';
import { useLinkStatus } from 'next/link';

/** Inside a link: a pulsing dot while the page it opens is on its way. */
export function LinkPending() {
  const { pending } = useLinkStatus();
  return pending ? <span aria-hidden className="size-1.5 animate-pulse rounded-full bg-current" /> : null;
}
