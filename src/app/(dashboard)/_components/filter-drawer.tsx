'use client';
import { type ReactNode, useState } from 'react';

/** A page's filters: in line from the `md` breakpoint; below it, behind a "Filters" button. */
export function FilterDrawer({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <div>
      <button
        type="button"
        onClick={() => setOpen(!open)}
        aria-expanded={open}
        aria-controls="page-filters"
        className="mb-3 h-9 rounded-md border border-zinc-300 bg-white px-3 text-sm text-zinc-700 md:hidden"
      >
        {open ? 'Hide filters' : 'Filters'}
      </button>
      <div id="page-filters" className={open ? 'block' : 'hidden md:block'}>
        {children}
      </div>
    </div>
  );
}
