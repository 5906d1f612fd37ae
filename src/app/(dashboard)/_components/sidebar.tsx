'use client';
import { type ReactNode, useState } from 'react';

const MENU_ICON = 'M4 6h16M4 12h16M4 18h16';
const CLOSE_ICON = 'M6 6l12 12M18 6 6 18';

/**
 * The dashboard's sidebar: always open from the `lg` breakpoint; below it (a phone), a top bar with a
 * menu button opens it over the page, under the bar, and following one of its links closes it.
 */
export function Sidebar({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <div className="sticky top-0 z-50 flex h-12 items-center gap-3 bg-zinc-900 px-3 lg:hidden">
        <button
          type="button"
          onClick={() => setOpen(!open)}
          aria-expanded={open}
          aria-controls="dashboard-sidebar"
          aria-label={open ? 'Close menu' : 'Open menu'}
          data-testid="menu-button"
          className="rounded p-1.5 text-zinc-300 hover:bg-zinc-800 hover:text-white"
        >
          <svg
            viewBox="0 0 24 24"
            fill="none"
            stroke="currentColor"
            strokeWidth="2"
            className="size-5"
            aria-hidden
          >
            <path d={open ? CLOSE_ICON : MENU_ICON} strokeLinecap="round" />
          </svg>
        </button>
        <span className="text-base font-semibold tracking-tight text-white">
          run<span className="text-emerald-400">ledger</span>
        </span>
      </div>
      {open && (
        <button
          type="button"
          aria-label="Close menu"
          tabIndex={-1}
          onClick={() => setOpen(false)}
          className="fixed inset-0 z-30 bg-black/40 lg:hidden"
        />
      )}
      {/* A link followed inside closes the menu (a capture of the click, whichever link it was). */}
      {/* biome-ignore lint/a11y/noStaticElementInteractions: the links inside are the interactive elements */}
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: keyboard activation of a link fires click too */}
      <div
        id="dashboard-sidebar"
        onClick={(e) => {
          if ((e.target as HTMLElement).closest('a')) setOpen(false);
        }}
        className={`${open ? 'fixed top-12 bottom-0 left-0 z-40 block' : 'hidden'} w-56 shrink-0 bg-zinc-900 lg:static lg:block`}
      >
        <aside className="sticky top-0 flex h-full flex-col gap-6 overflow-y-auto px-3 py-4 lg:h-screen">
          {children}
        </aside>
      </div>
    </>
  );
}
