'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { cn } from '@/lib/cn';

/** A sidebar link, marked current on its page, the pages below it, and those below `also`. */
export function NavLink({ href, also, children }: { href: string; also?: string; children: ReactNode }) {
  const pathname = usePathname();
  const under = (p: string) => pathname === p || pathname.startsWith(`${p}/`);
  const active = under(href) || (also !== undefined && under(also));
  return (
    <Link
      href={href}
      aria-current={active ? 'page' : undefined}
      className={cn(
        'flex items-center gap-2 rounded-md px-2.5 py-1.5 text-sm transition-colors',
        active
          ? 'bg-zinc-800 font-medium text-white'
          : 'text-zinc-400 hover:bg-zinc-800/60 hover:text-zinc-100',
      )}
    >
      {children}
    </Link>
  );
}
