'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { cn } from '@/lib/cn';

export function NavLink({ href, children }: { href: string; children: ReactNode }) {
  const pathname = usePathname();
  const active =
    pathname === href ||
    pathname.startsWith(`${href}/`) ||
    (href === '/runs' && pathname.startsWith('/threads'));
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
