'use client';
import { useEffect } from 'react';
import { Button } from '@/components/ui/button';

export default function DashboardError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div role="alert" className="mx-auto mt-16 max-w-lg rounded-lg border border-red-200 bg-white p-6">
      <h1 className="text-base font-semibold text-red-700">This page could not be loaded</h1>
      <p className="mt-2 text-sm text-zinc-600">
        The server hit an error while reading this page. It may be temporary (the database starting up, a
        connection dropped); try again. If it keeps happening, the server log has the detail
        {error.digest ? (
          <>
            {' '}
            under reference <code className="rounded bg-zinc-100 px-1">{error.digest}</code>
          </>
        ) : null}
        .
      </p>
      <div className="mt-4 flex gap-2">
        <Button onClick={reset}>Try again</Button>
        <a href="/" className="inline-flex h-9 items-center px-3 text-sm text-zinc-600 hover:underline">
          Back to runs
        </a>
      </div>
    </div>
  );
}
