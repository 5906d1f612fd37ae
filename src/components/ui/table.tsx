import type { ComponentProps } from 'react';
import { cn } from '@/lib/cn';

// `tbl`, `th`, `td`: named classes (src/app/globals.css), short in every row's HTML and page data.

export function Table({ className, ...props }: ComponentProps<'table'>) {
  return (
    <div className="overflow-x-auto" data-scroll-x>
      <table className={cn('tbl', className)} {...props} />
    </div>
  );
}

export function Th({ className, ...props }: ComponentProps<'th'>) {
  return <th className={cn('th', className)} {...props} />;
}

export function Td({ className, ...props }: ComponentProps<'td'>) {
  return <td className={cn('td', className)} {...props} />;
}
