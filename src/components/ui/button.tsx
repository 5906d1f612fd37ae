import Link from 'next/link';
import type { ComponentProps } from 'react';
import { cn } from '@/lib/cn';

const variants = {
  primary: 'bg-zinc-900 text-white hover:bg-zinc-700 disabled:bg-zinc-400',
  secondary: 'border border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-100 disabled:text-zinc-400',
  ghost: 'text-zinc-700 hover:bg-zinc-100',
  danger: 'border border-red-200 bg-white text-red-700 hover:bg-red-50',
} as const;
const sizes = { sm: 'h-7 px-2.5 text-xs', md: 'h-9 px-3.5 text-sm' } as const;

type Style = { variant?: keyof typeof variants; size?: keyof typeof sizes };

export function buttonClass({ variant = 'primary', size = 'md' }: Style = {}, extra?: string) {
  return cn(
    'inline-flex items-center justify-center gap-1.5 rounded-md font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900 disabled:cursor-not-allowed',
    variants[variant],
    sizes[size],
    extra,
  );
}

export function Button({
  variant,
  size,
  className,
  type = 'button',
  ...props
}: ComponentProps<'button'> & Style) {
  return <button type={type} className={buttonClass({ variant, size }, className)} {...props} />;
}

export function ButtonLink({
  variant = 'secondary',
  size,
  className,
  disabled,
  ...props
}: ComponentProps<typeof Link> & Style & { disabled?: boolean }) {
  if (disabled) {
    return (
      <span
        aria-disabled
        className={buttonClass({ variant, size }, cn('pointer-events-none opacity-50', className))}
      >
        {props.children}
      </span>
    );
  }
  return <Link className={buttonClass({ variant, size }, className)} {...props} />;
}
