import { type ReactNode, Suspense } from 'react';
import { Card, CardHeader } from '@/components/ui/card';

/** A section's place while its query runs, so the quotas show before the charts are ready. */
function Pending({ title, height = 'h-40' }: { title: string; height?: string }) {
  return (
    <Card>
      <CardHeader title={title} />
      <div className="p-4" role="status" aria-busy aria-label={`Loading ${title.toLowerCase()}`}>
        <div className={`${height} animate-pulse rounded bg-zinc-100`} />
      </div>
    </Card>
  );
}

export const Section = ({
  title,
  children,
  height,
}: {
  title: string;
  children: ReactNode;
  height?: string;
}) => <Suspense fallback={<Pending title={title} height={height} />}>{children}</Suspense>;
